import type { App } from '@slack/bolt';
import type { ShienServices } from '../services.js';
import { registerBrowse } from './actions/browse.js';
import { registerContactEdit } from './actions/contact-edit.js';
import { registerProgramDetails } from './actions/program-details.js';
import { registerProgramShare } from './actions/program-share.js';
import { registerNoticeAddChannel } from './actions/notice-add-channel.js';
import { registerNoticeMore } from './actions/notice-more.js';
import { registerNoticeToggle } from './actions/notice-toggle.js';
import { registerResultsPage } from './actions/results-page.js';
import { registerSourcePage } from './actions/source-page.js';
import { registerSearchCommand } from './commands/search.js';
import { registerAppHomeOpened } from './events/app-home-opened.js';
import { registerAppMention } from './events/app-mention.js';
import { registerDirectMessage } from './events/direct-message.js';
import { registerContactEditSubmit } from './views/contact-edit-submit.js';

/** Every listener the app has, by Slack surface. manifest.yml declares exactly these. */
export function registerListeners(app: App, services: ShienServices): void {
  registerSearchCommand(app, services);

  registerProgramDetails(app, services);
  registerProgramShare(app, services);
  registerResultsPage(app, services);
  registerSourcePage(app, services);
  registerBrowse(app, services);
  registerNoticeToggle(app, services);
  registerNoticeAddChannel(app, services);
  registerNoticeMore(app, services);
  registerContactEdit(app, services);

  registerContactEditSubmit(app, services);

  registerAppMention(app, services);
  registerDirectMessage(app, services);
  registerAppHomeOpened(app, services);
}
