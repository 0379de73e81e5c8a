import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { answerText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { inView, showToClicker, tellClicker } from '../../reply.js';
import { ACTIONS, decodePageState } from '../../render/results.js';
import type { ShienServices } from '../../services.js';

const PAGE_ACTION = new RegExp(`^${ACTIONS.page}_(prev|next)$`);

/** 次の5件 / 前の5件 → the same query at the offset the button carries, in place. */
export function registerResultsPage(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(PAGE_ACTION, async (args) => {
    await args.ack();
    await handle(
      services,
      { kind: 'action', name: args.action.action_id, user: args.body.user.id, channel: args.body.channel?.id },
      async (log) => {
        const state = decodePageState(args.action.value ?? '');
        if (!state) return tellClicker(args, 'このボタンは古くなっています。もう一度検索してください。');
        const answer = answerText(services.engine(), state.q, { offset: state.o, share: !inView(args.body), contacts: { staff: services.contacts?.staff, today: services.contacts?.now() } });
        log.hits = answer.hits;
        await showToClicker(args, '検索結果', answer.message, 'replace');
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
