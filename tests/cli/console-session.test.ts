/**
 * The local console as people use it (found by a fresh-clone walk-through): at a terminal whose
 * answers go to a file, the prompt and the echo stay off stdout; `quit` ends the session; an
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

  it('from a pipe, quit is a question like any other (a script ends with its input)', async () => {
    const s = session(false);
    s.input.end('quit\n');
    await s.running;
    expect(s.text.out).toContain('「quit」');
  });

  it('an empty pipe (npm start as a service without its Slack settings) says on stderr what happened; a pipe with questions says nothing there', async () => {
    const empty = session(false);
    empty.input.end('');
    await empty.running;
    expect(empty.text.out).toBe('');
    expect(empty.text.err).toContain('SLACK_BOT_TOKEN');
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
