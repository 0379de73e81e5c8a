import { existsSync } from 'node:fs';
import path from 'node:path';
import { targetKey, type StaffContact, type StaffContacts } from '../catalog/contacts.js';
import { PROJECT_ROOT } from '../config.js';
import { describePostgresUrl } from '../db/url.js';
import { databaseUrl } from '../sources/open.js';

/**
 * The contacts staff entered in Slack: in PostgreSQL when DATABASE_URL is set (replicas share
 * them), else SHIEN_DATA_DIR/contacts.db, read only when the file exists.
 */
export async function readStaffEdits(env: NodeJS.ProcessEnv): Promise<StaffContact[]> {
  const url = databaseUrl(env); // a malformed one is a ConfigError naming the variable
  if (url) {
    const { PgContactStore } = await import('./pg-store.js');
    let store;
    try {
      store = await PgContactStore.open(url);
    } catch (error) {
      // It said only "connect ECONNREFUSED 127.0.0.1:1", without the variable (walk-through).
      throw new Error(`DATABASE_URL (${describePostgresUrl(url)}) の連絡先を読めません: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    try {
      return store.all();
    } finally {
      await store.close();
    }
  }
  const dataDir = path.resolve(env.SHIEN_DATA_DIR?.trim() || path.join(PROJECT_ROOT, 'data'));
  if (!existsSync(path.join(dataDir, 'contacts.db'))) return [];
  // Loaded only when there is a file to read: the console without one loads no SQLite.
  const { ContactStore } = await import('./store.js');
  const store = ContactStore.open(dataDir);
  try {
    return store.all();
  } finally {
    store.close();
  }
}

/** The edits as the lookup cards take: the latest edit of each target. */
export function staffLookup(edits: readonly StaffContact[]): StaffContacts {
  const byTarget = new Map(edits.map((e) => [targetKey(e.target), e]));
  return (target) => byTarget.get(targetKey(target));
}
