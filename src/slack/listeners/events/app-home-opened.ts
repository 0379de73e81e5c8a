import type { App } from '@slack/bolt';
import { handle } from '../../handled.js';
import { renderHome } from '../../render/home.js';
import { noticePermission } from '../../channel-permission.js';
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
  const mayChange = noticePermission(client, services.adminUsers);
  const extra = services.notices ? await services.notices.homeBlocks(user, (channel) => mayChange(user, channel)) : [];
  await client.views.publish({ user_id: user, view: renderHome(engine.programs, engine.agencies, extra) });
}
