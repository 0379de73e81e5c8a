/**
 * Two replicas as an operator runs them (issue 14): two `node src/main.ts` processes in HTTP
 * mode, each with its own empty working and data directory, both with DATABASE_URL naming one
 * PostgreSQL database, both talking to one fake Slack. They start together, and both owe the
 * day's digest (neither has run it): the channel gets it once. A `/支援 通知 状態` sent to the
 * other process shows the subscription; SIGTERM stops both cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { PgNoticeStore } from '../../src/notices/pg-store.js';
import { EVENTS_PATH } from '../../src/slack/app.js';
import { startFakeSlack } from '../slack/support/fake-slack.js';
import { postSigned, slashCommandBody } from '../slack/support/signing.js';
import { describePostgres, freshDatabase } from './backends.js';
import { CATALOG_DIR, ROOT, scratch } from './support.js';

const MAIN = path.join(ROOT, 'src', 'main.ts');
const TSX = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;
const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LANG', 'TZ', 'TMPDIR'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Replica {
  proc: ChildProcess;
  port: number;
  lines: string[];
  exited: Promise<number | null>;
}

async function replica(env: Record<string, string>): Promise<Replica> {
  const cwd = await scratch('replica-process');
  await mkdir(path.join(cwd, 'data'), { recursive: true });
  const port = await freePort();
  const base = Object.fromEntries(PASSED_THROUGH.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k]!]] : [])));
  const proc = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { ...base, SHIEN_DATA_DIR: path.join(cwd, 'data'), PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  proc.stdout!.on('data', (d: Buffer) => {
    partial += d.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    lines.push(...complete);
  });
  proc.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, port, lines, exited };
}

async function until<T>(pick: () => T | undefined, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = pick();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logged = (r: Replica, msg: string) => r.lines.find((l) => l.includes(`"msg":"${msg}"`));

describePostgres('two bot processes on one PostgreSQL', () => {
  it('start together owing the same digest: the channel gets it once; 状態 on the other process shows the subscription; SIGTERM stops both', async () => {
    const fake = await startFakeSlack();
    const url = await freshDatabase();
    // The channel subscribed before (through either replica), knowing all but the last program.
    const ids = (await loadCatalog(CATALOG_DIR)).programs.map((p) => p.id);
    const seed = new PgNoticeStore(url);
    await seed.init();
    await seed.subscribe('C0PROCESS', ids.slice(0, -1), { source: 'command', by: 'U0ADVISOR', now: new Date() });
    await seed.close();

    const env = { DATABASE_URL: url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, SHIEN_CATALOG_DIR: CATALOG_DIR, LOG_LEVEL: 'info' };
    const replicas = await Promise.all([replica(env), replica(env)]);
    try {
      for (const r of replicas) await until(() => logged(r, 'listening'), `replica ${r.port} listening:\n${r.lines.join('\n')}`);
      // Both catch-up runs have finished (one ran the slot; the other found the lease or the slot done).
      const store = new PgNoticeStore(url);
      await store.init();
      try {
        const deadline = Date.now() + 60_000;
        while ((await store.lastScheduledRun()) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        await new Promise((r) => setTimeout(r, 1000)); // the other replica's catch-up settles
        expect((await store.lastScheduledRun())?.status).toBe('ok');
        const digests = fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0PROCESS');
        expect(digests).toHaveLength(1);
        expect(JSON.stringify(digests[0]!.body)).toContain(ids.at(-1)!);
      } finally {
        await store.close();
      }

      // 状態 through each replica: the same subscription.
      for (const [i, r] of replicas.entries()) {
        const body = slashCommandBody({ command: '/支援', text: '通知 状態', channel_id: 'C0PROCESS', user_id: 'U0ADVISOR', response_url: fake.responseUrl(`status-${i}`) });
        const answer = await postSigned(`http://127.0.0.1:${r.port}${EVENTS_PATH}`, SIGNING_SECRET, body);
        expect(answer.status).toBe(200);
        const reply = await fake.waitFor(() => fake.responses.find((x) => x.id === `status-${i}`)?.body, 15_000);
        expect(String(reply.text)).toContain('*オン*');
      }
    } finally {
      for (const r of replicas) r.proc.kill('SIGTERM');
      const codes = await Promise.all(replicas.map((r) => r.exited));
      await fake.close();
      expect(codes).toEqual([0, 0]);
    }
  }, 180_000);

  it('a replica SIGKILLed in the middle of the digest: the other finishes it once the dead lease expires (about 2 minutes), nothing twice', async () => {
    const fake = await startFakeSlack();
    const url = await freshDatabase();
    const ids = (await loadCatalog(CATALOG_DIR)).programs.map((p) => p.id);
    const seed = new PgNoticeStore(url);
    await seed.init();
    for (const channel of ['C0AAA', 'C0BBB']) await seed.subscribe(channel, ids.slice(0, -1), { source: 'command', now: new Date() });
    await seed.close();
    // Slack answers C0AAA and never answers C0BBB (the replica dies inside that post).
    let ts = 0;
    fake.on('chat.postMessage', (body) => (body.channel === 'C0BBB' ? new Promise<object>(() => undefined) : { ok: true, channel: body.channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` }));
    const env = { DATABASE_URL: url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, SHIEN_CATALOG_DIR: CATALOG_DIR, LOG_LEVEL: 'info' };
    const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
    let survivor: Replica | undefined;
    try {
      const doomed = await replica(env);
      await until(() => (posts('C0BBB').length ? true : undefined), `the first replica's post to C0BBB:\n${doomed.lines.join('\n')}`);
      doomed.proc.kill('SIGKILL');
      expect(await doomed.exited).toBeNull(); // killed by the signal
      expect(posts('C0AAA')).toHaveLength(1);
      fake.off('chat.postMessage');

      survivor = await replica(env);
      await until(() => logged(survivor!, 'listening'), 'the second replica listening');
      // Its catch-up is skipped for the dead replica's lease, retried when that expires.
      await until(() => (posts('C0BBB').length === 2 ? true : undefined), `the second replica's post to C0BBB:\n${survivor.lines.join('\n')}`, 200_000);
      const store = new PgNoticeStore(url);
      await store.init();
      try {
        expect(await store.unannounced('C0AAA', ids)).toEqual([]);
        expect(await store.unannounced('C0BBB', ids)).toEqual([]);
      } finally {
        await store.close();
      }
      expect(posts('C0AAA')).toHaveLength(1); // not posted twice
      expect(JSON.stringify(posts('C0BBB')[1]!.body)).toContain(ids.at(-1)!);
    } finally {
      survivor?.proc.kill('SIGTERM');
      if (survivor) expect(await survivor.exited).toBe(0);
      await fake.close();
    }
  }, 300_000);
});
