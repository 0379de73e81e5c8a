/**
 * The bot and the command-line tool as child processes (`node --import tsx src/main.ts`,
 * `src/cli.ts`), on a changed catalog: the prebuilt index no longer matches, so each process
 * analyses the catalog and every query with kuromoji, as a running bot does after it reloads a
 * changed catalog. Before issue 10, one such query of 40,000 characters ran the process out of
 * heap, and one with a NUL made kuromoji throw and the console stop answering.
 *
 * Every surface gets 40,000-character and NUL-bearing queries, then an ordinary one: the
 * console (stdin), the CLI (stdin and an argument), and over signed HTTP against the fake
 * Slack (tests/slack/support) a slash command, a mention, a DM and a paging button's value.
 * Each hostile query is answered (saying it was shortened), the ordinary one after it too,
 * and the process's peak memory stays near where it was (a guard against the gigabytes of
 * before; the figures themselves are `npm run bench`'s hostile queries).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SHORTENED_NOTE } from '../../src/render/text.js';
import { MAX_QUERY_CHARS } from '../../src/search/query-bounds.js';
import { ROOT, tempDir } from '../search/support.js';
import { driveApp, readText, type AppDriver } from '../slack/support/app.js';
import { startFakeSlack, type FakeSlack } from '../slack/support/fake-slack.js';
import { blockAction, FAKE_BOT_USER_ID } from '../slack/support/signing.js';

const MAIN = path.join(ROOT, 'src', 'main.ts');
const CLI = path.join(ROOT, 'src', 'cli.ts');
/** tsx by absolute URL: the children run in a temp directory. */
const TSX = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;
/** Loading kuromoji and analysing the catalog in a child, on a busy machine. */
const CHILD_TIMEOUT = 120_000;

const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const BOT_TOKEN = 'xoxb-000-111-hostiletoken';

/** The hostile queries every surface gets: 40,000 characters, NULs, both, and a lone surrogate. */
const HOSTILE = {
  long: 'a'.repeat(40_000),
  longJapanese: '創業'.repeat(20_000),
  nul: '創業\u0000補助金\u0000',
  longWithNul: `${'事業承継\u0000'.repeat(8_000)}`,
  surrogate: '\ud800創業\udfff',
};
const ORDINARY = '創業';

/** A peak RSS this much above the one before the hostile queries is the runaway of before (gigabytes). */
const PEAK_GROWTH_LIMIT_MB = 64;

let dir: string;
let catalogDir: string;
/** What a process needs to run, and the changed catalog; no Slack or shien settings of the machine. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { SHIEN_CATALOG_DIR: catalogDir, SHIEN_DATA_DIR: path.join(dir, 'data') };
  for (const key of ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'TZ']) if (process.env[key] !== undefined) base[key] = process.env[key];
  return { ...base, ...extra };
}

beforeAll(async () => {
  dir = await tempDir('hostile');
  catalogDir = path.join(dir, 'catalog');
  await cp(path.join(ROOT, 'seeds', 'catalog'), catalogDir, { recursive: true });
  // One program more: the catalog no longer matches dist/search-index.json.
  await writeFile(path.join(catalogDir, 'zz-added.yaml'), '- name: 敵対的入力の試験事業\n  agency: 県新産業創出室\n  overview: 長すぎる検索語への備えを確かめる。\n');
});

/** Every child started; one still running when its test ends (a timeout) is killed then. */
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null && child !== botProcess) child.kill('SIGKILL');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** The HTTP bot, shared by the tests of its describe (not killed after each). */
let botProcess: ChildProcess | undefined;

interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<number | null>;
}

function start(args: string[], environment: NodeJS.ProcessEnv, stdin?: string): Child {
  const proc = spawn(process.execPath, ['--import', TSX, ...args], { cwd: dir, env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  proc.stdin!.on('error', () => {});
  if (stdin !== undefined) proc.stdin!.end(stdin);
  const exit = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, exit };
}

/** Peak and current resident memory of a process, from /proc (Linux), in MB. */
async function memoryOf(pid: number): Promise<{ peakMB: number; rssMB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMB: kb('VmHWM') / 1024, rssMB: kb('VmRSS') / 1024 };
}

describe('the console (npm start without Slack tokens), input from a pipe', () => {
  it('answers every hostile line, saying it was shortened where it was, then the ordinary query', async () => {
    const lines = [...Object.values(HOSTILE).map((q) => `/支援 ${q}`), ORDINARY];
    const child = start([MAIN], env(), lines.join('\n') + '\n');
    expect(await child.exit, child.stderr()).toBe(0);
    const answers = child.stdout().split('\n\n').filter((a) => a.trim() !== '');
    expect(answers).toHaveLength(lines.length);
    const [long, longJapanese, nul, longWithNul, surrogate, ordinary] = answers as [string, string, string, string, string, string];
    for (const shortened of [long, longJapanese, longWithNul]) expect(shortened.split('\n')[0]).toBe(`⚠ ${SHORTENED_NOTE}`);
    expect(long).toContain(`「${'a'.repeat(MAX_QUERY_CHARS)}」に合う事業は見つかりませんでした。`);
    expect(longJapanese).toMatch(/「(創業)+」 \d+ 件/);
    expect(nul).toMatch(/^「創業 補助金」 \d+ 件/); // a NUL separates words, as a tab does
    expect(longWithNul).toMatch(/「事業承継( 事業承継)*」 \d+ 件/);
    // A pipe carries bytes: the lone surrogates arrive as U+FFFD, an ordinary character.
    expect(surrogate).toMatch(/^「\ufffd創業\ufffd」 \d+ 件/);
    expect(ordinary).toMatch(/^「創業」 \d+ 件/);
    expect(ordinary).not.toContain(SHORTENED_NOTE);
  }, CHILD_TIMEOUT);
});

describe('the command-line tool', () => {
  it('search --json, one query per stdin line: one JSON line each, the query within the limit, `shortened` where it was cut', async () => {
    const lines = [...Object.values(HOSTILE), ORDINARY];
    const child = start([CLI, 'search', '--json'], env(), lines.join('\n') + '\n');
    expect(await child.exit, child.stderr()).toBe(0);
    // The catalog changed, so the tool analysed it (and the queries) with kuromoji, and said so.
    expect(child.stderr()).toContain('その場で解析しました');
    const answers = child.stdout().trim().split('\n').map((l) => JSON.parse(l) as { query: string; shortened?: boolean; total: number });
    expect(answers).toHaveLength(lines.length);
    for (const a of answers) expect([...a.query].length).toBeLessThanOrEqual(MAX_QUERY_CHARS);
    expect(answers.map((a) => a.shortened ?? false)).toEqual([true, true, false, true, false, false]);
    expect(answers.at(-1)).toMatchObject({ query: ORDINARY, total: expect.any(Number) });
    expect(answers.at(-1)!.total).toBeGreaterThan(0);
  }, CHILD_TIMEOUT);

  it('search with a 40,000-character argument (NUL cannot be an argument): the readable answer says it was shortened', async () => {
    const child = start([CLI, 'search', HOSTILE.longJapanese], env());
    expect(await child.exit, child.stderr()).toBe(0);
    expect(child.stdout().split('\n')[0]).toBe(`⚠ ${SHORTENED_NOTE}`);
    expect(child.stdout()).toMatch(/「(創業)+」 \d+ 件/);
  }, CHILD_TIMEOUT);
});

describe('the bot over HTTP, against the fake Slack', () => {
  let fake: FakeSlack;
  let bot: Child;
  let app: AppDriver;
  let before: { peakMB: number; rssMB: number };

  beforeAll(async () => {
    fake = await startFakeSlack();
    bot = start([MAIN], env({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_API_URL: fake.apiUrl }));
    botProcess = bot.proc;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line; stdout:\n${bot.stdout()}\nstderr:\n${bot.stderr()}`)), CHILD_TIMEOUT - 10_000);
      const check = () => {
        for (const line of bot.stdout().split('\n')) {
          const log = /^\{/.test(line) ? (JSON.parse(line) as { msg?: string; port?: number }) : undefined;
          if (log?.msg === 'listening' && log.port) {
            clearTimeout(timer);
            bot.proc.stdout!.off('data', check);
            return resolve(log.port);
          }
        }
      };
      bot.proc.stdout!.on('data', check);
      void bot.exit.then((code) => reject(new Error(`the bot exited (${code}); stderr:\n${bot.stderr()}`)));
    });
    app = driveApp(`http://127.0.0.1:${port}/slack/events`, fake);
    // An ordinary request first, so that memory is measured from a bot that has answered one.
    const { responseId } = await app.command(ORDINARY);
    await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 30_000);
    before = await memoryOf(bot.proc.pid!);
  }, CHILD_TIMEOUT);

  afterAll(async () => {
    bot?.proc.kill('SIGKILL');
    await fake?.close();
  });

  /** The answer to `/支援 <text>`, through its response_url. */
  async function command(text: string): Promise<Record<string, unknown>> {
    const { http, responseId } = await app.command(text);
    expect(http.status).toBe(200);
    return (await fake.waitFor(() => fake.responses.find((r) => r.id === responseId), 30_000)).body;
  }

  let ts = 1_700_000_000;
  /** The message the bot posts for an event in `channel` (a mention's thread, a DM). */
  async function postFor(event: Record<string, unknown>): Promise<Record<string, unknown>> {
    const posted = fake.callsTo('chat.postMessage').length;
    const http = await app.event(event);
    expect(http.status).toBe(200);
    return (await fake.waitFor(() => fake.callsTo('chat.postMessage')[posted], 30_000)).body;
  }
  const mention = (text: string) => postFor({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> ${text}`, ts: `${++ts}.000100`, channel: 'C0TEAM' });
  const dm = (text: string) => postFor({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text, ts: `${++ts}.000200` });
  /** A 次の5件 click whose value carries `q` (Slack caps values at 2,000 characters; a forged one need not). */
  async function page(q: string): Promise<Record<string, unknown>> {
    const id = `page-${++ts}`;
    const http = await app.click(blockAction({ action_id: 'results_page_next', value: JSON.stringify({ q, o: 0 }), response_url: fake.responseUrl(id), channel_id: 'C0ADVICE' }));
    expect(http.status).toBe(200);
    return (await fake.waitFor(() => fake.responses.find((r) => r.id === id), 30_000)).body;
  }

  const surfaces: Array<[string, (text: string) => Promise<Record<string, unknown>>]> = [
    ['slash command', command],
    ['mention', mention],
    ['DM', dm],
    ['paging button value', page],
  ];

  it.each(surfaces)('%s: hostile queries answered (shortened ones say so), then an ordinary one', async (_surface, ask) => {
    for (const [name, q] of Object.entries(HOSTILE)) {
      const answer = readText(await ask(q));
      const shortened = name === 'long' || name === 'longJapanese' || name === 'longWithNul';
      expect(answer.includes(SHORTENED_NOTE), name).toBe(shortened);
      expect(answer, name).not.toContain('\u0000');
    }
    const ordinary = readText(await ask(ORDINARY));
    expect(ordinary).toMatch(/「創業」 \d+ 件/);
    expect(ordinary).not.toContain(SHORTENED_NOTE);
  }, CHILD_TIMEOUT);

  it('kept serving within its memory: the bot is up, and its peak RSS barely moved', async () => {
    expect(bot.proc.exitCode).toBeNull();
    const after = await memoryOf(bot.proc.pid!);
    // kuromoji's dictionary is in this process (the changed catalog was analysed with it).
    expect(before.rssMB).toBeGreaterThan(200);
    expect(after.peakMB - before.peakMB).toBeLessThan(PEAK_GROWTH_LIMIT_MB);
    const health = await fetch(new URL('/healthz', app.url)).then((r) => r.json() as Promise<{ ok: boolean; programs: number }>);
    expect(health).toMatchObject({ ok: true, programs: 144 });
  });
});
