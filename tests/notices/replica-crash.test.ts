/**
 * A replica killed in the middle of a notice run (SIGKILL: no cleanup, its PostgreSQL
 * connections just drop), and another replica finishing that run once the lease expires
 * (issue 14). The killed one is a real process running the real job on PostgreSQL; what it
 * posted before it died stays announced, what it had not posted is posted by the survivor,
 * nothing twice.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { runNotices } from '../../src/notices/run.js';
import { describePostgres, postgresBackend } from './backends.js';
import { addProgram, memorySlack, ROOT, workspace } from './support.js';

const NEW = { id: 'p-crash-new-01', name: '停止テスト用の新しい補助金', budgetThousandYen: 1000, overview: '途中で止まった実行を引き継ぐ事業です。' };
const SLOT = new Date('2026-11-24T09:00:00+09:00');
const TTL_MS = 4000;

/** The replica that dies: posts to C0AAA, says so on stdout, then hangs in its post to C0BBB. */
const DOOMED = `
  import { runNotices } from './src/notices/run.ts';
  import { PgNoticeStore } from './src/notices/pg-store.ts';
  const [url, catalogDir, ttl] = process.argv.slice(1);
  const store = new PgNoticeStore(url);
  await store.init();
  await runNotices({
    store, catalogDir, trigger: 'schedule', scheduledFor: new Date(${SLOT.getTime()}), holder: 'replica-doomed',
    now: () => new Date(), leaseTtlMs: Number(ttl),
    post: async (channel) => {
      if (channel === 'C0AAA') {
        process.stdout.write('posted C0AAA\\n');
        return { ok: true, ts: '1700000000.000001' };
      }
      process.stdout.write('hanging in ' + channel + '\\n');
      return new Promise(() => {}); // a Slack that never answers; the process is killed here
    },
  });
`;

describePostgres('a replica killed mid-run (SIGKILL)', () => {
  it('another replica finishes the run after the lease expires: each channel gets one digest', async () => {
    const ws = await workspace();
    const place = await postgresBackend.place();
    const store = await postgresBackend.open(place);
    const channels = ['C0AAA', 'C0BBB'];
    await store.syncConfigChannels(channels, (await loadCatalog(ws.catalogDir)).programs.map((p) => p.id), new Date());
    await addProgram(ws.catalogFile, NEW);

    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', DOOMED, place.databaseUrl!, ws.catalogDir, String(TTL_MS)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('hanging in C0BBB')) resolve();
      });
      void exited.then(() => reject(new Error(`the doomed replica exited early:\n${out}\n${err}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).toContain('posted C0AAA');

    // The survivor's timer fires for the same slot: the dead replica's lease still stands.
    const slack = memorySlack();
    const survivor = (now = new Date()) =>
      runNotices({ store, catalogDir: ws.catalogDir, post: slack.post, now: () => now, trigger: 'schedule', scheduledFor: SLOT, holder: 'replica-survivor', leaseTtlMs: TTL_MS });
    const early = await survivor();
    expect(early).toMatchObject({ status: 'skipped', skipped: { reason: 'lease', holder: expect.stringMatching(/^replica-doomed#/) } });
    expect(slack.posts).toEqual([]);

    // After the expiry (what NoticeScheduler's retry does): the run is finished, C0BBB only.
    const until = early.skipped?.reason === 'lease' ? early.skipped.until : new Date();
    await new Promise((r) => setTimeout(r, Math.max(0, until.getTime() - Date.now() + 50)));
    const late = await survivor();
    expect(late).toMatchObject({ status: 'ok', posted: 1 });
    expect(slack.posts.map((p) => p.channel)).toEqual(['C0BBB']);
    expect(await store.unannounced('C0AAA', [NEW.id])).toEqual([]); // announced by the dead replica before it died
    expect(await store.unannounced('C0BBB', [NEW.id])).toEqual([]);
    expect((await store.lastScheduledRunFor(SLOT))?.holder).toMatch(/^replica-survivor#/);

    // And nothing twice: the slot has run.
    expect(await survivor()).toMatchObject({ status: 'skipped', skipped: { reason: 'already-ran' } });
    expect(slack.posts).toHaveLength(1);
  }, 60_000);
});
