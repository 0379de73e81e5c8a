import pg from 'pg';

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
  // A connection that cannot even roll back is broken: it is destroyed, not returned to the pool.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollback: unknown) => {
        broken = rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

export interface Listener {
  /** Sends `payload` on the channel to every listener (this one included), outside any transaction. */
  notify(payload: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * LISTENs on `channel` with a connection of its own and calls `onPayload` for each
 * notification. A dropped connection is re-established after `reconnectMs`, and `onReconnect`
 * runs then (what was announced meanwhile was missed: the caller re-reads what it caches).
 */
export async function listen(
  url: string,
  channel: string,
  onPayload: (payload: string) => void,
  options: { onReconnect?: () => void; reconnectMs?: number } = {},
): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let client: pg.Client | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload ?? '');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
  };
  const lost = (c: pg.Client): void => {
    if (client !== c) return;
    client = undefined;
    void c.end().catch(() => undefined);
    retry();
  };
  const retry = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (closed) return;
      connect().then(
        () => options.onReconnect?.(),
        () => retry(),
      );
    }, options.reconnectMs ?? 1000);
  };
  await connect();
  return {
    async notify(payload) {
      if (client) {
        await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
        return;
      }
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      await c.connect();
      try {
        await c.query('SELECT pg_notify($1, $2)', [channel, payload]);
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
