import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { SOURCE_PAGE_ACTION } from '../../render/imported.js';
import type { ShienServices } from '../../services.js';

/**
 * 「Jグランツで見る」 is a link button: Slack opens the page itself, but still sends the click
 * to the app, which must acknowledge it (otherwise Slack marks the button as failed).
 */
export function registerSourcePage(app: App, _services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(SOURCE_PAGE_ACTION, async ({ ack }) => {
    await ack();
  });
}
