/**
 * The local console as people use it (found by a fresh-clone walk-through): at a terminal whose
 * answers go to a file, the prompt and the echo stay off stdout; `quit` ends the session (a
 * pipe's too); `詳細` alone asks for a number; an
 * empty pipe (a service started without its Slack settings) says so on stderr; `shien search`
 * without a query says at a terminal what it waits for.
 */
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { loadSearchEngine } from '../../src/search/load.js';
import { ANALYZER_TIMEOUT, bundledPaths } from '../search/support.js';

let engine: SearchEngine;
beforeAll(async () => {
  engine = (await loadSearchEngine(bundledPaths())).engine;
}, ANALYZER_TIMEOUT);

/** A console session whose input is a terminal or a pipe; answers, prompt and stderr apart. */
function session(tty: boolean, separatePrompt = true) {
  const input = Object.assign(new PassThrough(), { isTTY: tty });
  const streams = { out: new PassThrough(), prompt: new PassThrough(), err: new PassThrough() };
  const text = { out: '', prompt: '', err: '' };
  for (const key of ['out', 'prompt', 'err'] as const) streams[key].setEncoding('utf8').on('data', (c: string) => (text[key] += c));
  const running = runConsole(engine, input, streams.out, { err: streams.err, ...(separatePrompt ? { prompt: streams.prompt } : {}) });
  return { input, running, text };
}

describe('the local console', () => {
  it('at a terminal with its answers going elsewhere: stdout holds the answers only, the prompt and the greeting go to the prompt stream', async () => {
    const s = session(true);
    s.input.end('創業\n');
    await s.running;
    expect(s.text.out.startsWith('「創業」'), s.text.out).toBe(true);
    expect(s.text.out).not.toContain('支援> ');
    expect(s.text.out).not.toContain('\u001b');
    expect(s.text.prompt).toContain('支援ナビ (ローカル)');
    expect(s.text.prompt).toContain('支援> ');
  });

  it('quit (or 終了) at the prompt ends the session without searching for it; the lines after it are not read', async () => {
    for (const word of ['quit', 'exit', '終了']) {
      const s = session(true);
      s.input.write(`創業\n${word}\n輸出\n`); // the input stays open: only the word can end the session
      await s.running;
      expect(s.text.out, word).toContain('「創業」');
      expect(s.text.out, word).not.toContain(`「${word}」`);
      expect(s.text.out, word).not.toContain('「輸出」');
    }
  });

  it('from a pipe, quit ends it too, as the README says: the lines after it are not answered, and it is not an empty input', async () => {
    const s = session(false);
    s.input.end('創業\nquit\n輸出\n');
    await s.running;
    expect(s.text.out).toContain('「創業」');
    expect(s.text.out).not.toContain('「quit」');
    expect(s.text.out).not.toContain('「輸出」');
    const only = session(false);
    only.input.end('quit\n');
    await only.running;
    expect(only.text.out).toBe('');
    expect(only.text.err).toBe('');
  });

  it('help names 相談: and the list; 相談の種類 (or /支援 相談の種類) lists the needs by purpose with their counts, as Slack does', async () => {
    // One pipe per line: the list's own blank lines would not tell where one answer ends.
    const answer = async (line: string) => {
      const s = session(false);
      s.input.end(`${line}\n`);
      await s.running;
      return s.text.out.trimEnd();
    };
    const [help, list, again, filtered] = await Promise.all(['help', '相談の種類', '/支援 相談の種類', '相談:M&A'].map(answer)) as [string, string, string, string];
    expect(help).toContain('/支援 相談:運転資金 — 相談の種類で絞る');
    expect(help).toContain('一覧は /支援 相談の種類');
    expect(list.split('\n')[0]).toBe('相談の種類 70 件。相談:運転資金 のように名前 (またはその一部) で絞り込めます。');
    // 運転資金を借りたい: needs.yaml gives it no purpose; 4 of its 6 programs are 資金繰り's.
    expect(list).toContain('【資金繰りを改善したい】\n  相談:運転資金を借りたい (6) — 運転資金などの事業資金を借りたい');
    expect(list).toContain('\n  相談:返済を見直したい (2) — 売上減少などで借入の返済負担が重く');
    expect(list).toContain('【目的をまたぐ相談】\n  相談:店の売場づくりを改善したい (2) — ');
    expect(list).toContain('  相談:会社を第三者に譲りたい(M&A) (2) — ');
    expect(again).toBe(list);
    expect(filtered).toContain('2 件');
  });

  it('詳細 alone asks for a number; 詳細 N after an answer with no programs says so', async () => {
    const s = session(false);
    s.input.end('詳細\nzzzzqqqq\n詳細 3\n');
    await s.running;
    expect(s.text.out).toContain('「詳細」のあとに結果の番号か事業の id を入力してください');
    expect(s.text.out).not.toContain('「詳細」 0 件');
    expect(s.text.out).toContain('直前の検索「zzzzqqqq」には表示した事業がありません');
  });

  it('an empty pipe (npm start as a service without its Slack settings) says on stderr what happened; a pipe with questions says nothing there', async () => {
    const empty = session(false);
    empty.input.end('');
    await empty.running;
    expect(empty.text.out).toBe('');
    expect(empty.text.err).toContain('SLACK_BOT_TOKEN');
    expect(empty.text.err).toContain('SLACK_APP_TOKEN'); // Socket Mode's settings too
    expect(empty.text.err).toContain('入力が空でした');

    const asked = session(false);
    asked.input.end('創業\n');
    await asked.running;
    expect(asked.text.err).toBe('');
  });
});

describe('shien search without a query', () => {
  it('at a terminal says on stderr that it reads one question per line; from a pipe it says nothing', async () => {
    const { searchCommand } = await import('../../src/cli/search.js');
    for (const tty of [true, false]) {
      const input = Object.assign(new PassThrough(), { isTTY: tty });
      const out = new PassThrough();
      const err = new PassThrough();
      let errText = '';
      err.setEncoding('utf8').on('data', (c: string) => (errText += c));
      out.resume();
      input.end('創業\n');
      expect(await searchCommand([], bundledPaths(), { out, err }, input)).toBe(0);
      if (tty) expect(errText).toContain('検索語を 1 行に 1 つ入力してください');
      else expect(errText).not.toContain('検索語を');
    }
  });
});

describe('詳細 and 次 in the console (what Slack\'s buttons do)', () => {
  it('詳細 N shows the Nth program of the last answer: its agency, overview, contact and source; 次 the next page, numbered on', async () => {
    const { answerConsoleLine, ConsoleSession } = await import('../../src/console.js');
    const session = new ConsoleSession(true);
    const first = answerConsoleLine(engine, '創業', session);
    expect(first).toContain('(続きは「次」、事業の説明と連絡先は「詳細 番号」)');
    const second = engine.search('創業', { limit: 5 }).hits[1]!.program;
    const details = answerConsoleLine(engine, '詳細 2', session);
    expect(details.split('\n')[0]).toBe(second.name);
    expect(details).toContain(`実施機関: ${second.agency}`);
    expect(details).toContain('事業概要');
    expect(details).toMatch(/^出典: .+ \d+ ページ$/m);
    expect(details).toContain(`id: ${second.id}`);
    expect(answerConsoleLine(engine, '詳細 ２', session)).toBe(details); // full-width digits too

    const next = answerConsoleLine(engine, '次', session);
    const sixth = engine.search('創業', { limit: 5, offset: 5 }).hits[0]!.program;
    expect(next).toMatch(/^「創業」 \d+ 件 \(6〜10 件目\)/);
    expect(next).toContain(` 6. ${sixth.name}`);
    expect(answerConsoleLine(engine, '詳細 6', session).split('\n')[0]).toBe(sixth.name);
    expect(answerConsoleLine(engine, '詳細 1', session)).toBe('1 番の事業は直前の結果にありません (6〜10 番)。');
    expect(next).toContain('(続きは「次」、前の5件は「前」、事業の説明と連絡先は「詳細 番号」)');

    // 前 goes back a page, as Slack's 前の5件 (it searched the word 前: 8 件), and says where it stops.
    const back = answerConsoleLine(engine, '前', session);
    expect(back).toMatch(/^「創業」 \d+ 件 \(上位 5 件\)/);
    expect(back.split('\n(')[0]).toBe(first.split('\n(')[0]);
    expect(answerConsoleLine(engine, '詳細 1', session).split('\n')[0]).toBe(engine.search('創業', { limit: 1 }).hits[0]!.program.name);
    expect(answerConsoleLine(engine, '前', session)).toBe('「創業」の最初のページです。');
    expect(answerConsoleLine(engine, '前', new ConsoleSession())).toContain('前の検索がありません');
  });

  it('通知オン, written without a space as in Slack, says notices are a Slack setting (it searched for オン)', async () => {
    const { answerConsoleLine } = await import('../../src/console.js');
    for (const line of ['通知オン', '/支援 通知:状態', '通知 オン']) expect(answerConsoleLine(engine, line), line).toContain('新着通知は Slack で使えます');
    expect(answerConsoleLine(engine, '通知書')).not.toContain('新着通知は Slack で使えます');
  });

  it('help lists what the console takes for Slack\'s buttons: 詳細 番号, 次 / 前, quit', async () => {
    const { answerConsoleLine } = await import('../../src/console.js');
    const help = answerConsoleLine(engine, 'help');
    for (const line of ['詳細 番号 (例: 詳細 2)', '次 / 前', 'quit (または Ctrl+D)']) expect(help).toContain(line);
  });

  it('a program id alone (as answers print it) shows its details; an unknown id and 詳細 before any answer say what is wrong', async () => {
    const { answerConsoleLine, ConsoleSession } = await import('../../src/console.js');
    const program = engine.programs[0]!;
    expect(answerConsoleLine(engine, program.id).split('\n')[0]).toBe(program.name);
    expect(answerConsoleLine(engine, `詳細 ${program.id}`).split('\n')[0]).toBe(program.name);
    expect(answerConsoleLine(engine, '詳細 p-0000000000')).toBe('id「p-0000000000」の事業はありません。');
    expect(answerConsoleLine(engine, '詳細 1', new ConsoleSession())).toContain('まず検索してから');
    expect(answerConsoleLine(engine, '次', new ConsoleSession())).toContain('前の検索がありません');
  });

  it('from a pipe the answers carry no hints (its reader is a script)', async () => {
    const { answerConsoleLine, ConsoleSession } = await import('../../src/console.js');
    expect(answerConsoleLine(engine, '創業', new ConsoleSession(false))).not.toContain('詳細 番号');
  });
});

describe('the console, found by a review', () => {
  it('searches words that begin with 詳細 (詳細設計, 詳細 な手続き) instead of taking them for 詳細 N', async () => {
    const { answerConsoleLine, ConsoleSession } = await import('../../src/console.js');
    expect(answerConsoleLine(engine, '詳細設計', new ConsoleSession())).toMatch(/^「詳細設計」/);
    expect(answerConsoleLine(engine, '詳細 な手続き', new ConsoleSession())).toMatch(/^「詳細 な手続き」/);
  });

  it('strips control characters (ESC, BEL) from what it prints, keeping line breaks', async () => {
    const { terminalSafe } = await import('../../src/render/text.js');
    expect(terminalSafe('概要\u001b[2J\u0007です\n\t次の行\u009b')).toBe('概要[2Jです\n\t次の行');
  });

  it('at a terminal whose answers go to a file, the answers carry no hints', async () => {
    const s = session(true);
    s.input.end('創業\n');
    await s.running;
    expect(s.text.out).not.toContain('詳細 番号');
    const shown = session(true, false); // the prompt on the answers' stream: a person reads them
    shown.input.end('創業\n');
    await shown.running;
    expect(shown.text.out).toContain('詳細 番号');
  });
});
