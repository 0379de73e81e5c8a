import type { App } from '@slack/bolt';
import { answerText, fromSlackText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import type { ShienServices } from '../../services.js';

/** A DM to the bot → the answer in the DM. Edits, joins and bot messages are not questions. */
export function registerDirectMessage(app: App, services: ShienServices): void {
  app.event('message', async ({ event, say, context }) => {
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    await handle(
      services,
      { kind: 'event', name: 'message.im', user: event.user, channel: event.channel, retry: context.retryNum },
      async (log) => {
        const answer = answerText(services.engine(), fromSlackText(event.text ?? ''), { contacts: { staff: services.contacts?.staff, today: services.contacts?.now() } });
        log.hits = answer.hits;
        await say({ text: answer.message.text, blocks: answer.message.blocks, unfurl_links: false });
      },
      () => say(ERROR_TEXT),
    );
  });
}
