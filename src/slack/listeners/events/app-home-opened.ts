import type { App } from '@slack/bolt';
import { handle } from '../../handled.js';
import { renderHome } from '../../render/home.js';
import { noticePermission } from '../../channel-permission.js';
import { slackErrorCode } from '../../errors.js';
import type { ShienServices } from '../../services.js';

/** Opening the app's Home tab → how to use, browse buttons, channel subscriptions. */
export function registerAppHomeOpened(app: App, services: ShienServices): void {
  app.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    await handle(
      services,
      { kind: 'event', name: 'app_home_opened', user: event.user, retry: context.retryNum },
      async () => {
        await publishHome(client, services, event.user);
      },
      async () => {},
    );
  });
}

export async function publishHome(client: App['client'], services: ShienServices, user: string): Promise<void> {
  const engine = services.engine();
  const asked = noticePermission(client, services.adminUsers);
  const mayChange = services.homePermissions ? services.homePermissions.remembering(asked) : asked;
  // A membership Slack will not tell (an install made before channels:read and groups:read:
  // missing_scope) shows that channel without its button, and is logged: it left no Home at all.
  const refused = new Set<string>();
  const mayChangeOrNot = (channel: string) =>
    mayChange(user, channel).catch((error: unknown) => {
      refused.add(slackErrorCode(error) ?? (error instanceof Error ? error.message : String(error)));
      return false;
    });
  const extra = services.notices ? await services.notices.homeBlocks(user, mayChangeOrNot) : [];
  if (refused.size) services.logger.warn({ component: 'slack', method: 'conversations.members', errors: [...refused] }, 'App Home: channel membership could not be checked; those channels are shown without buttons');
  await client.views.publish({ user_id: user, view: renderHome(engine.programs, engine.agencies, extra) });
}
