/**
 * `npm start` as an operator runs it: the real entry point (`node --import tsx src/main.ts`) as a
 * child process, in each of its modes, from a clean environment and an empty working directory
 * (support/bot-process.ts; process-edges.test.ts has the signal and port cases of a start).
 * Slack is the fake in support/fake-slack.ts; nothing reaches the internet.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../search/support.js';
import { BOT_TOKEN, type Child, cleanEnv, cwd, exitOf, kill, logLine, logWith, shared, SIGNING_SECRET, sleep, start, START_TIMEOUT, TEST_TIMEOUT, tryConnect, unexpectedStderr } from './support/bot-process.js';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { eventBody, postSigned, slashCommandBody } from './support/signing.js';

/** Starts HTTP mode against the fake and resolves with the port from the `listening` log line. */
let httpChildren = 0;
async function startHttp(fake: FakeSlack, extra: Record<string, string> = {}): Promise<{ child: Child; port: number; events: string }> {
  const dataDir = path.join(cwd, `data-http-${++httpChildren}`);
  const child = start(cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_API_URL: fake.apiUrl, SHIEN_DATA_DIR: dataDir, ...extra }));
  const listening = await child.waitForLine(logWith({ msg: 'listening', mode: 'http' }));
  const port = listening.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0) throw new Error(`listening line without a port: ${JSON.stringify(listening)}`);
  return { child, port, events: `http://127.0.0.1:${port}/slack/events` };
}

describe('console mode (no Slack tokens), input from a pipe', () => {
  it('answers each line once on stdout, exits 0 and prints nothing on stderr', async () => {
    const child = start(cleanEnv(), { stdin: '/支援 創業\n創業\nhelp\n<!channel>\n' });
    const exit = await exitOf(child, START_TIMEOUT);
    expect(unexpectedStderr(child.stderr())).toEqual([]);
    expect(exit).toMatchObject({ code: 0, signal: null });

    // One answer per input line, each followed by a blank line.
    const answers = child.stdout().split('\n\n').filter((a) => a.trim() !== '');
    expect(answers).toHaveLength(4);
    const [command, plain, help, channel] = answers as [string, string, string, string];

    expect(command.split('\n')[0]).toMatch(/^「創業」 \d+ 件/);
    const total = Number(/^「創業」 (\d+) 件/.exec(command)?.[1]);
    expect(total).toBeGreaterThan(0);
    expect(command).toMatch(/^ 1\. .+ — .+$/m);
    expect(command).toMatch(/^ {4}id: p-[0-9a-f]{10}$/m);
    // `/支援 創業` is what `創業` is: the command prefix is not part of the query.
    expect(plain).toBe(command);

    expect(help).toContain('使い方');
    for (const filter of ['機関:', '重点:', '予算:', '目的:']) expect(help, filter).toContain(filter);
    expect(help).not.toMatch(/「help」/); // help is not searched for

    // A Slack-looking mention is only a (hit-less) query here.
    expect(channel).toContain('「<!channel>」に合う事業は見つかりませんでした。');
  }, TEST_TIMEOUT);
});

describe('bad environment: one line on stderr naming the variable, never its value, exit 1', () => {
  const cases: { label: string; env: Record<string, string>; names: string; secrets: string[] }[] = [
    { label: 'SLACK_BOT_TOKEN=abc', env: { SLACK_BOT_TOKEN: 'abc' }, names: 'SLACK_BOT_TOKEN', secrets: ['abc'] },
    { label: 'a user token as SLACK_BOT_TOKEN', env: { SLACK_BOT_TOKEN: 'xoxp-9911-user-TOKEN-q7z' }, names: 'SLACK_BOT_TOKEN', secrets: ['xoxp-9911-user-TOKEN-q7z', '9911'] },
    { label: 'SLACK_BOT_TOKEN alone', env: { SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-T0k3n' }, names: 'SLACK_SIGNING_SECRET', secrets: ['xoxb-1234-secret-bot-T0k3n', 'T0k3n'] },
    {
      label: 'a malformed SLACK_SIGNING_SECRET',
      env: { SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-T0k3n', SLACK_SIGNING_SECRET: 'not-a-hex-Secret-VALUE' },
      names: 'SLACK_SIGNING_SECRET',
      secrets: ['xoxb-1234-secret-bot-T0k3n', 'not-a-hex-Secret-VALUE'],
    },
    {
      label: 'PORT=abc with valid tokens',
      env: { SLACK_BOT_TOKEN: 'xoxb-1234-secret-bot-T0k3n', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: 'abc' },
      names: 'PORT',
      secrets: ['xoxb-1234-secret-bot-T0k3n', SIGNING_SECRET],
    },
    { label: 'SHIEN_WARMUP=maybe', env: { SHIEN_WARMUP: 'maybe' }, names: 'SHIEN_WARMUP', secrets: [] },
  ];

  it.each(cases)('$label', async ({ env, names, secrets }) => {
    const child = start(cleanEnv(env), { stdin: '' });
    const exit = await exitOf(child, START_TIMEOUT);
    expect(exit).toMatchObject({ code: 1, signal: null });
    const stderr = unexpectedStderr(child.stderr());
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^設定エラー/);
    expect(stderr[0]).toContain(names);
    expect(child.stdout()).toBe(''); // no console answers, no server
    for (const secret of secrets) {
      expect(child.stderr(), secret).not.toContain(secret);
      expect(child.stdout(), secret).not.toContain(secret);
    }
  }, TEST_TIMEOUT);

  it('reads .env from the working directory (and only from there)', async () => {
    const dir = path.join(cwd, 'with-dotenv');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '.env'), 'SLACK_BOT_TOKEN=abc-from-dotenv\n');
    const child = start(cleanEnv(), { cwd: dir, stdin: '' });
    const exit = await exitOf(child, START_TIMEOUT);
    expect(exit.code).toBe(1);
    expect(unexpectedStderr(child.stderr())).toEqual([expect.stringMatching(/^設定エラー.*SLACK_BOT_TOKEN/)]);
    expect(child.stderr()).not.toContain('abc-from-dotenv');
  }, TEST_TIMEOUT);
});

describe('HTTP mode against a fake Slack', () => {
  let fake: FakeSlack;
  let child: Child;
  let port: number;
  let events: string;

  beforeAll(async () => {
    fake = await startFakeSlack();
    ({ child, port, events } = await startHttp(fake));
    shared.add(child);
  }, TEST_TIMEOUT);

  afterAll(async () => {
    if (child) await kill(child);
    await fake?.close();
  });

  it('GET /healthz answers 200 JSON: ok, and the 143 programs of the bundled catalog', async () => {
    // auth.test runs beside the server's start: until Slack has accepted the token, /healthz
    // truthfully answers 503 (not_checked). CI once asked in between, on a busy machine.
    await child.waitForLine(logWith({ msg: 'slack token accepted' }), 10_000);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ ok: true, programs: 143 });
  });

  it('a signed `/支援 創業` is acknowledged and answered once, ephemerally, through its response_url', async () => {
    const response_url = fake.responseUrl('sogyo');
    const ack = await postSigned(events, SIGNING_SECRET, slashCommandBody({ command: '/支援', text: '創業', response_url, channel_id: 'C0FAKE' }));
    expect(ack.status).toBe(200);

    const reply = await fake.waitFor(() => fake.responses.find((r) => r.id === 'sogyo'), 30_000);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toMatch(/^「創業」 \d+ 件$/);
    const hits = Number(/(\d+) 件/.exec(String(reply.body.text))?.[1]);
    expect(hits).toBeGreaterThan(0);
    expect(Array.isArray(reply.body.blocks)).toBe(true);
    expect(JSON.stringify(reply.body.blocks)).toContain('program_details');

    // The one log line of the request: command name, hits and time, not the query.
    const log = await child.waitForLine(logWith({ msg: 'request', kind: 'command', name: '/支援' }), 10_000);
    expect(log.hits).toBe(hits);
    expect(typeof log.ms).toBe('number');
    expect(log.ms).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(log)).not.toContain('創業');

    await sleep(300);
    expect(fake.responses.filter((r) => r.id === 'sogyo')).toHaveLength(1);
  }, TEST_TIMEOUT);

  it('refuses a request signed with another secret, and answers nothing', async () => {
    const response_url = fake.responseUrl('forged');
    const forged = await postSigned(events, 'f'.repeat(32), slashCommandBody({ command: '/支援', text: '創業', response_url }));
    expect(forged.status).toBe(401);
    await sleep(300);
    expect(fake.responses.filter((r) => r.id === 'forged')).toHaveLength(0);
  });

  it('warms search up once listening: one log line with the questions asked and the time', async () => {
    const line = await child.waitForLine(logWith({ msg: 'search warm-up done' }), 15_000);
    // 1000 questions unless 2 s ran out first (a busy machine).
    expect(line).toMatchObject({ level: 30, component: 'search', ended: expect.stringMatching(/^(done|time)$/) });
    expect(line.questions).toBeGreaterThan(0);
    expect(line.ms).toEqual(expect.any(Number));
    expect(child.lines().filter((l) => logWith({ msg: 'search warm-up done' })(l))).toHaveLength(1);
  });

  it('logs only JSON lines on stdout, never the bot token or the signing secret, and nothing on stderr', () => {
    const lines = child.lines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(() => logLine(line)).not.toThrow();
      expect(line).not.toContain(BOT_TOKEN);
      expect(line).not.toContain(SIGNING_SECRET);
    }
    expect(child.stdout().endsWith('\n')).toBe(true);
    expect(unexpectedStderr(child.stderr())).toEqual([]);
    // The token did reach the fake Slack, as a header: so its absence from the log means something.
    expect(fake.calls.some((c) => c.headers.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
  });
});

describe('HTTP mode with SHIEN_WARMUP=0', () => {
  it('serves without warming search up (no warm-up line, even when stopped: a stopped warm-up logs one too)', async () => {
    const fake = await startFakeSlack();
    try {
      const { child, events } = await startHttp(fake, { SHIEN_WARMUP: '0' });
      const response_url = fake.responseUrl('cold');
      const ack = await postSigned(events, SIGNING_SECRET, slashCommandBody({ command: '/支援', text: '創業', response_url, channel_id: 'C0FAKE' }));
      expect(ack.status).toBe(200);
      await fake.waitFor(() => fake.responses.find((r) => r.id === 'cold'), 30_000);
      child.proc.kill('SIGTERM');
      expect(await exitOf(child, 10_000)).toMatchObject({ code: 0 });
      expect(child.lines().filter((l) => logWith({ msg: 'shutting down' })(l))).toHaveLength(1);
      expect(child.lines().filter((l) => /warm-up/.test(l))).toEqual([]);
    } finally {
      await fake.close();
    }
  }, TEST_TIMEOUT);
});

describe('HTTP mode with a missing or unusable index file', () => {
  const rebuilt = logWith({ msg: 'search index rebuilt from the catalog' });

  it('builds the index, says so in the log, saves it, and the next start loads it without a rebuild', async () => {
    const fake = await startFakeSlack();
    try {
      const indexFile = path.join(cwd, 'index-http', 'search-index.json');
      await mkdir(path.dirname(indexFile), { recursive: true });
      const env = cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_API_URL: fake.apiUrl, SHIEN_INDEX_FILE: indexFile });
      const first = start(env);
      const line = await first.waitForLine(rebuilt, START_TIMEOUT);
      expect(line).toMatchObject({ level: 40, component: 'search', stale: '検索索引がありません', wrote: indexFile });
      await first.waitForLine(logWith({ msg: 'listening', mode: 'http' }), START_TIMEOUT);
      await kill(first);
      const second = start(env);
      await second.waitForLine(logWith({ msg: 'listening', mode: 'http' }), START_TIMEOUT);
      expect(second.lines().filter((l) => rebuilt(l))).toEqual([]);
      expect(unexpectedStderr(second.stderr())).toEqual([]);
    } finally {
      await fake.close();
    }
  }, 2 * TEST_TIMEOUT);

  it('an index file it cannot write (a directory in its place) is logged and the bot serves anyway', async () => {
    const fake = await startFakeSlack();
    try {
      const indexFile = path.join(cwd, 'index-is-a-directory');
      await mkdir(indexFile, { recursive: true });
      const child = start(cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_API_URL: fake.apiUrl, SHIEN_INDEX_FILE: indexFile }));
      const line = await child.waitForLine(rebuilt, START_TIMEOUT);
      expect(line.wrote).toBeUndefined();
      expect(String(line.writeFailed)).toContain(`${indexFile} に書き込めません`);
      const listening = await child.waitForLine(logWith({ msg: 'listening', mode: 'http' }), START_TIMEOUT);
      const health = await fetch(`http://127.0.0.1:${String(listening.port)}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await fake.close();
    }
  }, TEST_TIMEOUT);
});

describe('a PORT another process holds', () => {
  it('one line naming the setting, no stack, exit 1', async () => {
    const fake = await startFakeSlack();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    try {
      const port = (holder.address() as AddressInfo).port;
      const child = start(cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: String(port), SLACK_API_URL: fake.apiUrl, SHIEN_DATA_DIR: path.join(cwd, 'data-port-taken') }), { stdin: '' });
      const exit = await exitOf(child, START_TIMEOUT);
      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(unexpectedStderr(child.stderr())).toEqual([`設定エラー: PORT ${port} は他のプロセスが使っています (別の支援ナビが動いていないか確かめるか、PORT を変えてください)`]);
    } finally {
      holder.close();
      await fake.close();
    }
  }, TEST_TIMEOUT);
});

describe('npm start as an operator runs it (npm, then a shell, then node)', () => {
  let fake: FakeSlack;

  beforeAll(async () => {
    fake = await startFakeSlack();
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('stops on a SIGTERM sent to npm (docker stop, kill): the bot shuts down, exits and frees the port', async () => {
    // npm passes the signal to the shell that runs the script; a shell that runs node as its child
    // died of it and left the bot running, orphaned, still answering on its port.
    const child = start(cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', SLACK_API_URL: fake.apiUrl, SHIEN_DATA_DIR: path.join(cwd, 'data-npm-start') }), {
      cwd: ROOT,
      command: ['npm', ['start', '--silent']],
      detached: true,
    });
    try {
      const listening = await child.waitForLine(logWith({ msg: 'listening', mode: 'http' }));
      const port = listening.port as number;
      child.proc.kill('SIGTERM');
      await child.waitForLine(logWith({ msg: 'stopped' }), 10_000);
      const exit = await exitOf(child, 10_000);
      expect(exit.code === 0 || exit.signal === 'SIGTERM', JSON.stringify(exit)).toBe(true);
      expect(await tryConnect(port)).toBe('ECONNREFUSED');
    } finally {
      // Whatever npm left behind (the orphaned bot, before the fix) goes with its process group.
      try {
        process.kill(-child.proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, TEST_TIMEOUT);
});

describe('SIGTERM while a reply is on its way', () => {
  let fake: FakeSlack;

  beforeAll(async () => {
    fake = await startFakeSlack();
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('finishes the slow chat.postMessage, then exits 0 within 5 s and frees the port', async () => {
    const { child, port, events } = await startHttp(fake);
    let replySentAt: number | undefined;
    fake.on('chat.postMessage', async (body) => {
      await sleep(1500);
      replySentAt = Date.now();
      return { ok: true, channel: body.channel, ts: '1700000000.000900', message: { type: 'message', text: body.text, ts: '1700000000.000900' } };
    });

    const mention = eventBody({ type: 'app_mention', user: 'U0ADVISOR', text: '<@UBOT> 創業', ts: '1700000000.000500', channel: 'C0FAKE', event_ts: '1700000000.000500' });
    expect((await postSigned(events, SIGNING_SECRET, mention)).status).toBe(200);
    const post = await fake.waitFor(() => fake.callsTo('chat.postMessage')[0], 30_000);
    expect(post.body).toMatchObject({ channel: 'C0FAKE', thread_ts: '1700000000.000500' });
    expect(String(post.body.text)).toMatch(/^「創業」 \d+ 件$/);
    expect(replySentAt).toBeUndefined(); // still waiting on the fake

    const sigtermAt = Date.now();
    child.proc.kill('SIGTERM');
    // Once it says it is shutting down, it takes no new connections, though the reply is still pending.
    await child.waitForLine(logWith({ msg: 'shutting down', signal: 'SIGTERM' }), 5_000);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    const exit = await exitOf(child, 10_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sigtermAt).toBeLessThan(5_000);
    expect(replySentAt).toBeDefined();
    expect(exit.at).toBeGreaterThanOrEqual(replySentAt!);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);

    // The mention's request line is written once its reply is through, and the process says it
    // stopped with nothing left in flight. Compared by pino's `time` (taken when the line is
    // logged), not by line order: createLogger's default stdout destination is asynchronous, and
    // the synchronous flush at process.exit can write 'stopped' ahead of a 'request' line whose
    // asynchronous write is still in progress (seen in about 1 run in 8).
    const logs = child.lines().map(logLine);
    const request = logs.find((l) => l.msg === 'request' && l.kind === 'event' && l.name === 'app_mention');
    const stopped = logs.find((l) => l.msg === 'stopped');
    expect(request, child.stdout()).toBeDefined();
    expect(stopped, child.stdout()).toBeDefined();
    expect(request!.hits).toEqual(expect.any(Number));
    expect(request!.hits as number).toBeGreaterThan(0);
    expect(request!.ms as number).toBeGreaterThanOrEqual(1400); // it waited for the slow reply
    expect(request!.time as number).toBeGreaterThanOrEqual(replySentAt! - 50); // same clock: after the reply
    expect(stopped!.time as number).toBeGreaterThanOrEqual(request!.time as number);
    expect(stopped).toMatchObject({ drained: true, inFlight: 0 });
    expect(logs.some((l) => l.msg === 'request failed')).toBe(false);
    expect(unexpectedStderr(child.stderr())).toEqual([]);

    expect(await tryConnect(port)).toBe('ECONNREFUSED');
  }, TEST_TIMEOUT);
});
