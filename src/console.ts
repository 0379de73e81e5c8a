import { createInterface } from 'node:readline';
import { agencyContacts, type StaffContacts } from './catalog/contacts.js';
import { contactText } from './render/contact.js';
import { renderProgramText } from './render/program-text.js';
import { renderResponseText, terminalSafe } from './render/text.js';
import type { SearchEngine } from './search/engine.js';
import { startWarmUp, type RunningWarmUp } from './search/warm-up.js';
import { agencyAsked } from './slack/answer.js';
import { isNeedListRequest, needList } from './search/need-list.js';
import { needListText } from './render/needs-text.js';
import { helpLines, isHelpRequest } from './slack/render/help.js';
import { importedHelp } from './slack/render/imported.js';
import { noticeArgs } from './slack/notice-command.js';

/**
 * The local console `npm start` opens without Slack tokens: type `/支援 創業` or just `創業`
 * and see the answer Slack would give, as text; `詳細 2`, `次` and `前` do what Slack's buttons do.
 * From a pipe: one answer per input line.
 */
const COMMAND_PREFIX = /^\/(支援|shien)(\s+|$)/;
const RESULTS_SHOWN = 5;

/** `詳細 2` (the second program of the last answer), `詳細 p-…`, or a program's id alone. */
const DETAILS = /^詳細(?:[\s　]+(\S+)|([0-9０-９]+))$/u;
/** The next page of the last answer (Slack's 次の5件 button). */
const NEXT_PAGE = /^(次|次へ|次の5件|つぎ|もっと|more|next)$/iu;
/** The page before (Slack's 前の5件 button): searched as the word 前 (8 件) before. */
const PREVIOUS_PAGE = /^(前|前へ|前の5件|まえ|戻る|もどる|back|prev|previous)$/iu;

/** What a console session remembers of its last answer, for `詳細 2` and `次`. */
export class ConsoleSession {
  query?: string;
  offset = 0;
  ids: string[] = [];
  /**
   * At a terminal: each answer ends with how to see more (not for a pipe, whose reader is a script).
   * `staff`: the contacts staff entered in Slack, so a card shows what Slack's shows (it showed the
   * YAML's number while Slack and `shien agencies` showed the edit; walk-through).
   */
  constructor(
    readonly hints = false,
    readonly staff?: StaffContacts,
  ) {}
}

export function answerConsoleLine(engine: SearchEngine, line: string, session = new ConsoleSession()): string {
  const query = line.trim().replace(COMMAND_PREFIX, '').trim();
  // 詳細 2, 詳細 p-…, or an id alone; 詳細設計 or 詳細 な手続き are searched for like any words.
  const asked = DETAILS.exec(query);
  const which = asked?.[1] ?? asked?.[2];
  const details = which !== undefined && (/^[0-9０-９]+$/u.test(which) || /^(?:p|jg)-[\w-]+$/u.test(which) || engine.get(which)) ? which : engine.get(query) ? query : undefined;
  if (details !== undefined) return detailsText(engine, details, session);
  // 詳細 alone names no program: searching the word found nothing (walk-through).
  if (/^詳細$/u.test(query)) return '「詳細」のあとに結果の番号か事業の id を入力してください (例: 詳細 1、詳細 p-…)。';
  if (NEXT_PAGE.test(query)) {
    if (session.query === undefined) return '前の検索がありません。まず検索語を入力してください (例: 創業)。';
    return answerPage(engine, session.query, session.offset + RESULTS_SHOWN, session);
  }
  if (PREVIOUS_PAGE.test(query)) {
    if (session.query === undefined) return '前の検索がありません。まず検索語を入力してください (例: 創業)。';
    if (session.offset === 0) return `「${session.query}」の最初のページです。`;
    return answerPage(engine, session.query, Math.max(0, session.offset - RESULTS_SHOWN), session);
  }
  // `/支援 通知 オン` (通知オン…) is a channel setting in Slack, read as Slack reads it (notice-command.ts).
  if (noticeArgs(query) !== undefined) {
    return '新着通知は Slack で使えます: 通知したいチャンネルで /支援 通知 オン (オフ・状態も同じ形)。このコンソールでは検索だけができます。';
  }
  if (isHelpRequest(query)) {
    // With jGrants programs served, their count and the period filters, as Slack's help says.
    const imported = importedHelp(engine.programs, '');
    return [
      '支援ナビの使い方 (Slack では /支援 のあとに入力します)',
      ...helpLines()
        .filter((l) => !l.includes('通知')) // notices are a Slack channel setting
        .map((l) => `  • ${l.replace(/`/g, '')}`),
      ...(imported ? [imported.intro, ...imported.lines.map((l) => `  • ${l.replace(/`/g, '').trim()}`)] : []),
      ...CONSOLE_HELP,
    ].join('\n');
  }
  if (isNeedListRequest(query)) return needListText(needList(engine.programs, engine.vocabulary.needs), '');
  const results = answerPage(engine, query, 0, session);
  // `機関:<name>` alone: the body's contact first, as Slack shows it (with the staff edits when the session has them).
  const agency = agencyAsked(engine, query);
  return agency ? `実施機関: ${agency.name}（${agency.kind}）\n${contactText(agencyContacts(agency, session.staff), new Date())}\n\n${results}` : results;
}

/** What the console adds to Slack's help: its buttons typed as words, and how to leave. */
const CONSOLE_HELP = [
  'このコンソールでは、Slack のボタンの代わりに:',
  '  • 詳細 番号 (例: 詳細 2) — 直前の結果の事業の説明と連絡先',
  '  • 次 / 前 — 直前の検索の次の5件 / 前の5件',
  '  • quit (または Ctrl+D) — 終了',
];

/** One page of an answer, remembered for `詳細 N`, `次` and `前`. */
function answerPage(engine: SearchEngine, query: string, offset: number, session: ConsoleSession): string {
  const response = engine.search(query, { limit: RESULTS_SHOWN, offset });
  if (offset > 0 && !response.hits.length) return `「${query}」の事業はここまでです (${response.total} 件)。`;
  Object.assign(session, { query, offset, ids: response.hits.map((h) => h.program.id) });
  const text = renderResponseText(response, RESULTS_SHOWN, offset);
  if (!session.hints || !response.hits.length) return text;
  const moves = [...(response.total > offset + response.hits.length ? ['続きは「次」'] : []), ...(offset > 0 ? ['前の5件は「前」'] : [])];
  return `${text}\n(${[...moves, '事業の説明と連絡先は「詳細 番号」'].join('、')})`;
}

/** 詳細: a program of the last answer by its number on the page, or any program by its id. */
function detailsText(engine: SearchEngine, which: string, session: ConsoleSession): string {
  const n = /^[0-9０-９]+$/u.test(which) ? Number(which.normalize('NFKC')) : undefined;
  const id = n !== undefined ? session.ids[n - session.offset - 1] : which;
  const program = id === undefined ? undefined : engine.get(id);
  if (!program) {
    if (n === undefined) return `id「${which}」の事業はありません。`;
    if (session.ids.length) return `${n} 番の事業は直前の結果にありません (${session.offset + 1}〜${session.offset + session.ids.length} 番)。`;
    if (session.query !== undefined) return `直前の検索「${session.query}」には表示した事業がありません。別の言葉で検索してから「詳細 番号」を入力してください。`;
    return 'まず検索してから「詳細 番号」で事業の説明と連絡先を表示します (例: 創業 → 詳細 1)。';
  }
  return renderProgramText(program, engine.agencies.resolve(program.agency), new Date(), session.staff);
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
  /** The contacts staff entered in Slack (contacts/read.ts), shown as Slack shows them. */
  staff?: StaffContacts;
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
  // Hints only where a person reads the answers (not into a file the answers are sent to).
  const session = new ConsoleSession(interactive && prompt === output, options.staff);
  try {
    for await (const line of lines) {
      // From a pipe too: a script's quit ends it as the README says (its later lines are not read).
      if (QUIT.test(line.trim())) {
        asked++; // a quit is not an empty input
        break;
      }
      // A blank line from a pipe is skipped; at the prompt it just prompts again.
      if (line.trim()) {
        asked++;
        output.write(terminalSafe(answerConsoleLine(engine, line, session)) + '\n\n');
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
    (options.err ?? process.stderr).write('支援ナビ: Slack の設定がないためコンソールで起動しましたが、入力が空でした。Slack で動かすには、HTTP なら SLACK_BOT_TOKEN と SLACK_SIGNING_SECRET、Socket Mode なら SLACK_BOT_TOKEN と SLACK_APP_TOKEN を、環境変数か作業ディレクトリの .env に設定してください。\n');
  }
}
