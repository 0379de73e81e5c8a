import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { resolveContacts } from '../../../catalog/contacts.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { tellClicker } from '../../reply.js';
import { renderProgramCard } from '../../render/card.js';
import { ACTIONS } from '../../render/results.js';
import type { ShienServices } from '../../services.js';
import { INVITE_HINT, postErrorHint, slackErrorCode } from '../../errors.js';
import { GONE_TEXT } from './program-details.js';

/** What the person who clicked is told when Slack refuses the post. */
export const CANNOT_POST_TEXT = 'このチャンネルには投稿できませんでした。チャンネルで `/invite @shien` を実行してボットを招待してから、もう一度お試しください。';

/** チャンネルに共有 → the program's card posted to the channel, saying who shared it. */
export function registerProgramShare(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.share, async (args) => {
    await args.ack();
    const channel = args.body.channel?.id;
    await handle(
      services,
      { kind: 'action', name: ACTIONS.share, user: args.body.user.id, channel },
      async (log) => {
        const engine = services.engine();
        const program = engine.get(args.action.value ?? '');
        if (!program) return tellClicker(args, GONE_TEXT);
        if (!channel) return tellClicker(args, CANNOT_POST_TEXT);
        const agency = engine.agencies.resolve(program.agency);
        const contacts = resolveContacts(program, agency, services.contacts?.staff);
        const card = renderProgramCard(program, { agency, contacts, today: services.contacts?.now(), sharedBy: args.body.user.id });
        try {
          await args.client.chat.postMessage({ channel, text: card.text, blocks: card.blocks, unfurl_links: false, unfurl_media: false });
        } catch (error) {
          const code = slackErrorCode(error);
          const hint = postErrorHint(code);
          if (!hint) throw error; // not something the person can fix: the error answer, and the log
          log.slackError = code;
          await tellClicker(args, hint === INVITE_HINT ? CANNOT_POST_TEXT : `チャンネルに共有できませんでした: ${hint}`);
        }
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
