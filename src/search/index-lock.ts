import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One rebuild of an index file at a time. Processes started together after the seeds were edited
 * (three searches and a console, in the walk-through) each analysed the catalog, 12–14 s and about
 * 485 MB apiece, and each wrote the file. Now the first takes `<index file>.lock` (a directory:
 * making one is atomic) and the others wait for it to go, then load what it wrote.
 *
 * A lock whose process is gone (on this host) or that is older than `staleMs` is taken over; a
 * wait longer than `maxWaitMs` gives up and goes on without the lock (as before it existed), and
 * so does a directory where no lock can be made (read-only: the index cannot be written there
 * either).
 */
export interface IndexLock {
  /** Whether another process held the lock first: its index may now be there to load. */
  waited: boolean;
  release(): Promise<void>;
}

export interface IndexLockOptions {
  /** Called once, when the lock is found held by another process. */
  onWait?: () => void;
  /** A lock older than this is taken over (default 10 minutes: a build of 100,000 programs takes about 3). */
  staleMs?: number;
  /** Waiting longer than this goes on without the lock (default 15 minutes). */
  maxWaitMs?: number;
  /** How often the lock is looked at while waiting (default 200 ms). */
  pollMs?: number;
}

export async function takeIndexLock(indexFile: string, options: IndexLockOptions = {}): Promise<IndexLock> {
  const dir = `${indexFile}.lock`;
  const { staleMs = 10 * 60_000, maxWaitMs = 15 * 60_000, pollMs = 200 } = options;
  const started = Date.now();
  let waited = false;
  for (;;) {
    try {
      await mkdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return { waited, release: async () => {} };
      if (await abandoned(dir, staleMs)) {
        // Moved aside before it is removed: two waiters that both judged it abandoned would
        // otherwise remove it twice, the second time the lock the first had just taken.
        const aside = `${dir}.abandoned-${process.pid}-${randomBytes(4).toString('hex')}`;
        if (await rename(dir, aside).then(() => true, () => false)) await rm(aside, { recursive: true, force: true });
        continue;
      }
      if (Date.now() - started > maxWaitMs) return { waited, release: async () => {} };
      if (!waited) options.onWait?.();
      waited = true;
      await sleep(pollMs);
      continue;
    }
    const token = randomBytes(8).toString('hex');
    await writeFile(path.join(dir, OWNER), JSON.stringify({ pid: process.pid, host: hostname(), token }));
    held.add(dir);
    return {
      waited,
      release: async () => {
        held.delete(dir);
        // Only its own: a lock taken over meanwhile (this one judged stale) is another's now.
        const owner = await readOwner(dir);
        if (owner?.token === token) await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/** The locks this process holds: a lock naming this process's pid and not among them was left by an earlier process with the same pid (a container restarted). */
const held = new Set<string>();

/** The file in the lock directory naming the process that holds it. */
const OWNER = 'owner';

/** Whether the lock at `dir` was left by a process that is gone (this host), or is older than `staleMs`. */
async function abandoned(dir: string, staleMs: number): Promise<boolean> {
  let made: number;
  try {
    made = (await stat(dir)).mtimeMs;
  } catch {
    return false; // released meanwhile: the next mkdir takes it
  }
  if (Date.now() - made > staleMs) return true;
  const owner = await readOwner(dir);
  if (!owner) return false; // being written, or left by a crash before it was: the age decides
  if (owner.host !== hostname() || typeof owner.pid !== 'number') return false;
  // This process's own pid on a lock it does not hold: an earlier process's, restarted with the same pid.
  return owner.pid === process.pid ? !held.has(dir) : !alive(owner.pid);
}

async function readOwner(dir: string): Promise<{ pid?: unknown; host?: unknown; token?: unknown } | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, OWNER), 'utf8')) as { pid?: unknown; host?: unknown; token?: unknown };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
