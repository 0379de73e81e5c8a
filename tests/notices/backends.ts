/**
 * The notice store's two implementations, for tests that must hold for both (issue 14):
 * `forEachBackend((b) => { it(…) })` runs the same tests on SQLite and on PostgreSQL.
 *
 * PostgreSQL comes from SHIEN_TEST_DATABASE_URL (.ci/run starts a throw-away server and sets
 * it; never DATABASE_URL, so nothing else under test switches to PostgreSQL by accident).
 * Each place is a fresh database, dropped after the file. Unset outside CI: the PostgreSQL
 * half is skipped with a message saying so; unset in CI (CI=true): it fails.
 */
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, it } from 'vitest';
import { PgNoticeStore } from '../../src/notices/pg-store.js';
import { SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import type { NoticeStore } from '../../src/notices/store.js';
import { scratch } from './support.js';

export const PG_TEST_URL = process.env.SHIEN_TEST_DATABASE_URL?.trim() || undefined;
const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Where stores meet: a data directory (SQLite) or a database URL (PostgreSQL). */
export interface Place {
  dataDir: string;
  databaseUrl?: string;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A new, empty place (and a data directory in both cases, for what still lives in files). */
  place(): Promise<Place>;
  /** A store on `place`, initialised; closed after the test. Two stores on one place are two processes. */
  open(place: Place): Promise<NoticeStore>;
}

const opened: NoticeStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
});

export const sqliteBackend: Backend = {
  name: 'sqlite',
  place: async () => ({ dataDir: path.join(await scratch('notices-data'), 'data') }),
  async open(place) {
    const store = SqliteNoticeStore.open(place.dataDir);
    opened.push(store);
    return store;
  },
};

let databases = 0;
const created: string[] = [];
afterAll(async () => {
  if (!created.length || !PG_TEST_URL) return;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
});

/** A new empty database on the test server; its URL. */
export async function freshDatabase(): Promise<string> {
  if (!PG_TEST_URL) throw new Error('SHIEN_TEST_DATABASE_URL is not set');
  const name = `shien_t${process.pid}_${++databases}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  created.push(name);
  const url = new URL(PG_TEST_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export const postgresBackend: Backend = {
  name: 'postgres',
  place: async () => ({ dataDir: path.join(await scratch('notices-data'), 'data'), databaseUrl: await freshDatabase() }),
  async open(place) {
    if (!place.databaseUrl) throw new Error('a PostgreSQL place has a databaseUrl');
    const store = new PgNoticeStore(place.databaseUrl);
    opened.push(store);
    await store.init();
    return store;
  },
};

let warned = false;

/**
 * `describe` for tests that need PostgreSQL: runs them when SHIEN_TEST_DATABASE_URL is set;
 * otherwise skips them with a visible message, except in CI, where the missing server fails.
 */
export function describePostgres(name: string, body: () => void): void {
  if (PG_TEST_URL) {
    describe(name, body);
    return;
  }
  if (IN_CI) {
    describe(name, () => {
      it('needs PostgreSQL (SHIEN_TEST_DATABASE_URL)', () => {
        throw new Error('CI=true but SHIEN_TEST_DATABASE_URL is unset: .ci/run starts a PostgreSQL server for these tests');
      });
    });
    return;
  }
  if (!warned) {
    warned = true;
    process.stderr.write('\n[postgres] SHIEN_TEST_DATABASE_URL is unset: the PostgreSQL store tests are SKIPPED (run .ci/run, or start a server and set it)\n');
  }
  describe.skip(`${name} (skipped: SHIEN_TEST_DATABASE_URL unset)`, body);
}

/** Defines the tests `body` registers once per implementation: under `sqlite` and under `postgres`. */
export function forEachBackend(body: (backend: Backend) => void): void {
  describe('sqlite', () => body(sqliteBackend));
  describePostgres('postgres', () => body(postgresBackend));
}
