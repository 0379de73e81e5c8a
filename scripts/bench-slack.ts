/**
 * The Slack section of `npm run bench`: the bot as Slack sees it, on the bundled catalog.
 * scripts/bench.ts calls slackBench() and prints what it returns; nothing here passes or fails.
 *
 * - The bot: scripts/bench-slack-bot.mjs, a fresh `node` process running the compiled app
 *   (createSlackApp in HTTP mode, engine from loadSearchEngine(loadPaths()) as `npm start`
 *   loads it), so its memory is the bot's alone.
 * - Slack: this process. A minimal fake Web API (auth.test, chat.postMessage, anything else
 *   {ok:true}) and response_url sink on 127.0.0.1 that notes when each answer arrives, and
 *   requests signed as Slack signs them (tests/slack/support/signing.ts). The tests' fake
 *   (tests/slack/support/fake-slack.ts) is not used: it finds answers by polling every 10 ms,
 *   which would round every answer latency up to the next poll.
 *
 * Each request is timed from just before it is sent: "ack" until the bot's HTTP 200 has been
 * read, "answer" until the fake has received the whole answer (the response_url POST for a
 * command or a button, chat.postMessage for a mention). Requests go one at a time, then a
 * burst of commands all at once. The first request of each kind (a cold path: JIT, lazy
 * initialisation) is reported on its own and left out of the percentiles.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { loadEvalQueries } from '../src/search/evaluate.js';
import { EVENTS_PATH, HEALTH_PATH } from '../src/slack/app.js';
import { ERROR_TEXT } from '../src/slack/handled.js';
import { ACTIONS } from '../src/slack/render/results.js';
import { blockAction, blockActionsBody, eventBody, postSigned, slashCommandBody } from '../tests/slack/support/signing.js';

export interface SlackBenchOptions {
  /** Sequential `/支援` commands; 詳細 clicks and mentions are a third as many each. */
  commands: number;
  /** Commands sent all at once. */
  burst: number;
  /** tests/fixtures/queries.yaml */
  queriesFile: string;
  /** The bot's environment (no catalog or index overrides: the bundled catalog, as npm start). */
  env: NodeJS.ProcessEnv;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Memory {
  rssMB: number;
  heapUsedMB: number;
  /** What V8 has committed for the heap. */
  heapTotalMB: number;
}

export interface KindFigures {
  /** e.g. `/支援 <query>` */
  name: string;
  /** What the answer is: response_url, chat.postMessage. */
  answeredBy: string;
  /** The first request of this kind, not in the percentiles. */
  first: { ackMs: number; answerMs: number };
  ack: Stats;
  answer: Stats;
}

export interface SlackFigures {
  source: 'index-file' | 'built';
  programs: number;
  /** spawn → the bot listening, measured here; the rest measured in the bot. */
  spawnToReadyMs: number;
  importMs: number;
  loadMs: number;
  listenMs: number;
  mix: string;
  kinds: KindFigures[];
  /** GET /healthz round trips: the same HTTP server and client, no Bolt, no signature, no search. */
  healthz: Stats;
  burst: { size: number; allAnsweredMs: number; ack: Stats; answer: Stats };
  memory: { idle: Memory; afterRun: Memory; afterGc: Memory; peakRssMB: number };
  acks: number;
  acksOverBudget: number;
  /** Requests not acknowledged with 200, not answered in time, or answered with the error text. */
  failures: string[];
  ms: number;
}

/** Slack shows the user an error when an HTTP request is not acknowledged within 3 s. */
export const ACK_BUDGET_MS = 3000;
/** How long an answer may take before it counts as lost (the bot gives up on a Web API call after 10 s). */
const ANSWER_TIMEOUT_MS = 10_000;
/** How long the bot may take to listen before it is killed. */
const START_TIMEOUT_MS = 120_000;
/** Past this many failures the bot is taken to be broken and the section stops. */
const MAX_FAILURES = 5;
/** A query the bundled catalog has no program for. */
const NO_HIT = 'クワガタの飼育';
const BOT = path.join(PROJECT_ROOT, 'scripts', 'bench-slack-bot.mjs');

// ---- the fake Slack ----------------------------------------------------------------------

interface Arrival {
  at: number;
  body: Record<string, unknown>;
}

interface Sink {
  apiUrl: string;
  responseUrl(id: string): string;
  /** Resolves when the answer keyed `key` has arrived, undefined after `timeoutMs`. */
  expect(key: string, timeoutMs: number): Promise<Arrival | undefined>;
  close(): Promise<void>;
}

const responseKey = (id: string) => `response:${id}`;
const messageKey = (threadTs: string) => `message:${threadTs}`;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/json')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text)); // WebClient's form; blocks stay a JSON string
}

function reply(res: ServerResponse, payload: object): void {
  const text = JSON.stringify(payload);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function startSink(): Promise<Sink> {
  const waiting = new Map<string, (arrival: Arrival) => void>();
  let ts = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const at = performance.now();
    let key: string | undefined;
    if (url.pathname.startsWith('/response/')) {
      key = responseKey(decodeURIComponent(url.pathname.slice('/response/'.length)));
      reply(res, { ok: true });
    } else if (url.pathname === '/api/auth.test') {
      reply(res, { ok: true, url: 'https://bench.slack.com/', team: 'Bench', user: 'shien', team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' });
    } else if (url.pathname === '/api/chat.postMessage') {
      key = messageKey(String(body.thread_ts));
      reply(res, { ok: true, channel: body.channel, ts: `1800000000.${String(++ts).padStart(6, '0')}` });
    } else {
      reply(res, { ok: true });
    }
    if (key) {
      waiting.get(key)?.({ at, body });
      waiting.delete(key);
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, { ok: false, error: 'bench_fake_slack' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${url}/api/`,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    expect: (key, timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(key);
          resolve(undefined);
        }, timeoutMs);
        waiting.set(key, (arrival) => {
          clearTimeout(timer);
          resolve(arrival);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- the bot process ---------------------------------------------------------------------

interface Ready {
  type: 'listening';
  port: number;
  source: 'index-file' | 'built';
  programs: number;
  importMs: number;
  loadMs: number;
  listenMs: number;
}

interface MemoryReport {
  type: 'memory';
  now: Memory;
  afterGc: Memory;
  peakRssMB: number;
}

interface Bot {
  ready: Ready;
  spawnToReadyMs: number;
  /** Memory once listening, before any request. */
  idle: Memory;
  memory(): Promise<MemoryReport>;
  /** Rejects when the bot process ends (with its last output). */
  gone: Promise<never>;
  stop(): Promise<void>;
}

/** Forks the bot (bare node, compiled code, default heap as deployed) and waits until it listens. */
async function startBot(apiUrl: string, secret: string, env: NodeJS.ProcessEnv): Promise<Bot> {
  const started = performance.now();
  // execArgv replaces this process's own (tsx's loader): the bot runs plain node.
  const child = fork(BOT, [apiUrl, secret], { cwd: PROJECT_ROOT, env, execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close': after the exit and the last of its output.
  const gone = new Promise<never>((_, reject) =>
    child.once('close', (code, signal) => reject(new Error(`the bench bot exited (${code ?? signal}):\n${output.split('\n').slice(-15).join('\n')}`))),
  );
  gone.catch(() => {}); // observed through the races below
  const next = <T>(type: string) =>
    Promise.race([
      new Promise<T>((resolve) => {
        const on = (message: { type?: string }) => {
          if (message?.type !== type) return;
          child.off('message', on);
          resolve(message as T);
        };
        child.on('message', on);
      }),
      gone,
    ]);
  // A start that hangs (it takes under a second; seconds if it has to analyse with kuromoji).
  const timer = setTimeout(() => child.kill('SIGKILL'), START_TIMEOUT_MS);
  const ready = await next<Ready>('listening').finally(() => clearTimeout(timer));
  const spawnToReadyMs = performance.now() - started;
  const { memory: idle } = await next<{ memory: Memory }>('idle');
  return {
    ready,
    spawnToReadyMs,
    idle,
    memory() {
      const report = next<MemoryReport>('memory');
      child.send('memory');
      return report;
    },
    gone,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = gone.catch(() => {});
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(timer);
    },
  };
}

// ---- requests ----------------------------------------------------------------------------

/** Value at quantile `q` of ascending `sorted` (nearest rank), as bench-child.mjs. */
function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function stats(values: number[]): Stats {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN };
}

interface Exchange {
  ackMs: number;
  answerMs: number;
  /** performance.now() when the answer arrived (NaN when it did not). */
  answeredAt: number;
  body?: Record<string, unknown>;
}

/** Eval queries interleaved by kind (keyword, colloquial, kana, …), as bench-child.mjs times them. */
async function interleavedQueries(file: string): Promise<string[]> {
  const list = await loadEvalQueries(file);
  const byKind = new Map<string, string[]>();
  for (const q of list) byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), q.query]);
  const out: string[] = [];
  for (let i = 0; out.length < list.length; i++) for (const group of byKind.values()) if (group[i] !== undefined) out.push(group[i]!);
  return out;
}

/** 詳細 button values (program ids) in an answer's blocks. */
function detailIds(body: Record<string, unknown> | undefined): string[] {
  const ids: string[] = [];
  JSON.stringify(body?.blocks ?? [], (_key, value: unknown) => {
    const v = value as { action_id?: unknown; value?: unknown } | null;
    if (v?.action_id === ACTIONS.details && typeof v.value === 'string') ids.push(v.value);
    return value;
  });
  return ids;
}

export async function slackBench(options: SlackBenchOptions, progress: (message: string) => void): Promise<SlackFigures> {
  const began = performance.now();
  const secret = randomBytes(16).toString('hex');
  const sink = await startSink();
  progress('Slack: starting the bot (HTTP mode, bundled catalog) against a fake Slack on 127.0.0.1');
  const bot = await startBot(sink.apiUrl, secret, options.env).catch(async (error: unknown) => {
    await sink.close();
    throw error;
  });
  const url = `http://127.0.0.1:${bot.ready.port}${EVENTS_PATH}`;
  const failures: string[] = [];
  const acks: number[] = [];
  let counter = 0;

  try {
    /** Sends one signed request and waits for its answer under `key`. */
    const exchange = async (what: string, rawBody: string, key: string): Promise<Exchange> => {
      const answer = sink.expect(key, ANSWER_TIMEOUT_MS);
      const sent = performance.now();
      let status = 0;
      try {
        status = (await postSigned(url, secret, rawBody)).status;
      } catch (error) {
        failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const ackMs = performance.now() - sent;
      acks.push(ackMs);
      if (status !== 200 && status !== 0) failures.push(`${what}: HTTP ${status}`);
      const arrived = await Promise.race([answer, bot.gone]);
      if (!arrived) failures.push(`${what}: no answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
      else if (arrived.body.text === ERROR_TEXT) failures.push(`${what}: answered with the error text`);
      if (failures.length > MAX_FAILURES) throw new Error(`Slack section stopped after ${failures.length} failures:\n${failures.join('\n')}`);
      return { ackMs, answerMs: arrived ? arrived.at - sent : NaN, answeredAt: arrived?.at ?? NaN, body: arrived?.body };
    };

    const command = (text: string) => {
      const id = `c${++counter}`;
      return exchange(`/支援 ${text}`, slashCommandBody({ command: '/支援', text, response_url: sink.responseUrl(id), channel_id: 'C0ADVICE' }), responseKey(id));
    };
    const click = (programId: string) => {
      const id = `d${++counter}`;
      const payload = blockAction({ action_id: ACTIONS.details, value: programId, channel_id: 'C0ADVICE', response_url: sink.responseUrl(id) });
      return exchange(`詳細 ${programId}`, blockActionsBody(payload), responseKey(id));
    };
    const mention = (text: string) => {
      const ts = `1700000000.${String(++counter).padStart(6, '0')}`;
      const event = { type: 'app_mention', user: 'U0ADVISOR', text: `<@UBOT> ${text}`, ts, event_ts: ts, channel: 'C0ADVICE', team: 'T0FAKE' };
      return exchange(`@shien ${text}`, eventBody(event), messageKey(ts));
    };

    // The mix: eval queries in turn, with help and a no-hit query one command in 20 each; the
    // first (cold) command is 創業, the CLI's first answer.
    const queries = await interleavedQueries(options.queriesFile);
    const mixCounts = { eval: 0, help: 0, none: 0 };
    let cursor = 0;
    const mixAt = (i: number): string => {
      if (i === 0) return '創業';
      if (i % 20 === 0) {
        mixCounts.help++;
        return 'help';
      }
      if (i % 20 === 10) {
        mixCounts.none++;
        return NO_HIT;
      }
      mixCounts.eval++;
      return queries[cursor++ % queries.length]!;
    };
    const kinds: KindFigures[] = [];

    /** `count` requests one at a time after a first, cold one. */
    const sequence = async (name: string, answeredBy: string, count: number, send: (i: number) => Promise<Exchange>, seen?: (e: Exchange) => void) => {
      progress(`Slack: ${name}, 1 + ${count} one at a time`);
      const first = await send(0);
      seen?.(first);
      const ack: number[] = [];
      const answer: number[] = [];
      for (let i = 1; i <= count; i++) {
        const e = await send(i);
        seen?.(e);
        ack.push(e.ackMs);
        answer.push(e.answerMs);
      }
      kinds.push({ name, answeredBy, first: { ackMs: first.ackMs, answerMs: first.answerMs }, ack: stats(ack), answer: stats(answer) });
    };

    const programIds = new Set<string>();
    await sequence(
      '/支援 <query>',
      'response_url',
      options.commands,
      (i) => command(mixAt(i)),
      (e) => detailIds(e.body).forEach((id) => programIds.add(id)),
    );
    const ids = [...programIds];
    if (!ids.length) throw new Error('Slack section: no answer had a 詳細 button');
    const others = Math.max(1, Math.ceil(options.commands / 3));
    await sequence('詳細 click', 'response_url', others, (i) => click(ids[i % ids.length]!));
    await sequence('@shien <query>', 'chat.postMessage', others, (i) => mention(queries[(i * 7) % queries.length]!));

    // The floor under every ack: an HTTP round trip to the bot's server that Bolt does not handle.
    const healthUrl = `http://127.0.0.1:${bot.ready.port}${HEALTH_PATH}`;
    const health: number[] = [];
    for (let i = 0; i <= others; i++) {
      const sent = performance.now();
      await (await fetch(healthUrl)).text();
      if (i > 0) health.push(performance.now() - sent);
    }

    progress(`Slack: ${options.burst} commands at once`);
    const burstStart = performance.now();
    const burst = await Promise.all(Array.from({ length: options.burst }, (_, i) => command(queries[(i * 3) % queries.length]!)));
    const allAnsweredMs = Math.max(...burst.map((e) => e.answeredAt)) - burstStart; // NaN if one was lost

    const afterRun = await bot.memory();
    return {
      source: bot.ready.source,
      programs: bot.ready.programs,
      spawnToReadyMs: bot.spawnToReadyMs,
      importMs: bot.ready.importMs,
      loadMs: bot.ready.loadMs,
      listenMs: bot.ready.listenMs,
      mix: `${mixCounts.eval} from ${path.relative(PROJECT_ROOT, options.queriesFile)} (${queries.length} queries), ${mixCounts.help} help, ${mixCounts.none} with no hit (${NO_HIT})`,
      kinds,
      healthz: stats(health),
      burst: { size: options.burst, allAnsweredMs, ack: stats(burst.map((e) => e.ackMs)), answer: stats(burst.map((e) => e.answerMs)) },
      memory: { idle: bot.idle, afterRun: afterRun.now, afterGc: afterRun.afterGc, peakRssMB: afterRun.peakRssMB },
      acks: acks.length,
      acksOverBudget: acks.filter((a) => a > ACK_BUDGET_MS).length,
      failures,
      ms: performance.now() - began,
    };
  } finally {
    await bot.stop();
    await sink.close();
  }
}
