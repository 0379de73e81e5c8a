/**
 * The local console's warm-up (SHIEN_WARMUP, src/search/warm-up.ts): at the prompt it warms the
 * engine up while nobody types and says so on stderr; from a pipe (the questions are already
 * there) and with SHIEN_WARMUP=0 it asks the engine nothing but the user's questions.
 */
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadWarmUpSetting } from '../../src/config.js';
import { runConsole } from '../../src/console.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { loadSearchEngine } from '../../src/search/load.js';
import { ANALYZER_TIMEOUT, bundledPaths } from '../search/support.js';

let engine: SearchEngine;
beforeAll(async () => {
  engine = (await loadSearchEngine(bundledPaths())).engine;
}, ANALYZER_TIMEOUT);

/** A console session: `input` as a terminal (or a pipe), what it wrote, and the engine's questions. */
function session(options: { tty: boolean; warmUp: boolean }) {
  const input = Object.assign(new PassThrough(), { isTTY: options.tty });
  const output = new PassThrough();
  const err = new PassThrough();
  let out = '';
  let errText = '';
  output.setEncoding('utf8').on('data', (c: string) => (out += c));
  err.setEncoding('utf8').on('data', (c: string) => (errText += c));
  const search = vi.spyOn(engine, 'search');
  const running = runConsole(engine, input, output, { warmUp: options.warmUp, err });
  return { input, running, search, out: () => out, err: () => errText };
}

const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the console warms search up at the prompt only', () => {
  it('at a terminal: warms up, then says on stderr how many questions and how long', async () => {
    const s = session({ tty: true, warmUp: true });
    try {
      await until(() => s.err().includes('検索の準備運動を終えました'));
      // As many questions as 2 s allowed (1000 unless the machine is busy), the time in ms.
      const said = /検索の準備運動を終えました \((\d+) 問、\d+ ms\)/.exec(s.err());
      expect(said, s.err()).not.toBeNull();
      expect(s.search.mock.calls.length).toBeGreaterThan(Number(said![1]) * 0.8); // some are 似た事業 instead
      expect(s.search.mock.calls.length).toBeLessThanOrEqual(Number(said![1]));
      s.input.end('創業\n');
      await s.running;
      expect(s.out()).toContain('「創業」');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('with SHIEN_WARMUP=0: only the question typed is asked, nothing on stderr', async () => {
    const s = session({ tty: true, warmUp: loadWarmUpSetting({ SHIEN_WARMUP: '0' }) });
    try {
      s.input.write('創業\n');
      await until(() => s.out().includes('「創業」'));
      await new Promise((resolve) => setTimeout(resolve, 50)); // turns of the loop a warm-up would have used
      s.input.end();
      await s.running;
      expect(s.search.mock.calls.map(([q]) => q)).toEqual(['創業']);
      expect(s.err()).toBe('');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('from a pipe: only the piped questions are asked', async () => {
    const s = session({ tty: false, warmUp: true });
    try {
      s.input.write('創業\n');
      await until(() => s.out().includes('「創業」'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      s.input.end('補助金\n');
      await s.running;
      expect(s.search.mock.calls.map(([q]) => q)).toEqual(['創業', '補助金']);
      expect(s.err()).toBe('');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('SHIEN_WARMUP', () => {
  it('is on unless 0 (or off/false/no); anything else is refused naming the variable', () => {
    for (const on of [undefined, '', '1', 'on', 'TRUE', 'yes']) expect(loadWarmUpSetting({ SHIEN_WARMUP: on }), String(on)).toBe(true);
    for (const off of ['0', 'off', 'False', 'no', ' 0 ']) expect(loadWarmUpSetting({ SHIEN_WARMUP: off }), off).toBe(false);
    expect(() => loadWarmUpSetting({ SHIEN_WARMUP: 'maybe' })).toThrow(ConfigError);
    expect(() => loadWarmUpSetting({ SHIEN_WARMUP: 'maybe' })).toThrow(/^設定エラー: SHIEN_WARMUP /);
  });
});
