import { createInterface } from 'node:readline';
import { agencyContacts } from './catalog/contacts.js';
import { contactText } from './render/contact.js';
import { renderResponseText } from './render/text.js';
import type { SearchEngine } from './search/engine.js';
import { startWarmUp, type RunningWarmUp } from './search/warm-up.js';
import { agencyAsked } from './slack/answer.js';
import { helpLines, isHelpRequest } from './slack/render/help.js';

/**
 * The local console `npm start` opens without Slack tokens: type `/支援 創業` or just `創業`
 * and see the answer Slack would give, as text. From a pipe: one answer per input line.
 */
const COMMAND_PREFIX = /^\/(支援|shien)(\s+|$)/;
/** `/支援 通知 オン` is a channel setting in Slack (as src/slack/listeners/commands/search.ts reads it). */
const NOTICES = /^通知(\s+|$)/;
const RESULTS_SHOWN = 5;

export function answerConsoleLine(engine: SearchEngine, line: string): string {
  const query = line.trim().replace(COMMAND_PREFIX, '').trim();
  if (NOTICES.test(query)) {
    return '新着通知は Slack で使えます: 通知したいチャンネルで /支援 通知 オン (オフ・状態も同じ形)。このコンソールでは検索だけができます。';
  }
  if (isHelpRequest(query)) return ['支援ナビの使い方 (Slack では /支援 のあとに入力します)', ...helpLines()
    .filter((l) => !l.includes('通知')) // notices are a Slack channel setting
    .map((l) => `  • ${l.replace(/`/g, '')}`)].join('\n');
  const results = renderResponseText(engine.search(query, { limit: RESULTS_SHOWN }), RESULTS_SHOWN);
  // `機関:<name>` alone: the body's contact first, as Slack shows it (staff edits live in Slack's data).
  const agency = agencyAsked(engine, query);
  return agency ? `実施機関: ${agency.name}（${agency.kind}）\n${contactText(agencyContacts(agency), new Date())}\n\n${results}` : results;
}

export interface ConsoleOptions {
  /**
   * At the prompt, warm the search engine up while nobody types (SHIEN_WARMUP; warm-up.ts), and
   * say on `err` when it is done. Not for a pipe: its questions are already waiting, and
   * warming up would only delay them (as it would a one-shot `shien search`).
   */
  warmUp?: boolean;
  err?: NodeJS.WritableStream;
  /**
   * Where the greeting, the prompt and the echo of what is typed go at a terminal (default
   * `output`): stderr when stdout is a file or a pipe (`npm start > answers.txt`), so that it
   * holds the answers only and the user still sees what they type.
   */
  prompt?: NodeJS.WritableStream;
}

/** Words that end the session at the prompt (as in other consoles), not searched for. */
const QUIT = /^(quit|exit|bye|終了|おわり|終わり)$/iu;

export async function runConsole(engine: SearchEngine, input: NodeJS.ReadableStream & { isTTY?: boolean }, output: NodeJS.WritableStream, options: ConsoleOptions = {}): Promise<void> {
  const interactive = input.isTTY === true;
  const prompt = options.prompt ?? output;
  const lines = createInterface({ input, output: interactive ? prompt : undefined, terminal: interactive });
  let warming: RunningWarmUp | undefined;
  if (interactive) {
    prompt.write(`支援ナビ (ローカル) — カタログ ${engine.size} 件。例: /支援 創業 ・ お金を借りたい ・ 機関:ジェトロ ・ help (終了は quit か Ctrl+D)\n`);
    lines.setPrompt('支援> ');
    lines.prompt();
    if (options.warmUp) {
      const err = options.err ?? process.stderr;
      warming = startWarmUp(engine, (r) => {
        if ('error' in r) err.write(`\n支援ナビ: 検索の準備運動に失敗しました (検索はそのまま使えます): ${r.error instanceof Error ? r.error.message : String(r.error)}\n`);
        else if (r.ended !== 'aborted') err.write(`\n支援ナビ: 検索の準備運動を終えました (${r.questions} 問、${Math.round(r.ms)} ms)\n`);
        else return;
        lines.prompt(true); // the prompt again below the line, with what was typed so far
      });
    }
  }
  let asked = 0;
  try {
    for await (const line of lines) {
      if (interactive && QUIT.test(line.trim())) break;
      // A blank line from a pipe is skipped; at the prompt it just prompts again.
      if (line.trim()) {
        asked++;
        output.write(answerConsoleLine(engine, line) + '\n\n');
      }
      if (interactive) lines.prompt();
    }
  } finally {
    lines.close();
    warming?.stop();
  }
  // `npm start` as a service with its Slack settings missing (an .env in another directory) read
  // an empty stdin and ended at once, exit 0, without a word: say what happened.
  if (!interactive && asked === 0) {
    (options.err ?? process.stderr).write('支援ナビ: Slack の設定 (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET) がないためコンソールで起動しましたが、入力が空でした。Slack で動かすには、その 2 つを環境変数か作業ディレクトリの .env に設定してください。\n');
  }
}
