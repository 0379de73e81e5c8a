/**
 * The Slack app in Socket Mode, as Slack drives it, with no internet: the real app (in-process
 * and as `npm start` runs it) calls apps.connections.open on the fake Web API
 * (support/fake-slack.ts, reached through SLACK_API_URL), which hands out the URL of a fake
 * Socket Mode WebSocket server (support/fake-socket.ts) on 127.0.0.1. That server sends `hello`,
 * then envelopes (slash_commands, interactive, events_api) shaped like Slack's, and records the
 * app's acks. Answers go where they go in HTTP mode: response_url posts and Web API calls on the
 * fake. The same listeners serve both modes; this file proves the Socket Mode transport around
 * them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, bundledEngine, ROOT, SOGYO_BY_NAME, SOGYO_TOP5, tempDir } from '../search/support.js';
import { buttonsOf, expectSlackMessage } from './support/app.js';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { startFakeSocketMode, type FakeSocketMode, type SocketConnection } from './support/fake-socket.js';
import { blockAction, eventBody, FAKE_BOT_USER_ID, slashCommandBody } from './support/signing.js';

const BOT_TOKEN = 'xoxb-test';
const APP_TOKEN = 'xapp-1-test';
/** Slack wants every envelope acknowledged within 3 seconds. */
const ACK_WINDOW_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const textOf = (m: unknown) => JSON.stringify(m);
const detailsIds = (m: unknown) => buttonsOf(m).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value);

/** A slash command payload as Socket Mode carries it: the fields of the HTTP form, as a JSON object. */
function slashPayload(text: string, response_url: string, channel_id = 'C0SOCKET'): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/支援', text, response_url, channel_id })));
}

/** An events_api payload: the event_callback body an HTTP request would carry. */
const eventPayload = (event: Record<string, unknown>, event_id: string): Record<string, unknown> => JSON.parse(eventBody(event, { event_id })) as Record<string, unknown>;

/** Rejects with `what` when `promise` does not settle within ms. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface SocketTestApp {
  fake: FakeSlack;
  socket: FakeSocketMode;
  slack: SlackApp;
  /** The first WebSocket connection (open once start() resolved). */
  conn: SocketConnection;
  /** Whether start() had resolved before the fake sent hello (it must not). */
  startedBeforeHello: boolean;
  logs: Record<string, unknown>[];
  rawLogs: string[];
  close(): Promise<void>;
}

/** The app in Socket Mode against a fresh fake Slack; start() is held until the fake says hello. */
async function startSocketApp(engine: SearchEngine): Promise<SocketTestApp> {
  const fake = await startFakeSlack();
  const socket = await startFakeSocketMode({ autoHello: false });
  fake.on('apps.connections.open', () => ({ ok: true, url: socket.url() }));
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const slack = createSlackApp({ mode: 'socket', botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl }, { engine: () => engine, logger: createLogger({ level: 'info', destination }) });
  let started = false;
  const starting = slack.start().then(() => {
    started = true;
  });
  const conn = await socket.connection(0);
  await sleep(200); // time enough for start() to resolve early, were it not waiting for hello
  const startedBeforeHello = started;
  conn.hello();
  await within(starting, 5000, 'start() did not resolve after hello');
  return {
    fake,
    socket,
    slack,
    conn,
    startedBeforeHello,
    logs,
    rawLogs,
    async close() {
      await slack.stop(1000);
      await socket.close();
      await fake.close();
    },
  };
}

let engine: SearchEngine;

beforeAll(async () => {
  engine = await bundledEngine(await loadAnalyzer());
}, ANALYZER_TIMEOUT);

describe('Socket Mode, in-process: one connection serves commands, mentions and buttons', () => {
  let app: SocketTestApp;
  /** Every envelope this describe delivered. */
  const delivered: string[] = [];
  const deliver = (...args: Parameters<SocketConnection['deliver']>) => {
    const d = app.conn.deliver(...args);
    delivered.push(d.envelopeId);
    return d;
  };
  const posts = (channel: string) => app.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
  const responseTo = (id: string) => app.fake.waitFor(() => app.fake.responses.find((r) => r.id === id)?.body);

  beforeAll(async () => {
    app = await startSocketApp(engine);
  });
  afterAll(() => app?.close());
  afterEach(() => {
    for (const r of app.fake.responses) expectSlackMessage(r.body, `response ${r.id}`);
    for (const c of app.fake.callsTo('chat.postMessage')) expectSlackMessage(c.body, 'chat.postMessage');
  });

  it('connects as Slack expects: apps.connections.open at SLACK_API_URL with the app token, then the WebSocket it returned; start() resolves at hello', () => {
    expect(app.startedBeforeHello).toBe(false);
    const opens = app.fake.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]!.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(opens[0]!.body.token).toBeUndefined(); // a header, never a form field
    expect(app.socket.connections).toHaveLength(1);
    expect(app.conn.path).toMatch(/^\/link\/\?ticket=1&app_id=/); // the URL the fake handed out
    expect(app.conn.open).toBe(true);
    expect(app.logs.some((l) => l.msg === 'listening' && l.mode === 'socket')).toBe(true);
  });

  it('/支援 創業: a bare ack over the socket at once, then one ephemeral answer through response_url', async () => {
    const { envelopeId, acked } = deliver('slash_commands', slashPayload('創業', app.fake.responseUrl('sock1')), { accepts_response_payload: true });
    const ack = await acked;
    expect(ack.envelope_id).toBe(envelopeId);
    expect(ack.payload ?? {}).toEqual({}); // the answer does not ride on the ack
    expect(ack.ms).toBeLessThan(ACK_WINDOW_MS);

    const answer = await responseTo('sock1');
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toMatch(/^「創業」 \d+ 件$/);
    expect(textOf(answer)).toMatch(/「創業」\* \d+ 件（1〜5 件目）/);
    expect(detailsIds(answer)).toEqual(SOGYO_TOP5);
    expect(buttonsOf(answer).filter((b) => b.action_id === ACTIONS.share)).toHaveLength(5);

    await sleep(300);
    expect(app.fake.responses.filter((r) => r.id === 'sock1')).toHaveLength(1);
    expect(app.conn.received.filter((m) => m.envelope_id === envelopeId)).toHaveLength(1); // acked once
    expect(app.logs.find((l) => l.msg === 'request' && l.kind === 'command' && l.name === '/支援')).toMatchObject({ hits: expect.any(Number), channel: 'C0SOCKET' });
  });

  it('@mention (events_api): acked, then answered in a thread under the mention with chat.postMessage', async () => {
    const mention = { type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 事業承継`, ts: '1700000001.000100', channel: 'C0SOCKMENTION', event_ts: '1700000001.000100' };
    const { acked } = deliver('events_api', eventPayload(mention, 'Ev0SOCKMENTION'));
    expect((await acked).payload ?? {}).toEqual({});
    const post = await app.fake.waitFor(() => posts('C0SOCKMENTION')[0]);
    expect(post.body.thread_ts).toBe('1700000001.000100');
    expect(textOf(post.body)).toContain('「事業承継」');
    expect(detailsIds(post.body)).toEqual(engine.search('事業承継', { limit: 5 }).hits.map((h) => h.program.id));
    expect(post.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('詳細 on an answer (interactive block_actions): acked, then the card through the click’s response_url', async () => {
    deliver('slash_commands', slashPayload('創業', app.fake.responseUrl('sock-card-q')), { accepts_response_payload: true });
    const answer = await responseTo('sock-card-q');
    const id = detailsIds(answer)[0];
    expect(id).toBeDefined();
    const message = { type: 'message', ts: '1700000002.000200', text: answer.text, blocks: answer.blocks };
    const { acked } = deliver('interactive', blockAction({ action_id: ACTIONS.details, value: id!, message, channel_id: 'C0SOCKET', response_url: app.fake.responseUrl('sock-card') }));
    expect((await acked).ms).toBeLessThan(ACK_WINDOW_MS);
    const card = await responseTo('sock-card');
    expect(card.response_type).toBe('ephemeral');
    expect(card.replace_original).toBe(false);
    expect(textOf(card)).toContain(engine.get(id!)!.name);
    expect(textOf(card)).toContain('事業概要');
    expect(detailsIds(card)).toHaveLength(3); // similar programs
    expect(detailsIds(card)).not.toContain(id);
  });

  it('Slack redelivering a mention (same event_id, retry_attempt 1) gets both deliveries acked and one answer', async () => {
    const mention = { type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 創業`, ts: '1700000003.000300', channel: 'C0SOCKRETRY', event_ts: '1700000003.000300' };
    const first = deliver('events_api', eventPayload(mention, 'Ev0SOCKDUPLICATE'));
    const again = deliver('events_api', eventPayload(mention, 'Ev0SOCKDUPLICATE'), { retry_attempt: 1, retry_reason: 'timeout' });
    await first.acked;
    await again.acked; // acked too, or Slack would keep retrying
    await app.fake.waitFor(() => posts('C0SOCKRETRY')[0]);
    await sleep(500);
    expect(posts('C0SOCKRETRY')).toHaveLength(1);
    // The envelope's retry_attempt reached the middleware as context.retryNum.
    expect(app.logs.some((l) => l.msg === 'redelivery ignored' && l.duplicate === true && l.retry === 1)).toBe(true);
  });

  it('the app token goes only to apps.connections.open and the bot token to every other call; the socket carried only acks; no token is logged', () => {
    const calls = app.fake.calls;
    expect(calls.map((c) => c.method)).toEqual(expect.arrayContaining(['apps.connections.open', 'chat.postMessage']));
    for (const c of calls) expect(c.headers.authorization, c.method).toBe(c.method === 'apps.connections.open' ? `Bearer ${APP_TOKEN}` : `Bearer ${BOT_TOKEN}`);
    expect(app.conn.protocolErrors).toEqual([]);
    // Each envelope acknowledged exactly once, and nothing else sent.
    expect(app.conn.received.map((m) => m.envelope_id).sort()).toEqual([...delivered].sort());
    for (const m of app.conn.received) expect(Object.keys(m).sort()).toEqual(['envelope_id', 'payload']);
    for (const line of app.rawLogs) {
      expect(line).not.toContain(APP_TOKEN);
      expect(line).not.toContain(BOT_TOKEN);
    }
  });
});

describe('Socket Mode stop()', () => {
  let app: SocketTestApp | undefined;
  afterAll(() => app?.close());

  it('closes the WebSocket at once (close frame 1000), lets the answer in flight finish, then resolves', async () => {
    app = await startSocketApp(engine);
    const { fake, conn, slack } = app;
    let replySentAt: number | undefined;
    fake.on('chat.postMessage', async (body) => {
      await sleep(1500);
      replySentAt = Date.now();
      return { ok: true, channel: body.channel, ts: '1700000000.000900', message: { type: 'message', text: body.text, ts: '1700000000.000900' } };
    });
    const mention = { type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 創業`, ts: '1700000005.000500', channel: 'C0SOCKSTOP', event_ts: '1700000005.000500' };
    await conn.deliver('events_api', eventPayload(mention, 'Ev0SOCKSTOP')).acked;
    await fake.waitFor(() => fake.callsTo('chat.postMessage')[0]); // the reply is on its way, held by the fake

    const stopAt = Date.now();
    let stoppedAt: number | undefined;
    const stopping = slack.stop(5000).then(() => {
      stoppedAt = Date.now();
    });
    const closed = await within(conn.closed, 2000, 'the app did not close the WebSocket');
    const closedAt = Date.now();
    expect(closed).toEqual({ by: 'app', code: 1000 });
    expect(closedAt - stopAt).toBeLessThan(1000);
    expect(stoppedAt).toBeUndefined(); // still waiting for the reply

    await within(stopping, 5000, 'stop() did not resolve');
    expect(replySentAt).toBeDefined();
    expect(stoppedAt!).toBeGreaterThanOrEqual(replySentAt!);
    expect(app.logs.find((l) => l.msg === 'stopped')).toMatchObject({ drained: true, inFlight: 0 });
    expect(app.logs.some((l) => l.msg === 'request' && l.kind === 'event' && l.name === 'app_mention')).toBe(true);
    expect(conn.protocolErrors).toEqual([]);
  });
});

describe('Socket Mode: Slack refreshing the connection', () => {
  let app: SocketTestApp | undefined;
  afterAll(() => app?.close());

  // Slack recycles Socket Mode connections every few hours with a `disconnect` message.
  // @slack/socket-mode closes the old socket and reconnects after clientPingTimeout (5 s).
  it('after a disconnect message the app closes the socket, opens a new one from a fresh apps.connections.open, and serves on it', async () => {
    app = await startSocketApp(engine);
    const { fake, socket, conn } = app;
    conn.disconnect('refresh_requested');
    expect(await within(conn.closed, 2000, 'the app did not close the old WebSocket')).toEqual({ by: 'app', code: 1000 });

    const next = await socket.connection(1, 10_000);
    next.hello();
    expect(fake.callsTo('apps.connections.open')).toHaveLength(2);
    expect(fake.callsTo('apps.connections.open')[1]!.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(next.path).toMatch(/^\/link\/\?ticket=2&/);

    const { acked } = next.deliver('slash_commands', slashPayload('創業', fake.responseUrl('after-refresh')), { accepts_response_payload: true });
    await acked;
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === 'after-refresh')?.body);
    expect(detailsIds(answer)).toEqual(SOGYO_TOP5);
    expect(next.protocolErrors).toEqual([]);
  }, 20_000);

  it('Slack’s API failing for a moment during the refresh: the app keeps retrying and reconnects', async () => {
    await app?.close();
    app = await startSocketApp(engine);
    const { fake, socket, conn } = app;
    // An outage as Slack shows one: HTTP 503. (With the app's own Web API client, which retries
    // once for people waiting on answers, the socket client gave up here and the process died.)
    let refused = 0;
    fake.on('apps.connections.open', () => {
      refused++;
      return { httpStatus: 503 };
    });
    conn.disconnect('refresh_requested');
    await within(conn.closed, 2000, 'the app did not close the old WebSocket');
    await fake.waitFor(() => (refused >= 3 ? true : undefined), 20_000);
    fake.on('apps.connections.open', () => ({ ok: true, url: socket.url() })); // Slack is back
    const next = await socket.connection(1, 20_000);
    next.hello();
    const { acked } = next.deliver('slash_commands', slashPayload('創業', fake.responseUrl('after-outage')), { accepts_response_payload: true });
    await acked;
    expect(detailsIds(await fake.waitFor(() => fake.responses.find((r) => r.id === 'after-outage')?.body))).toEqual(SOGYO_TOP5);
  }, 45_000);
});

// ---------------------------------------------------------------------------------------------
// `npm start` in Socket Mode: the real entry point as a child process (as in process.test.ts).

const MAIN = path.join(ROOT, 'src', 'main.ts');
/** tsx by absolute URL: the child runs in a temp dir, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;
/** Without a current dist/search-index.json the child loads kuromoji's dictionary: allow for it. */
const START_TIMEOUT = 60_000;
/** The variables a process needs to run at all; nothing that configures shien. */
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'USERPROFILE', 'APPDATA'];
/** Lines node may print on stderr that are not the program's own. */
const ALLOWED_STDERR = [/^\(node:\d+\) \[?\w*\]? ?\w*Warning: /, /^\(Use `node --trace-\w+ \.\.\.` to show where the warning was created\)$/];

describe('Socket Mode as `npm start` runs it (child process)', () => {
  let cwd: string;
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  const outputs = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  /** Complete stdout lines parsed as JSON (a line that is not JSON is skipped here, and fails the test at the end). */
  const logLines = () =>
    stdout
      .split('\n')
      .slice(0, -1)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  /** The first log line with all of `fields`; fails at once if the child exits first. */
  async function waitForLog(fields: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logLines().find((l) => Object.entries(fields).every(([k, v]) => l[k] === v));
      if (found) return found;
      if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`the child exited (${child?.exitCode ?? child?.signalCode}) before logging ${JSON.stringify(fields)}; ${outputs()}`);
      if (Date.now() > deadline) throw new Error(`no log line ${JSON.stringify(fields)} within ${timeoutMs} ms; ${outputs()}`);
      await sleep(20);
    }
  }

  beforeAll(async () => {
    cwd = await tempDir('socket-mode');
    fake = await startFakeSlack();
    socket = await startFakeSocketMode();
    fake.on('apps.connections.open', () => ({ ok: true, url: socket.url() }));
    const env: NodeJS.ProcessEnv = { SLACK_APP_TOKEN: APP_TOKEN, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: fake.apiUrl, SHIEN_DATA_DIR: path.join(cwd, 'data') };
    for (const key of PASSED_THROUGH) if (process.env[key] !== undefined) env[key] = process.env[key];
    const proc = spawn(process.execPath, ['--import', TSX, MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    exited = new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(5000)]);
    }
    await socket?.close();
    await fake?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('connects, answers a slash command envelope, and on SIGTERM closes the socket and exits 0', async () => {
    await waitForLog({ msg: 'listening', mode: 'socket' }, START_TIMEOUT);
    const conn = await socket.connection(0);
    expect(fake.callsTo('apps.connections.open')[0]?.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);

    const { acked } = conn.deliver('slash_commands', slashPayload('創業', fake.responseUrl('child')), { accepts_response_payload: true });
    expect((await acked).payload ?? {}).toEqual({});
    const answer = await fake.waitFor(() => fake.responses.find((r) => r.id === 'child')?.body, 30_000);
    expect(answer.response_type).toBe('ephemeral');
    expect(textOf(answer)).toContain('「創業」');
    expect(textOf(answer)).toContain(ACTIONS.details);
    await waitForLog({ msg: 'request', kind: 'command', name: '/支援' }, 5000);

    child!.kill('SIGTERM');
    expect(await within(conn.closed, 5000, 'the child did not close the WebSocket')).toEqual({ by: 'app', code: 1000 });
    expect(await within(exited, 10_000, 'the child did not exit')).toEqual({ code: 0, signal: null });

    const lines = stdout.split('\n').filter(Boolean);
    expect(logLines()).toHaveLength(lines.length); // every stdout line is a JSON log line
    expect(logLines().find((l) => l.msg === 'stopped')).toMatchObject({ drained: true, inFlight: 0 });
    expect(stdout).not.toContain(APP_TOKEN);
    expect(stdout).not.toContain(BOT_TOKEN);
    expect(stderr.split('\n').filter((l) => l !== '' && !ALLOWED_STDERR.some((re) => re.test(l)))).toEqual([]);
    expect(conn.protocolErrors).toEqual([]);
  }, START_TIMEOUT + 30_000);
});
