import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { resolveContacts } from '../../../catalog/contacts.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { inView, showToClicker, tellClicker } from '../../reply.js';
import { renderProgramCard } from '../../render/card.js';
import { ACTIONS } from '../../render/results.js';
import type { ShienServices } from '../../services.js';

export const GONE_TEXT = 'この事業はカタログにありません (削除または変更された可能性があります)。もう一度検索してください。';

/** 詳細 → the full card, its agency's contact and up to three similar programs. */
export function registerProgramDetails(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(ACTIONS.details, async (args) => {
    await args.ack();
    await handle(
      services,
      { kind: 'action', name: ACTIONS.details, user: args.body.user.id, channel: args.body.channel?.id },
      async () => {
        const engine = services.engine();
        const program = engine.get(args.action.value ?? '');
        if (!program) return tellClicker(args, GONE_TEXT);
        const agency = engine.agencies.resolve(program.agency);
        const card = renderProgramCard(program, {
          agency,
          contacts: resolveContacts(program, agency, services.contacts?.staff),
          today: services.contacts?.now(),
          editContact: services.contacts?.isAdmin(args.body.user.id) ?? false,
          similar: engine.similar(program.id, 3).map((h) => h.program),
          share: !inView(args.body),
        });
        await showToClicker(args, '事業の詳細', card, 'new');
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
