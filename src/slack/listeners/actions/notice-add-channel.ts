import type { App, BlockAction, ChannelsSelectAction } from '@slack/bolt';
import { NOTICE_ACTIONS } from '../../../notices/channel-notices.js';
import { handle, SETTINGS_ERROR_TEXT } from '../../handled.js';
import { NOT_A_MEMBER_TEXT, noticePermission } from '../../channel-permission.js';
import { tellClicker } from '../../reply.js';
import type { ShienServices } from '../../services.js';
import { publishHome } from '../events/app-home-opened.js';

/** App Home channel picker → notices on for the chosen channel, and Home redrawn. */
export function registerNoticeAddChannel(app: App, services: ShienServices): void {
  app.action<BlockAction<ChannelsSelectAction>>(NOTICE_ACTIONS.addChannel, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const channel = action.selected_channel;
    await handle(
      services,
      { kind: 'action', name: NOTICE_ACTIONS.addChannel, user: body.user.id, channel },
      async (log) => {
        if (!services.notices || !channel) return;
        if (!(await noticePermission(client, services.adminUsers)(body.user.id, channel))) {
          log.refused = 'not_a_member';
          return tellClicker(args, NOT_A_MEMBER_TEXT);
        }
        const reply = await services.notices.toggle('on', channel, body.user.id);
        await publishHome(client, services, body.user.id);
        await tellClicker(args, reply); // says what is now known, and to invite the bot to private channels
      },
      () => tellClicker(args, SETTINGS_ERROR_TEXT),
    );
  });
}
