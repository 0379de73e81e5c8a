import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NOTICE_MORE_ACTION } from '../../../notices/digest.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { showToClicker, tellClicker } from '../../reply.js';
import type { ShienServices } from '../../services.js';

/** 「ほか N 件を見る」 on a digest → every program that run announced, 40 at a time, to the clicker. */
export function registerNoticeMore(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_MORE_ACTION, async (args) => {
    await args.ack();
    const channel = args.body.channel?.id;
    await handle(
      services,
      { kind: 'action', name: NOTICE_MORE_ACTION, user: args.body.user.id, channel },
      async () => {
        const answer = (await services.notices?.more(args.action.value ?? '', channel) ) ?? 'このボタンは古くなっています。';
        if (typeof answer === 'string') return tellClicker(args, answer);
        await showToClicker(args, '新着の支援事業', answer, 'new');
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
