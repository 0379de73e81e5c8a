import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { NOTICE_ACTIONS } from '../../../notices/channel-notices.js';
import { handle, SETTINGS_ERROR_TEXT } from '../../handled.js';
import { NOT_A_MEMBER_TEXT, noticePermission } from '../../channel-permission.js';
import { tellClicker } from '../../reply.js';
import type { ShienServices } from '../../services.js';
import { publishHome } from '../events/app-home-opened.js';

/** App Home オンにする / オフにする next to a channel → toggles its notices and redraws Home. */
export function registerNoticeToggle(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(NOTICE_ACTIONS.toggle, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const [what, channel] = (action.value ?? '').split(':');
    await handle(
      services,
      { kind: 'action', name: NOTICE_ACTIONS.toggle, user: body.user.id, channel },
      async (log) => {
        if (!services.notices || (what !== 'on' && what !== 'off') || !channel) return;
        // Checked at click time: the button may be stale, or the payload forged by a non-member.
        if (!(await noticePermission(client, services.adminUsers)(body.user.id, channel))) {
          log.refused = 'not_a_member';
          return tellClicker(args, NOT_A_MEMBER_TEXT);
        }
        log.turned = what;
        await services.notices.toggle(what, channel, body.user.id);
        await publishHome(client, services, body.user.id);
      },
      () => tellClicker(args, SETTINGS_ERROR_TEXT),
    );
  });
}
