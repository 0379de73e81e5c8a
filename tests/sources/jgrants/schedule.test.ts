/**
 * The bot's daily sync: off without SHIEN_SOURCES; with it, caught up at start when the last
 * successful sync is older than a day (or never ran), search reloaded after a sync that
 * changed something, and each sync a child process (`shien sync --json`) against the fake.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSourceSync } from '../../../src/sources/bot-sync.js';
import type { SyncRunResult } from '../../../src/sources/schedule.js';
import { runSyncChild } from '../../../src/sources/schedule.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import { manualClock, scratch } from '../../notices/support.js';
import { FakeJgrants } from './support/fake-jgrants.js';

const clock = manualClock('2026-11-27T00:00:00Z');
const quiet = () => {
  const lines: Array<{ obj: object; msg?: string }> = [];
  const log = (obj: object, msg?: string) => void lines.push({ obj, ...(msg ? { msg } : {}) });
  return { lines, log: { info: log, warn: log, error: log } };
};
const changedReport: SyncRunResult = { code: 0, stderr: '', report: { sources: [{ source: 'jgrants', ok: true, new: ['jg-x'], changed: [], closed: [], errors: [] }] } };

let stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('the bot starting the sources', () => {
  it('does nothing without SHIEN_SOURCES (no timer, no child, no network)', async () => {
    let runs = 0;
    const started = startSourceSync({ clock, log: quiet().log, onChanged: async () => undefined, env: {}, run: async () => (runs++, changedReport) });
    expect(started).toBeUndefined();
    expect(runs).toBe(0);
  });

  it('a bad setting is logged by name and the bot keeps serving', () => {
    const { lines, log } = quiet();
    expect(startSourceSync({ clock, log, onChanged: async () => undefined, env: { SHIEN_SOURCES: 'jgrants', SHIEN_SYNC_AT: '8時半' } })).toBeUndefined();
    expect(JSON.stringify(lines)).toContain('SHIEN_SYNC_AT');
  });

  it('never synced: syncs at start and reloads search when something changed', async () => {
    const dataDir = path.join(await scratch('sync-schedule'), 'data');
    let runs = 0;
    let reloads = 0;
    const started = startSourceSync({ clock, log: quiet().log, onChanged: async () => void reloads++, env: { SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: dataDir }, run: async () => (runs++, changedReport) });
    stops.push(() => started?.scheduler.stop());
    await started!.started;
    expect(runs).toBe(1);
    expect(reloads).toBe(1);
  });

  it('a failed sync is tried again later, a few times, not only the next day; a success ends the retries', async () => {
    const dataDir = path.join(await scratch('sync-schedule'), 'data');
    const failed: SyncRunResult = { code: 1, stderr: '', report: { sources: [{ source: 'jgrants', ok: false, new: [], changed: [], closed: [], errors: ['HTTP 500'] }] } };
    const results = [failed, failed, changedReport, failed, failed, failed, failed, failed];
    let runs = 0;
    const { lines, log } = quiet();
    const started = startSourceSync({ clock, log, onChanged: async () => undefined, env: { SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: dataDir }, retryMs: 20, run: async () => results[runs++]! });
    stops.push(() => started?.scheduler.stop());
    await started!.started;
    const until = async (count: number) => {
      for (let waited = 0; runs < count && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      // Then a while longer: no run beyond it.
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    // At start, then two retries until the success: no more.
    await until(3);
    expect(runs).toBe(3);
    expect(lines.filter((l) => l.msg === 'sync failed: trying again later')).toHaveLength(2);
    // A failure later (the next day's) is retried 3 times, then waits for the next day.
    await started!.scheduler.runNow();
    await until(7);
    expect(runs).toBe(7);
  });

  it('synced within the day: no sync at start', async () => {
    const dataDir = path.join(await scratch('sync-schedule'), 'data');
    const store = SqliteImportStore.open(dataDir);
    store.applySync({ source: 'jgrants', programs: [], now: new Date(clock.now().getTime() - 3_600_000) });
    store.close();
    let runs = 0;
    const started = startSourceSync({ clock, log: quiet().log, onChanged: async () => undefined, env: { SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: dataDir }, run: async () => (runs++, changedReport) });
    stops.push(() => started?.scheduler.stop());
    await started!.started;
    expect(runs).toBe(0);
    clock.advance(2 * 86_400_000); // two days later a restart catches up
    const again = startSourceSync({ clock, log: quiet().log, onChanged: async () => undefined, env: { SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: dataDir }, run: async () => (runs++, changedReport) });
    stops.push(() => again?.scheduler.stop());
    await again!.started;
    expect(runs).toBe(1);
  });

  it('each sync is a child process running shien sync --json against JGRANTS_API_URL', async () => {
    const fake = await FakeJgrants.start();
    try {
      const dir = await scratch('sync-child');
      const env = { ...process.env, SHIEN_SOURCES: 'jgrants', JGRANTS_API_URL: fake.url, SHIEN_DATA_DIR: path.join(dir, 'data'), SHIEN_INDEX_FILE: path.join(dir, 'index.json'), SHIEN_JGRANTS_AREAS: '鹿児島県', SHIEN_JGRANTS_KEYWORDS: '補助金' };
      const result = await runSyncChild({ env });
      expect(result.code).toBe(0);
      expect(result.report?.sources[0]).toMatchObject({ source: 'jgrants', ok: true });
      expect(result.report?.sources[0]!.new).toHaveLength(9);
      expect(fake.requests.length).toBeGreaterThan(0);
    } finally {
      await fake.stop();
    }
  }, 60_000);
});
