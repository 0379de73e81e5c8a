import type { App } from '@slack/bolt';
import { answerText, fromSlackText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import type { ShienServices } from '../../services.js';
import { asksForNotices, NOTICES_BY_COMMAND_TEXT } from '../../notice-command.js';

/**
 * A DM to the bot → the answer in the DM, in the thread it was asked in (it went to the DM's
 * top). Edits, joins and bot messages are not questions.
 */
export function registerDirectMessage(app: App, services: ShienServices): void {
  app.event('message', async ({ event, say, context }) => {
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    const thread = 'thread_ts' in event && typeof event.thread_ts === 'string' ? { thread_ts: event.thread_ts } : {};
    await handle(
      services,
      { kind: 'event', name: 'message.im', user: event.user, channel: event.channel, retry: context.retryNum },
      async (log) => {
        const text = fromSlackText(event.text ?? '');
        if (services.notices && asksForNotices(text)) {
          log.subcommand = 'notices';
          await say({ ...thread, text: NOTICES_BY_COMMAND_TEXT });
          return;
        }
        const answer = answerText(services.engine(), text, { contacts: { staff: services.contacts?.staff, today: services.contacts?.now() } });
        log.hits = answer.hits;
        await say({ ...thread, text: answer.message.text, blocks: answer.message.blocks, unfurl_links: false });
      },
      () => say({ ...thread, text: ERROR_TEXT }),
    );
  });
}
