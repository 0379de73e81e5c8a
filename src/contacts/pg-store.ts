import type pg from 'pg';
import { parseTargetKey, targetKey, type ContactTarget, type StaffContact } from '../catalog/contacts.js';
import { ContactSchema, storedContact } from '../catalog/schema.js';
import { createPool, describePostgresUrl, migrate } from '../db/postgres.js';
import type { ContactEdits } from './store.js';

/**
 * Staff contact edits in PostgreSQL (DATABASE_URL), shared by every replica (issue 14).
 *
 * Cards are drawn synchronously, many per answer, so the latest edit of every target is kept
 * in memory: loaded at open, updated by this replica's own saves at once, and by the other
 * replicas' saves through LISTEN/NOTIFY (each save notifies `shien_contact_edits` with its
 * target in the same transaction, so a replica hears of an edit only once it is committed).
 * A replica whose listening connection drops reloads everything when it reconnects, so an
 * edit made meanwhile is not missed. History is kept as in SQLite: every edit is a row.
 */

export const COMPONENT = 'contacts';
const CHANNEL = 'shien_contact_edits';
const RECONNECT_MS = 1000;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE contact_edits (
    id        SERIAL PRIMARY KEY,
    target    TEXT NOT NULL,
    contact   JSONB NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX contact_edits_by_target ON contact_edits (target, id);
  `,
];

interface EditRow {
  target: string;
  contact: unknown;
  edited_by: string;
  edited_at: Date;
}

function fromRow(row: EditRow): StaffContact | undefined {
  const target = parseTargetKey(row.target);
  const contact = storedContact(row.contact);
  if (!target || !contact.success) return undefined;
  return { target, contact: contact.data, editedBy: row.edited_by, editedAt: row.edited_at };
}

export class PgContactStore implements ContactEdits {
  private readonly pool: pg.Pool;
  private readonly latestByTarget = new Map<string, StaffContact>();
  private listener: pg.PoolClient | undefined;
  private closed = false;
  private reconnect: ReturnType<typeof setTimeout> | undefined;
  readonly location: string;

  private constructor(url: string) {
    this.location = describePostgresUrl(url);
    this.pool = createPool(url, 3);
  }

  /** Migrates, loads the latest edits and starts listening; rejects when the database cannot be used. */
  static async open(url: string): Promise<PgContactStore> {
    const store = new PgContactStore(url);
    try {
      await migrate(store.pool, COMPONENT, MIGRATIONS, store.location);
      await store.listen();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) void this.refresh(n.payload).catch(() => undefined);
    });
    client.on('error', () => this.lost(client));
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    // Listening first, then reading: an edit committed in between is heard or read, never neither.
    await this.reloadAll();
  }

  private lost(client: pg.PoolClient): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    client.release(true);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnect) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (!this.closed) void this.listen().catch(() => this.scheduleReconnect());
    }, RECONNECT_MS);
  }

  private async reloadAll(): Promise<void> {
    // Each target's latest edit that still validates, as refresh() reads one: the latest row alone
    // (DISTINCT ON) dropped a target whose newest edit no longer validates, where Slack showed the one before.
    const rows = await this.pool.query<EditRow>('SELECT target, contact, edited_by, edited_at FROM contact_edits ORDER BY target, id DESC');
    this.latestByTarget.clear();
    for (const row of rows.rows) {
      if (this.latestByTarget.has(row.target)) continue;
      const edit = fromRow(row);
      if (edit) this.latestByTarget.set(row.target, edit);
    }
  }

  /** Reads one target's latest valid edit again (another replica saved one). */
  private async refresh(key: string): Promise<void> {
    const rows = await this.pool.query<EditRow>('SELECT target, contact, edited_by, edited_at FROM contact_edits WHERE target = $1 ORDER BY id DESC LIMIT 5', [key]);
    const edit = rows.rows.map(fromRow).find((e) => e !== undefined);
    if (edit) this.latestByTarget.set(key, edit);
    else this.latestByTarget.delete(key);
  }

  async save(edit: StaffContact): Promise<void> {
    const contact = ContactSchema.parse(edit.contact);
    const key = targetKey(edit.target);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO contact_edits (target, contact, edited_by, edited_at) VALUES ($1, $2, $3, $4)', [key, JSON.stringify(contact), edit.editedBy, edit.editedAt]);
      await client.query('SELECT pg_notify($1, $2)', [CHANNEL, key]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    this.latestByTarget.set(key, { ...edit, contact });
  }

  latest(target: ContactTarget): StaffContact | undefined {
    return this.latestByTarget.get(targetKey(target));
  }

  all(): StaffContact[] {
    return [...this.latestByTarget.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, edit]) => edit);
  }

  async historyCount(target: ContactTarget): Promise<number> {
    const row = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM contact_edits WHERE target = $1', [targetKey(target)]);
    return row.rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = undefined;
    listener?.release(true);
    await this.pool.end().catch(() => undefined);
  }
}
