import type { App } from '@slack/bolt';
import { answerText, fromSlackText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import type { ShienServices } from '../../services.js';
import { asksForNotices, NOTICES_BY_COMMAND_TEXT } from '../../notice-command.js';

/** `@shien 創業` in a channel → the answer in a thread under the mention. */
export function registerAppMention(app: App, services: ShienServices): void {
  app.event('app_mention', async ({ event, say, context }) => {
    const thread_ts = event.thread_ts ?? event.ts;
    await handle(
      services,
      { kind: 'event', name: 'app_mention', user: event.user, channel: event.channel, retry: context.retryNum },
      async (log) => {
        const text = fromSlackText(event.text);
        // The notices are set with the slash command (who may change them is checked there).
        if (services.notices && asksForNotices(text)) {
          log.subcommand = 'notices';
          await say({ thread_ts, text: NOTICES_BY_COMMAND_TEXT });
          return;
        }
        const answer = answerText(services.engine(), text, { contacts: { staff: services.contacts?.staff, today: services.contacts?.now() } });
        log.hits = answer.hits;
        await say({ thread_ts, text: answer.message.text, blocks: answer.message.blocks, unfurl_links: false });
      },
      () => say({ thread_ts, text: ERROR_TEXT }),
    );
  });
}
