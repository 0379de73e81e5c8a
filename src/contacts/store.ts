import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseTargetKey, targetKey, type ContactTarget, type StaffContact } from '../catalog/contacts.js';
import { ContactSchema, storedContact } from '../catalog/schema.js';

/**
 * Contacts staff entered from Slack, in SQLite under SHIEN_DATA_DIR (`contacts.db`, its own
 * file: the notices database has its own schema versions). Every edit is kept with who
 * made it and when; the latest edit of a target is the one served, so a mistake can be
 * traced and the previous value read back in the sqlite3 shell.
 */
const DB_FILE = 'contacts.db';

/** Schema versions in order; `PRAGMA user_version` says how many are applied. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE contact_edits (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    target    TEXT NOT NULL,
    contact   TEXT NOT NULL,
    edited_by TEXT NOT NULL,
    edited_at TEXT NOT NULL
  );
  CREATE INDEX contact_edits_by_target ON contact_edits (target, id);
  `,
];

/**
 * What the bot needs of staff contact edits, whichever database holds them: SQLite here,
 * PostgreSQL (pg-store.ts) when DATABASE_URL is set, so replicas share them. `latest` is
 * synchronous because cards are drawn synchronously; `save` may be asynchronous.
 */
export interface ContactEdits {
  save(edit: StaffContact): void | Promise<void>;
  latest(target: ContactTarget): StaffContact | undefined;
  all(): StaffContact[];
  close(): void | Promise<void>;
}

interface EditRow {
  target: string;
  contact: string;
  edited_by: string;
  edited_at: string;
}

export class ContactStore implements ContactEdits {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /** Opens (creating and upgrading as needed) the store in `dataDir`. */
  static open(dataDir: string): ContactStore {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, DB_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const applied = db.pragma('user_version', { simple: true }) as number;
    for (let v = applied; v < MIGRATIONS.length; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]!);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    return new ContactStore(db);
  }

  /** Records an edit (validated again here: the store never holds a contact without a source). */
  save(edit: StaffContact): void {
    const contact = ContactSchema.parse(edit.contact);
    this.db
      .prepare('INSERT INTO contact_edits (target, contact, edited_by, edited_at) VALUES (?, ?, ?, ?)')
      .run(targetKey(edit.target), JSON.stringify(contact), edit.editedBy, edit.editedAt.toISOString());
  }

  /** The latest edit of `target`, if any; a row that no longer validates is skipped, not served. */
  latest(target: ContactTarget): StaffContact | undefined {
    const rows = this.db
      .prepare('SELECT target, contact, edited_by, edited_at FROM contact_edits WHERE target = ? ORDER BY id DESC LIMIT 5')
      .all(targetKey(target)) as EditRow[];
    for (const row of rows) {
      const edit = fromRow(row);
      if (edit) return edit;
    }
    return undefined;
  }

  /**
   * The latest valid edit of every target (for the console, export and coverage reports): the one
   * latest() serves. Reading the newest row alone dropped a target whose newest edit no longer
   * validates, so the console and --export showed the YAML where Slack showed the edit before it.
   */
  all(): StaffContact[] {
    const rows = this.db.prepare('SELECT target, contact, edited_by, edited_at FROM contact_edits ORDER BY target, id DESC').iterate() as IterableIterator<EditRow>;
    const latest = new Map<string, StaffContact>();
    for (const row of rows) {
      if (latest.has(row.target)) continue;
      const edit = fromRow(row);
      if (edit) latest.set(row.target, edit);
    }
    return [...latest.values()];
  }

  /** How many edits `target` has had (history included). */
  historyCount(target: ContactTarget): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM contact_edits WHERE target = ?').get(targetKey(target)) as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

function fromRow(row: EditRow): StaffContact | undefined {
  const target = parseTargetKey(row.target);
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.contact);
  } catch {
    return undefined;
  }
  const contact = storedContact(parsed);
  if (!target || !contact.success) return undefined;
  return { target, contact: contact.data, editedBy: row.edited_by, editedAt: new Date(row.edited_at) };
}
