import { ConfigError } from '../config.js';
import { POSTGRES_URL } from '../db/url.js';
import type { ImportStore } from './store.js';

/**
 * Opens the import store the environment names: PostgreSQL when DATABASE_URL is set (every
 * replica reads and writes the same imported programs, issue 14), else SQLite in the data
 * directory. `ifExists`: a reader that must not create a SQLite file gets undefined instead
 * (PostgreSQL always exists once configured). Database modules load only when used.
 */
export async function openImportStore(dataDir: string, env: NodeJS.ProcessEnv, mode: 'create' | 'ifExists' = 'create'): Promise<ImportStore | undefined> {
  const url = databaseUrl(env);
  if (url) {
    const { PgImportStore } = await import('./pg-store.js');
    return PgImportStore.open(url);
  }
  const { SqliteImportStore } = await import('./sqlite-store.js');
  return mode === 'ifExists' ? SqliteImportStore.openIfExists(dataDir) : SqliteImportStore.open(dataDir);
}

/** DATABASE_URL when set (a malformed one is refused by name, never printed). */
export function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.DATABASE_URL?.trim();
  if (!url) return undefined;
  if (!POSTGRES_URL.test(url)) throw new ConfigError('DATABASE_URL は postgres://ユーザー:パスワード@ホスト:ポート/データベース の形で指定してください (PostgreSQL を使わないときは設定しません)');
  return url;
}
