import pg from 'pg';
import { describePostgresUrl } from './url.js';

export { describePostgresUrl, POSTGRES_URL } from './url.js';

/**
 * What every PostgreSQL store of shien shares (issue 14): a pool from DATABASE_URL, forward
 * migrations per component under an advisory lock, and one-transaction helpers. A store
 * (notices, imported programs, contacts) names its component and lists its migrations; its
 * version lives in `shien_schema`, so components upgrade independently, as their SQLite
 * files' `user_version`s do today.
 */

export type Queryable = Pick<pg.PoolClient, 'query'>;

export function createPool(url: string, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (server restart) must not crash the bot; the next
  // query gets a new connection or a clear error.
  pool.on('error', () => undefined);
  return pool;
}

/** The advisory lock key every migration takes (any constant; 'shien' in ASCII). */
const MIGRATION_LOCK = 0x7368_6965;

/**
 * Runs `component`'s migrations forward from the version recorded in `shien_schema`, each in
 * its own transaction, while holding a session advisory lock: replicas starting together
 * migrate once, the others wait and find the work done. Refuses a database written by a newer
 * shien (its version beyond `migrations.length`). Returns the version now recorded.
 */
export async function migrate(pool: pg.Pool, component: string, migrations: readonly string[], where: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS shien_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
      const row = await client.query<{ version: number }>('SELECT version FROM shien_schema WHERE component = $1', [component]);
      const version = row.rows[0]?.version ?? 0;
      if (version > migrations.length) {
        throw new Error(`${where} は新しい版の shien が作ったデータです (${component} schema ${version} > ${migrations.length})。shien を更新してください`);
      }
      for (let v = version; v < migrations.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(migrations[v]!);
          await client.query(
            'INSERT INTO shien_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
            [component, v + 1],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
      return migrations.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** The version `component` has in this database (0 when it was never migrated). */
export async function schemaVersion(db: Queryable, component: string): Promise<number> {
  const row = await db.query<{ version: number }>('SELECT version FROM shien_schema WHERE component = $1', [component]);
  return row.rows[0]?.version ?? 0;
}

/** Runs `work` in one READ COMMITTED transaction on one pooled connection; rolls back on a throw. */
export async function transaction<T>(pool: pg.Pool, work: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
