/**
 * Replicas sharing PostgreSQL run the jGrants sync once per slot (issue 14): every replica's
 * sync timer (and catch-up at start) fires, one of them syncs under the lease, the others wait
 * while it runs (their start then owes a digest that should have its imports) and skip after it
 * succeeded in the same slot.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { PgNoticeStore } from '../../src/notices/pg-store.js';
import { startSourceSync } from '../../src/sources/bot-sync.js';
import { PgImportStore } from '../../src/sources/pg-store.js';
import type { SyncRunResult } from '../../src/sources/schedule.js';
import { describePostgres, freshDatabase } from '../notices/backends.js';
import { manualClock, scratch } from '../notices/support.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describePostgres('the jGrants sync with several replicas', () => {
  it('both replicas fire: one syncs, the other waits while it runs and then skips; the next slot syncs once again', async () => {
    const url = await freshDatabase();
    const clock = manualClock('2026-11-24T08:30:00+09:00');
    const env = { DATABASE_URL: url, SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: path.join(await scratch('sync-replicas'), 'data') };
    const imports = await PgImportStore.open(url);
    const leases = [new PgNoticeStore(url), new PgNoticeStore(url)];
    await Promise.all(leases.map((l) => l.init()));
    const runs: string[] = [];
    const events: string[] = [];
    // A sync (what the child process does): slow enough for the other replica to fire meanwhile.
    const fakeSync = (replica: string) => async (): Promise<SyncRunResult> => {
      runs.push(replica);
      await new Promise((r) => setTimeout(r, 200));
      await imports.applySync({ source: 'jgrants', programs: [], now: clock.now() });
      events.push(`${replica} synced`);
      return { code: 0, report: { sources: [{ source: 'jgrants', ok: true, new: [], changed: [], closed: [], errors: [] }] }, stderr: '' };
    };
    const replicas = ['A', 'B'].map((name, i) => startSourceSync({ clock, log: silent, onChanged: async () => undefined, env, run: fakeSync(name), lease: leases[i]! })!);
    try {
      // Both catch up at start (never synced); each start is done (its digest may go) only after the sync.
      await Promise.all(replicas.map((r, i) => r.started.then(() => events.push(`${'AB'[i]} started`))));
      expect(runs).toHaveLength(1);
      expect(events.indexOf(`${runs[0]} synced`)).toBe(0);

      // The daily timers fire a minute later: the slot has a fresh sync, nobody syncs again.
      clock.advance(60_000);
      await Promise.all(replicas.map((r) => r.scheduler.runNow()));
      expect(runs).toHaveLength(1);

      // The next day: one sync again.
      clock.advance(86_400_000);
      await Promise.all(replicas.map((r) => r.scheduler.runNow()));
      expect(runs).toHaveLength(2);
      expect((await imports.lastSuccessfulSync('jgrants'))?.at).toEqual(clock.now());
    } finally {
      for (const r of replicas) r.scheduler.stop();
      await Promise.all([...leases.map((l) => l.close()), imports.close()]);
    }
  });
});
