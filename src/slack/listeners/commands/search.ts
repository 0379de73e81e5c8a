import type { App } from '@slack/bolt';
import { answerText, fromSlackText } from '../../answer.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import type { ShienServices } from '../../services.js';
import { noticeArgs } from '../../notice-command.js';

/** Both names: `/支援`, and the ASCII `/shien` that keeps the app installable anywhere. */
export const SLASH_COMMANDS = ['/支援', '/shien'] as const;

/** `/支援 <query>` → an ephemeral answer; `/支援` alone, help, ヘルプ → how to search. */
export function registerSearchCommand(app: App, services: ShienServices): void {
  for (const name of SLASH_COMMANDS) {
    app.command(name, async ({ command, ack, respond }) => {
      await ack(); // within Slack's 3 s; the answer follows through response_url
      const text = fromSlackText(command.text ?? '');
      await handle(
        services,
        { kind: 'command', name, user: command.user_id, channel: command.channel_id },
        async (log) => {
          const noticeWords = noticeArgs(text);
          if (noticeWords !== undefined && services.notices) {
            log.subcommand = 'notices';
            const reply = await services.notices.command(noticeWords, { channel: command.channel_id, channelName: command.channel_name, user: command.user_id });
            await respond({ response_type: 'ephemeral', text: reply });
            return;
          }
          const contacts = services.contacts && { staff: services.contacts.staff, today: services.contacts.now(), editable: services.contacts.isAdmin(command.user_id) };
          const answer = answerText(services.engine(), text, { command: name, ...(contacts ? { contacts } : {}) });
          log.hits = answer.hits;
          await respond({ response_type: 'ephemeral', text: answer.message.text, blocks: answer.message.blocks });
        },
        () => respond({ response_type: 'ephemeral', text: ERROR_TEXT }),
      );
    });
  }
}
