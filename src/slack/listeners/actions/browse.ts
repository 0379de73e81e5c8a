import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { answerText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { inView, showToClicker, tellClicker } from '../../reply.js';
import { actionIdPattern, actionKind } from '../../block-limits.js';
import { BROWSE_ACTIONS, browseQuery } from '../../render/help.js';
import type { ShienServices } from '../../services.js';

const BROWSE_ACTION = actionIdPattern(...Object.values(BROWSE_ACTIONS));

/** Browse buttons (help, App Home) → the programs of a key project, purpose or agency. */
export function registerBrowse(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(BROWSE_ACTION, async (args) => {
    await args.ack();
    await handle(
      services,
      { kind: 'action', name: actionKind(args.action.action_id), user: args.body.user.id, channel: args.body.channel?.id },
      async (log) => {
        const query = browseQuery(args.action.action_id, args.action.value ?? '');
        if (!query) return tellClicker(args, 'このボタンは古くなっています。もう一度お試しください。');
        // Shown only to whoever clicked (ephemeral or a modal): staff may get 「連絡先を編集」 on an agency.
        const c = services.contacts;
        const contacts = c && { staff: c.staff, today: c.now(), editable: c.isAdmin(args.body.user.id) };
        const answer = answerText(services.engine(), query, { share: !inView(args.body), ...(contacts ? { contacts } : {}) });
        log.hits = answer.hits;
        await showToClicker(args, '支援事業を探す', answer.message, 'new');
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
