import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ImportedProgram, SourceName } from './program.js';
import type { ApplySyncInput, DeadlineAlerts, ImportStore, StoredProgram, SyncChanges, SyncRecord } from './store.js';

/**
 * Imported programs in SQLite, in the data directory's database (`shien.db`, the file the
 * notices use). Its tables are its own (`imported_*`) with their own schema version, so the
 * notice store's migrations and these never step on each other.
 */

export const DB_FILE = 'shien.db';

const SCHEMA: readonly string[] = [
  `
  CREATE TABLE imported_programs (
    id               TEXT PRIMARY KEY,
    source           TEXT NOT NULL,
    data             TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    list_fingerprint TEXT NOT NULL,
    first_seen       TEXT NOT NULL,
    last_changed     TEXT NOT NULL,
    last_seen        TEXT NOT NULL,
    closed_at        TEXT,
    baseline         INTEGER NOT NULL CHECK (baseline IN (0, 1)),
    seq              INTEGER NOT NULL
  );
  CREATE INDEX imported_programs_by_source ON imported_programs (source, seq);
  CREATE TABLE imported_syncs (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    source  TEXT NOT NULL,
    at      TEXT NOT NULL,
    ok      INTEGER NOT NULL CHECK (ok IN (0, 1)),
    new     INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    closed  INTEGER NOT NULL,
    errors  TEXT NOT NULL
  );
  CREATE INDEX imported_syncs_by_source ON imported_syncs (source, id);
  `,
  // 2: /支援 通知 締切 — channels reminded of imported programs closing within 7 days, and what each was told.
  `
  CREATE TABLE deadline_channels (
    channel TEXT PRIMARY KEY,
    active  INTEGER NOT NULL CHECK (active IN (0, 1)),
    by_user TEXT,
    since   TEXT NOT NULL
  );
  CREATE TABLE deadline_reminded (
    channel    TEXT NOT NULL,
    program_id TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (channel, program_id)
  ) WITHOUT ROWID;
  `,
];

interface ProgramRow {
  id: string;
  source: string;
  data: string;
  content_hash: string;
  list_fingerprint: string;
  first_seen: string;
  last_changed: string;
  last_seen: string;
  closed_at: string | null;
  baseline: number;
}

interface SyncRow {
  source: SourceName;
  at: string;
  ok: number;
  new: number;
  changed: number;
  closed: number;
  errors: string;
}

/** The hash of what a program says (not when it was seen or closed). */
/**
 * A program's content hash: its JSON with every object's keys sorted. PostgreSQL's jsonb gives
 * the keys back in its own order, so a program read back hashed otherwise and every new program
 * was reported changed on the next sync (0 → 10 → 0, the operator walk-through).
 */
export function contentHash(program: ImportedProgram): string {
  return hashOf(sortedKeys(withoutClosedAt(program)));
}

/** Whether `stored` (a row's content_hash) is `program`'s, by today's hash or by the one rows were stored with before it (keys as written). */
export function sameContent(stored: string, program: ImportedProgram): boolean {
  return stored === contentHash(program) || stored === hashOf(withoutClosedAt(program));
}

/** What a program's hash is taken of: all but when it closed (a relisted program is the same content). */
function withoutClosedAt(program: ImportedProgram): object {
  const { closedAt: _closed, ...imported } = program.imported;
  return { ...program, imported };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 24);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

function toStored(r: ProgramRow): StoredProgram {
  const program = JSON.parse(r.data) as ImportedProgram;
  if (r.closed_at) program.imported.closedAt = r.closed_at;
  return {
    program,
    firstSeen: new Date(r.first_seen),
    lastChanged: new Date(r.last_changed),
    lastSeen: new Date(r.last_seen),
    ...(r.closed_at ? { closedAt: new Date(r.closed_at) } : {}),
    baseline: r.baseline === 1,
    listFingerprint: r.list_fingerprint,
  };
}

function toSync(r: SyncRow): SyncRecord {
  return { source: r.source, at: new Date(r.at), ok: r.ok === 1, new: r.new, changed: r.changed, closed: r.closed, errors: JSON.parse(r.errors) as string[] };
}

export class SqliteImportStore implements ImportStore {
  private readonly db: Database.Database;
  /** Read-only on a database no sync has written yet (the notices' alone): nothing is imported. */
  private unsynced = false;
  /** A temporary copy read in place of the data directory's file (openIfExists), removed on close. */
  private removeOnClose: string | undefined;

  /** Opens (creating when needed) `<dataDir>/shien.db`. */
  static open(dataDir: string): SqliteImportStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteImportStore(path.join(dataDir, DB_FILE));
  }

  /**
   * The store for reading when the data directory has a database, else undefined: nothing is
   * created, migrated or written. Search as another user than the bot's (a data directory it
   * cannot write) failed with "attempt to write a readonly database" (the WAL pragma and the
   * migration wrote). A database a newer shien wrote is refused as in open().
   */
  static openIfExists(dataDir: string): SqliteImportStore | undefined {
    const file = path.join(dataDir, DB_FILE);
    if (!existsSync(file)) return undefined;
    try {
      return new SqliteImportStore(file, { readOnly: true });
    } catch (error) {
      // A database in WAL mode, closed cleanly, in a directory this user cannot write: SQLite
      // cannot read it in place without making its -shm file (and better-sqlite3 takes no
      // immutable URI). A copy in the temporary directory is read instead: the same rows.
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !/^SQLITE_(READONLY|CANTOPEN)/.test(code)) throw error;
      const dir = mkdtempSync(path.join(tmpdir(), 'shien-read-'));
      const copy = path.join(dir, DB_FILE);
      copyFileSync(file, copy);
      if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
      const store = new SqliteImportStore(copy, { readOnly: false, migrate: false });
      store.removeOnClose = dir;
      return store;
    }
  }

  constructor(
    readonly file: string,
    options: { readOnly?: boolean; migrate?: boolean } = {},
  ) {
    this.db = new Database(file, { timeout: 5000, ...(options.readOnly ? { readonly: true, fileMustExist: true } : {}) });
    this.db.pragma('busy_timeout = 5000');
    if (options.readOnly || options.migrate === false) {
      try {
        this.checkVersion();
      } catch (error) {
        this.db.close();
        throw error;
      }
      return;
    }
    if (file !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.migrate();
  }

  /** For a reader: the tables it reads exist (schema 1), and no newer shien wrote them. */
  private checkVersion(): void {
    const row = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'imported_schema'").get() ? (this.db.prepare('SELECT version FROM imported_schema').get() as { version: number } | undefined) : undefined;
    const version = row?.version ?? 0;
    this.unsynced = version === 0;
    if (version > SCHEMA.length) throw new Error(`${this.file} は新しい版の shien が作ったデータです (imported schema ${version} > ${SCHEMA.length})。shien を更新してください`);
  }

  private migrate(): void {
    this.db
      .transaction(() => {
        this.db.exec('CREATE TABLE IF NOT EXISTS imported_schema (version INTEGER NOT NULL)');
        const row = this.db.prepare('SELECT version FROM imported_schema').get() as { version: number } | undefined;
        const version = row?.version ?? 0;
        if (version > SCHEMA.length) throw new Error(`${this.file} は新しい版の shien が作ったデータです (imported schema ${version} > ${SCHEMA.length})。shien を更新してください`);
        for (let v = version; v < SCHEMA.length; v++) this.db.exec(SCHEMA[v]!);
        if (!row) this.db.prepare('INSERT INTO imported_schema (version) VALUES (?)').run(SCHEMA.length);
        else if (version < SCHEMA.length) this.db.prepare('UPDATE imported_schema SET version = ?').run(SCHEMA.length);
      })
      .immediate();
  }

  close(): void {
    this.db.close();
    if (this.removeOnClose) rmSync(this.removeOnClose, { recursive: true, force: true });
  }

  applySync(input: ApplySyncInput): SyncChanges {
    const run = this.db.transaction((): SyncChanges => {
      const at = input.now.toISOString();
      const baseline = !this.lastSuccessfulSync(input.source);
      const rows = this.db.prepare('SELECT * FROM imported_programs WHERE source = ?').all(input.source) as ProgramRow[];
      const existing = new Map(rows.map((r) => [r.id, r]));
      const handled = new Set<string>();
      const changes: SyncChanges = { new: [], changed: [], closed: [], baseline };
      let seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM imported_programs').get() as { seq: number }).seq;
      const insert = this.db.prepare(
        `INSERT INTO imported_programs (id, source, data, content_hash, list_fingerprint, first_seen, last_changed, last_seen, closed_at, baseline, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
      );
      const update = this.db.prepare('UPDATE imported_programs SET data = ?, content_hash = ?, list_fingerprint = ?, last_changed = ?, last_seen = ?, closed_at = NULL WHERE id = ?');
      const seen = this.db.prepare('UPDATE imported_programs SET last_seen = ?, list_fingerprint = ? WHERE id = ?');
      for (const { program, listFingerprint } of input.programs) {
        if (handled.has(program.id)) continue; // listed twice (two keywords): the first one counts
        handled.add(program.id);
        const hash = contentHash(program);
        const data = JSON.stringify({ ...program, imported: { ...program.imported, closedAt: undefined } });
        const row = existing.get(program.id);
        if (!row) {
          changes.new.push(program.id);
          if (!input.dryRun) insert.run(program.id, input.source, data, hash, listFingerprint, at, at, at, baseline ? 1 : 0, ++seq);
        } else if (!sameContent(row.content_hash, program) || row.closed_at !== null) {
          changes.changed.push(program.id);
          if (!input.dryRun) update.run(data, hash, listFingerprint, at, at, program.id);
        } else if (!input.dryRun) seen.run(at, listFingerprint, program.id);
      }
      const listed = new Set([...handled, ...(input.alsoListed ?? [])]);
      const close = this.db.prepare('UPDATE imported_programs SET closed_at = ? WHERE id = ?');
      for (const row of rows) {
        if (listed.has(row.id) || row.closed_at !== null) continue;
        changes.closed.push(row.id);
        if (!input.dryRun) close.run(at, row.id);
      }
      if (!input.dryRun) {
        this.db
          .prepare('INSERT INTO imported_syncs (source, at, ok, new, changed, closed, errors) VALUES (?, ?, 1, ?, ?, ?, ?)')
          .run(input.source, at, changes.new.length, changes.changed.length, changes.closed.length, JSON.stringify(input.errors ?? []));
      }
      return changes;
    });
    return run.immediate();
  }

  recordFailure(source: SourceName, errors: readonly string[], now: Date): void {
    this.db.prepare('INSERT INTO imported_syncs (source, at, ok, new, changed, closed, errors) VALUES (?, ?, 0, 0, 0, 0, ?)').run(source, now.toISOString(), JSON.stringify(errors));
  }

  programs(source?: SourceName): StoredProgram[] {
    if (this.unsynced) return [];
    const rows = source
      ? (this.db.prepare('SELECT * FROM imported_programs WHERE source = ? ORDER BY seq').all(source) as ProgramRow[])
      : (this.db.prepare('SELECT * FROM imported_programs ORDER BY seq').all() as ProgramRow[]);
    return rows.map(toStored);
  }

  lastSync(source: SourceName): SyncRecord | undefined {
    const row = this.db.prepare('SELECT * FROM imported_syncs WHERE source = ? ORDER BY id DESC LIMIT 1').get(source) as SyncRow | undefined;
    return row && toSync(row);
  }

  setDeadlineAlerts(channel: string, active: boolean, opts: { by?: string; now: Date }): boolean {
    return this.db
      .transaction(() => {
        const existing = this.deadlineAlerts(channel);
        if ((existing?.active ?? false) === active) return false;
        this.db
          .prepare(
            `INSERT INTO deadline_channels (channel, active, by_user, since) VALUES (?, ?, ?, ?)
             ON CONFLICT (channel) DO UPDATE SET active = excluded.active, by_user = excluded.by_user, since = excluded.since`,
          )
          .run(channel, active ? 1 : 0, opts.by ?? null, opts.now.toISOString());
        return true;
      })
      .immediate();
  }

  deadlineAlerts(channel: string): DeadlineAlerts | undefined {
    const row = this.db.prepare('SELECT * FROM deadline_channels WHERE channel = ?').get(channel) as { active: number; by_user: string | null; since: string } | undefined;
    return row && { active: row.active === 1, since: new Date(row.since), ...(row.by_user ? { by: row.by_user } : {}) };
  }

  deadlineChannels(): string[] {
    return (this.db.prepare('SELECT channel FROM deadline_channels WHERE active = 1 ORDER BY channel').all() as Array<{ channel: string }>).map((r) => r.channel);
  }

  unreminded(channel: string, programIds: readonly string[]): string[] {
    const told = new Set((this.db.prepare('SELECT program_id FROM deadline_reminded WHERE channel = ?').all(channel) as Array<{ program_id: string }>).map((r) => r.program_id));
    return programIds.filter((id) => !told.has(id));
  }

  markReminded(channel: string, programIds: readonly string[], now: Date): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO deadline_reminded (channel, program_id, at) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      for (const id of programIds) insert.run(channel, id, now.toISOString());
    })();
  }

  lastSuccessfulSync(source: SourceName): SyncRecord | undefined {
    const row = this.db.prepare('SELECT * FROM imported_syncs WHERE source = ? AND ok = 1 ORDER BY id DESC LIMIT 1').get(source) as SyncRow | undefined;
    return row && toSync(row);
  }
}
