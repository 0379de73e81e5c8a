import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { answerText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { inView, showToClicker, tellClicker } from '../../reply.js';
import { ACTIONS, decodePageState, PAGE_SIZE } from '../../render/results.js';
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
        const page = (offset: number) => answerText(services.engine(), state.q, { offset, share: !inView(args.body), contacts: { staff: services.contacts?.staff, today: services.contacts?.now() } });
        let answer = page(state.o);
        // Past the end (the catalog shrank since the button was made): the last page, not an
        // empty one whose only button led to another empty one.
        if (answer.hits !== undefined && answer.hits > 0 && state.o >= answer.hits) answer = page(Math.floor((answer.hits - 1) / PAGE_SIZE) * PAGE_SIZE);
        log.hits = answer.hits;
        await showToClicker(args, '検索結果', answer.message, 'replace');
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
