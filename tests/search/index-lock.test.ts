/**
 * One rebuild of an index file at a time (index-lock.ts): a second process waits for the first's
 * lock and is told it waited; a lock left by a process that is gone, or too old, is taken over.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeIndexLock } from '../../src/search/index-lock.js';

const fresh = async () => path.join(await mkdtemp(path.join(tmpdir(), 'shien-lock-')), 'index.json');

/** A lock left at `file`'s place by another process (its owner file as takeIndexLock writes it). */
async function leftLock(file: string, owner: Record<string, unknown>): Promise<void> {
  await mkdir(`${file}.lock`);
  await writeFile(path.join(`${file}.lock`, 'owner'), JSON.stringify({ host: hostname(), ...owner }));
}

describe('takeIndexLock', () => {
  it('a second taker waits for the first to release, is told once, and learns that it waited', async () => {
    const file = await fresh();
    const first = await takeIndexLock(file);
    expect(first.waited).toBe(false);
    let told = 0;
    let taken = false;
    const second = takeIndexLock(file, { pollMs: 5, onWait: () => told++ }).then((lock) => ((taken = true), lock));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(taken).toBe(false);
    await first.release();
    const lock = await second;
    expect(lock.waited).toBe(true);
    expect(told).toBe(1);
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('takes over a lock left by a process that is gone, without waiting', async () => {
    const file = await fresh();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await leftLock(file, { pid: gone });
    const lock = await takeIndexLock(file, { pollMs: 5, onWait: () => expect.unreachable('waited for a dead process') });
    expect(lock.waited).toBe(false);
    await lock.release();
  });

  it('takes over a lock older than staleMs (a crash before its owner was written), and waits for a young one', async () => {
    const file = await fresh();
    await mkdir(`${file}.lock`);
    let told = 0;
    // Young and ownerless: waited for, up to maxWaitMs, then gone on without.
    const young = await takeIndexLock(file, { pollMs: 5, maxWaitMs: 30, onWait: () => told++ });
    expect(young.waited).toBe(true);
    expect(told).toBe(1);
    const old = new Date(Date.now() - 60 * 60_000);
    await utimes(`${file}.lock`, old, old);
    const lock = await takeIndexLock(file, { pollMs: 5, onWait: () => expect.unreachable('waited for a stale lock') });
    expect(lock.waited).toBe(false);
    await lock.release();
  });

  it("takes over a lock naming this process's pid that this process does not hold (a container restarted with the same pid)", async () => {
    const file = await fresh();
    await leftLock(file, { pid: process.pid, token: 'earlier' });
    const lock = await takeIndexLock(file, { pollMs: 5, maxWaitMs: 100, onWait: () => expect.unreachable('waited for itself') });
    expect(lock.waited).toBe(false);
    // One it does hold is waited for, within the same process too.
    let told = 0;
    const again = await takeIndexLock(file, { pollMs: 5, maxWaitMs: 30, onWait: () => told++ });
    expect(again.waited).toBe(true);
    expect(told).toBe(1);
    await lock.release();
  });

  it('release leaves a lock that another process took over meanwhile', async () => {
    const file = await fresh();
    const lock = await takeIndexLock(file);
    await writeFile(path.join(`${file}.lock`, 'owner'), JSON.stringify({ pid: process.pid + 1, host: hostname(), token: 'theirs' }));
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual(['index.json.lock']);
  });

  it('where no lock can be made (no such directory), goes on without one', async () => {
    const file = path.join(await fresh(), 'missing', 'index.json');
    const lock = await takeIndexLock(file, { onWait: () => expect.unreachable('waited') });
    expect(lock.waited).toBe(false);
    await lock.release();
  });
});
