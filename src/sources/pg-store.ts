import type pg from 'pg';
import { createPool, describePostgresUrl, migrate, transaction, type Queryable } from '../db/postgres.js';
import type { ImportedProgram, SourceName } from './program.js';
import { contentHash, sameContent } from './sqlite-store.js';
import type { ApplySyncInput, DeadlineAlerts, ImportStore, StoredProgram, SyncChanges, SyncRecord } from './store.js';

/**
 * Imported programs in PostgreSQL (DATABASE_URL), shared by every replica (issue 14): the same
 * behaviour as SqliteImportStore, method for method (tests/sources/import-store.test.ts runs
 * the same tests on both). A sync of one source is applied under a transaction-scoped advisory
 * lock for that source, so two replicas applying a sync at once apply them one after the other
 * (the second finds the first's rows: no program new twice, the baseline recorded once).
 */

export const COMPONENT = 'imported';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE imported_programs (
    id               TEXT PRIMARY KEY,
    source           TEXT NOT NULL,
    data             JSONB NOT NULL,
    content_hash     TEXT NOT NULL,
    list_fingerprint TEXT NOT NULL,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_changed     TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    closed_at        TIMESTAMPTZ,
    baseline         BOOLEAN NOT NULL,
    seq              INTEGER NOT NULL
  );
  CREATE INDEX imported_programs_by_source ON imported_programs (source, seq);
  CREATE TABLE imported_syncs (
    id      SERIAL PRIMARY KEY,
    source  TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    ok      BOOLEAN NOT NULL,
    new     INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    closed  INTEGER NOT NULL,
    errors  JSONB NOT NULL
  );
  CREATE INDEX imported_syncs_by_source ON imported_syncs (source, id);
  CREATE TABLE deadline_channels (
    channel TEXT PRIMARY KEY,
    active  BOOLEAN NOT NULL,
    by_user TEXT,
    since   TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE deadline_reminded (
    channel    TEXT NOT NULL,
    program_id TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel, program_id)
  );
  `,
];

interface ProgramRow {
  id: string;
  source: string;
  data: ImportedProgram;
  content_hash: string;
  list_fingerprint: string;
  first_seen: Date;
  last_changed: Date;
  last_seen: Date;
  closed_at: Date | null;
  baseline: boolean;
}

interface SyncRow {
  source: SourceName;
  at: Date;
  ok: boolean;
  new: number;
  changed: number;
  closed: number;
  errors: string[];
}

function toStored(r: ProgramRow): StoredProgram {
  const program = r.data;
  // As SQLite's store does: closedAt is the ISO text of the closing (the column is the truth).
  delete program.imported.closedAt;
  if (r.closed_at) program.imported.closedAt = r.closed_at.toISOString();
  return {
    program,
    firstSeen: r.first_seen,
    lastChanged: r.last_changed,
    lastSeen: r.last_seen,
    ...(r.closed_at ? { closedAt: r.closed_at } : {}),
    baseline: r.baseline,
    listFingerprint: r.list_fingerprint,
  };
}

function toSync(r: SyncRow): SyncRecord {
  return { source: r.source, at: r.at, ok: r.ok, new: r.new, changed: r.changed, closed: r.closed, errors: r.errors };
}

export class PgImportStore implements ImportStore {
  readonly location: string;
  private readonly pool: pg.Pool;

  private constructor(url: string) {
    this.location = describePostgresUrl(url);
    this.pool = createPool(url, 3);
  }

  /** Connects and migrates; rejects when the database cannot be used. */
  static async open(url: string): Promise<PgImportStore> {
    const store = new PgImportStore(url);
    try {
      await migrate(store.pool, COMPONENT, MIGRATIONS, store.location);
      return store;
    } catch (error) {
      await store.close();
      // Said of the database, by host and name (never the password): the driver's own words alone
      // (password authentication failed…) did not say which setting to look at.
      throw new Error(`取り込んだ事業のデータベース (DATABASE_URL: ${store.location}) を開けませんでした: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  applySync(input: ApplySyncInput): Promise<SyncChanges> {
    return transaction(this.pool, async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`shien:imported:${input.source}`]);
      const baseline = !(await this.lastSuccessfulSyncOn(db, input.source));
      const rows = (await db.query<ProgramRow>('SELECT * FROM imported_programs WHERE source = $1', [input.source])).rows;
      const existing = new Map(rows.map((r) => [r.id, r]));
      const handled = new Set<string>();
      const changes: SyncChanges = { new: [], changed: [], closed: [], baseline };
      let seq = (await db.query<{ seq: number }>('SELECT COALESCE(MAX(seq), 0)::int AS seq FROM imported_programs')).rows[0]!.seq;
      const at = input.now;
      for (const { program, listFingerprint } of input.programs) {
        if (handled.has(program.id)) continue; // listed twice (two keywords): the first one counts
        handled.add(program.id);
        const hash = contentHash(program);
        const data = JSON.stringify({ ...program, imported: { ...program.imported, closedAt: undefined } });
        const row = existing.get(program.id);
        if (!row) {
          changes.new.push(program.id);
          if (!input.dryRun) {
            await db.query(
              `INSERT INTO imported_programs (id, source, data, content_hash, list_fingerprint, first_seen, last_changed, last_seen, closed_at, baseline, seq)
               VALUES ($1, $2, $3, $4, $5, $6, $6, $6, NULL, $7, $8)`,
              [program.id, input.source, data, hash, listFingerprint, at, baseline, ++seq],
            );
          }
        } else if (!sameContent(row.content_hash, program) || row.closed_at !== null) {
          changes.changed.push(program.id);
          if (!input.dryRun) {
            await db.query('UPDATE imported_programs SET data = $1, content_hash = $2, list_fingerprint = $3, last_changed = $4, last_seen = $4, closed_at = NULL WHERE id = $5', [
              data,
              hash,
              listFingerprint,
              at,
              program.id,
            ]);
          }
        } else if (!input.dryRun) {
          await db.query('UPDATE imported_programs SET last_seen = $1, list_fingerprint = $2 WHERE id = $3', [at, listFingerprint, program.id]);
        }
      }
      const listed = new Set([...handled, ...(input.alsoListed ?? [])]);
      for (const row of rows) {
        if (listed.has(row.id) || row.closed_at !== null) continue;
        changes.closed.push(row.id);
        if (!input.dryRun) await db.query('UPDATE imported_programs SET closed_at = $1 WHERE id = $2', [at, row.id]);
      }
      if (!input.dryRun) {
        await db.query('INSERT INTO imported_syncs (source, at, ok, new, changed, closed, errors) VALUES ($1, $2, true, $3, $4, $5, $6)', [
          input.source,
          at,
          changes.new.length,
          changes.changed.length,
          changes.closed.length,
          JSON.stringify(input.errors ?? []),
        ]);
      }
      return changes;
    });
  }

  async recordFailure(source: SourceName, errors: readonly string[], now: Date): Promise<void> {
    await this.pool.query('INSERT INTO imported_syncs (source, at, ok, new, changed, closed, errors) VALUES ($1, $2, false, 0, 0, 0, $3)', [source, now, JSON.stringify(errors)]);
  }

  async programs(source?: SourceName): Promise<StoredProgram[]> {
    const rows = source
      ? await this.pool.query<ProgramRow>('SELECT * FROM imported_programs WHERE source = $1 ORDER BY seq', [source])
      : await this.pool.query<ProgramRow>('SELECT * FROM imported_programs ORDER BY seq');
    return rows.rows.map(toStored);
  }

  async lastSync(source: SourceName): Promise<SyncRecord | undefined> {
    const row = (await this.pool.query<SyncRow>('SELECT * FROM imported_syncs WHERE source = $1 ORDER BY id DESC LIMIT 1', [source])).rows[0];
    return row && toSync(row);
  }

  lastSuccessfulSync(source: SourceName): Promise<SyncRecord | undefined> {
    return this.lastSuccessfulSyncOn(this.pool, source);
  }

  private async lastSuccessfulSyncOn(db: Queryable, source: SourceName): Promise<SyncRecord | undefined> {
    const row = (await db.query<SyncRow>('SELECT * FROM imported_syncs WHERE source = $1 AND ok ORDER BY id DESC LIMIT 1', [source])).rows[0];
    return row && toSync(row);
  }

  async setDeadlineAlerts(channel: string, active: boolean, opts: { by?: string; now: Date }): Promise<boolean> {
    // One statement: a missing row is inserted (when turning on), an existing one changed only when it differs.
    const changed = await this.pool.query(
      `INSERT INTO deadline_channels (channel, active, by_user, since) SELECT $1::text, $2::boolean, $3::text, $4::timestamptz WHERE $2::boolean
       ON CONFLICT (channel) DO UPDATE SET active = excluded.active, by_user = excluded.by_user, since = excluded.since
       WHERE deadline_channels.active <> excluded.active`,
      [channel, active, opts.by ?? null, opts.now],
    );
    if (changed.rowCount === 1) return true;
    if (active) return false;
    const off = await this.pool.query('UPDATE deadline_channels SET active = false, by_user = $2, since = $3 WHERE channel = $1 AND active', [channel, opts.by ?? null, opts.now]);
    return off.rowCount === 1;
  }

  async deadlineAlerts(channel: string): Promise<DeadlineAlerts | undefined> {
    const row = (await this.pool.query<{ active: boolean; by_user: string | null; since: Date }>('SELECT * FROM deadline_channels WHERE channel = $1', [channel])).rows[0];
    return row && { active: row.active, since: row.since, ...(row.by_user ? { by: row.by_user } : {}) };
  }

  async deadlineChannels(): Promise<string[]> {
    return (await this.pool.query<{ channel: string }>('SELECT channel FROM deadline_channels WHERE active ORDER BY channel COLLATE "C"')).rows.map((r) => r.channel);
  }

  async unreminded(channel: string, programIds: readonly string[]): Promise<string[]> {
    const told = new Set(
      (await this.pool.query<{ program_id: string }>('SELECT program_id FROM deadline_reminded WHERE channel = $1 AND program_id = ANY($2::text[])', [channel, [...programIds]])).rows.map(
        (r) => r.program_id,
      ),
    );
    return programIds.filter((id) => !told.has(id));
  }

  async markReminded(channel: string, programIds: readonly string[], now: Date): Promise<void> {
    await this.pool.query(
      'INSERT INTO deadline_reminded (channel, program_id, at) SELECT $1, id, $3 FROM unnest($2::text[]) AS id ON CONFLICT (channel, program_id) DO NOTHING',
      [channel, [...programIds], now],
    );
  }
}
