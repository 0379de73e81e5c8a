/**
 * Two ends of a start that the operator sees only as a process: a SIGTERM while the bot is still
 * starting (a deploy stopped during a long index build), and a PORT already taken when the notices
 * live in PostgreSQL (DATABASE_URL), where the start has opened a LISTEN client before the port
 * fails. Both must end the process, saying why on stderr, without a stack trace.
 * The bot runs as a child (support/bot-process.ts), against the fake Slack.
 */
import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import type { Program } from '../../src/catalog/schema.js';
import { describePostgres, freshDatabase } from '../notices/backends.js';
import { ROOT } from '../search/support.js';
import { BOT_TOKEN, type Child, cleanEnv, cwd, exitOf, logWith, SIGNING_SECRET, sleep, start, START_TIMEOUT, TEST_TIMEOUT, unexpectedStderr } from './support/bot-process.js';
import { startFakeSlack } from './support/fake-slack.js';

/**
 * What main.ts gives a start a signal interrupted before the process ends anyway (its timer;
 * main.ts is the entry point, so it exports nothing to import).
 */
const START_SIGNAL_GRACE_MS = 8_000;
/**
 * Allowed beyond the grace: the signal is handled between two batches of the analysis (about a
 * second each), then the timer too, on a machine busy with other tests. A bound, not a timing.
 */
const EXIT_ALLOWANCE_MS = 10_000;
/**
 * A catalog whose analysis takes far longer than grace + allowance (3,000 of these programs took
 * 36 s to index on the 2-core dev machine), so a start held to its end cannot pass for a bounded one.
 */
const SLOW_CATALOG_PROGRAMS = 4_000;

/** The bench's synthetic catalog (scripts/bench-synthetic.mjs, plain JavaScript) of `size` programs, as YAML in a new directory. */
async function syntheticCatalogDir(size: number): Promise<string> {
  const generator = pathToFileURL(path.join(ROOT, 'scripts', 'bench-synthetic.mjs')).href;
  const { syntheticCatalog } = (await import(generator)) as { syntheticCatalog: (real: Program[], size: number) => Program[] };
  const programs = syntheticCatalog((await loadCatalog(path.join(ROOT, 'seeds', 'catalog'))).programs, size);
  const dir = path.join(cwd, `catalog-${size}`);
  await mkdir(dir, { recursive: true });
  // In slices, as the bench writes it: consecutive slices of one top-level list are that list.
  const file = await open(path.join(dir, 'programs.yaml'), 'w');
  try {
    for (let at = 0; at < programs.length; at += 1000) await file.write(stringify(programs.slice(at, at + 1000), { lineWidth: 0 }));
  } finally {
    await file.close();
  }
  return dir;
}

/** Resolves once `ready()` holds; fails naming `what` and the child's output after timeoutMs. */
async function until(child: Child, ready: () => boolean, what: string, timeoutMs = START_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`the child exited before ${what}; stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`);
    await sleep(100);
  }
}

const STOPPING = '支援ナビ: SIGTERM を受けました。起動が終わりしだい止めます。';

describe('SIGTERM while the bot is still starting (its index being built)', () => {
  it('says on stderr that it is stopping, and ends within the grace period without a stack trace, never listening', async () => {
    const catalogDir = await syntheticCatalogDir(SLOW_CATALOG_PROGRAMS);
    const fake = await startFakeSlack();
    try {
      const dataDir = path.join(cwd, 'data-sigterm-starting');
      const child = start(
        cleanEnv({
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          PORT: '0',
          SLACK_API_URL: fake.apiUrl,
          SHIEN_DATA_DIR: dataDir,
          SHIEN_CATALOG_DIR: catalogDir,
          // No index for this catalog: the start analyses all of it with kuromoji.
          SHIEN_INDEX_FILE: path.join(cwd, 'index-sigterm-starting.json'),
        }),
      );
      // main.ts makes the data directory and, in the same turn of its event loop, listens for
      // the signals: a SIGTERM before that would be Node's default (killed, said nothing).
      await until(child, () => existsSync(dataDir), 'data directory (the signal handlers are set with it)');
      await sleep(1_000); // well inside the start: kuromoji's dictionary alone takes longer
      expect(child.lines().filter((l) => logWith({ msg: 'listening' })(l) !== undefined)).toEqual([]);

      child.proc.kill('SIGTERM');
      // Said when the signal comes, while the start goes on, not only at the end.
      await until(child, () => child.stderr().includes(STOPPING), 'line saying it is stopping', START_SIGNAL_GRACE_MS);
      const exit = await exitOf(child, START_SIGNAL_GRACE_MS + EXIT_ALLOWANCE_MS);

      // It ended itself (the grace ran out: exit 1), was not killed by the signal, and never served.
      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(unexpectedStderr(child.stderr())).toEqual([STOPPING]);
      expect(child.lines().filter((l) => logWith({ msg: 'listening' })(l) !== undefined)).toEqual([]);
      expect(child.lines().filter((l) => l.includes('"stack"'))).toEqual([]);
    } finally {
      await fake.close();
    }
  }, TEST_TIMEOUT);
});

describePostgres('a PORT another process holds, with DATABASE_URL (PostgreSQL)', () => {
  it('one line naming the port, no stack, exit 1: what the start opened in PostgreSQL does not hold the process', async () => {
    const fake = await startFakeSlack();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, resolve));
    try {
      const port = (holder.address() as AddressInfo).port;
      const databaseUrl = await freshDatabase();
      const child = start(
        cleanEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: String(port), SLACK_API_URL: fake.apiUrl, SHIEN_DATA_DIR: path.join(cwd, 'data-port-taken-pg'), DATABASE_URL: databaseUrl }),
        { stdin: '' },
      );
      // As generous as the SQLite case's: a start without a current index builds one first.
      const exit = await exitOf(child, START_TIMEOUT);
      expect(exit).toMatchObject({ code: 1, signal: null });
      expect(unexpectedStderr(child.stderr())).toEqual([`設定エラー: PORT ${port} は他のプロセスが使っています (別の支援ナビが動いていないか確かめるか、PORT を変えてください)`]);
      expect(child.lines().filter((l) => l.includes('"stack"'))).toEqual([]);

      // The start had reached PostgreSQL before the port failed: the notices' tables are there.
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
        expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      } finally {
        await db.end();
      }
    } finally {
      holder.close();
      await fake.close();
    }
  }, TEST_TIMEOUT);
});
