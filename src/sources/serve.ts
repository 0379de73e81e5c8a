import { existsSync, statSync } from 'node:fs';
import { ConfigError } from '../config.js';
import type { ImportedProgram } from './program.js';
import type { StoredProgram } from './store.js';

/**
 * The imported programs search serves beside the catalog: those of the enabled sources
 * (SHIEN_SOURCES) found in the data directory, 掲載終了 ones included (an old digest's 詳細
 * still opens them; their card says so). Without SHIEN_SOURCES, none: the bot serves the
 * catalog alone, as before, and loads no database code for it.
 */
export async function importedPrograms(env: NodeJS.ProcessEnv = process.env): Promise<ImportedProgram[]> {
  return (await storedImports({ env })).map((s) => s.program);
}

/**
 * The stored imported programs of the enabled sources, with when each was first seen and
 * whether it was a source's baseline (for the notices). `file`: the database to read (the
 * notice store's own file), else `<SHIEN_DATA_DIR>/shien.db`.
 */
/** SHIEN_DATA_DIR naming something that is not a directory: a ConfigError naming it (a missing one is fine: nothing synced yet). */
function checkDataDirReadable(dataDir: string, env: NodeJS.ProcessEnv): void {
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new ConfigError(`設定エラー: SHIEN_DATA_DIR (${dataDir}) はディレクトリではありません${env.SHIEN_DATA_DIR ? '' : ' (既定の場所)'}`);
  }
}

export async function storedImports(options: { env?: NodeJS.ProcessEnv; file?: string } = {}): Promise<StoredProgram[]> {
  const env = options.env ?? process.env;
  // No source named: nothing to serve, and the settings' validator (zod) is not even loaded.
  if (!(env.SHIEN_SOURCES ?? '').split(',').some((name) => name.trim())) return [];
  // Only what serving needs is read (a sync setting cannot hide the imports). An unknown source
  // name is a ConfigError: the command stops naming it, as for any setting it cannot use;
  // answering without the imports, silently, also saved an index without them.
  const { loadServedSources } = await import('./config.js');
  const config = loadServedSources(env);
  if (!config.enabled.length) return [];
  // A data directory that is a file is a wrong setting, not "nothing imported yet": answering
  // without the imports, silently, also saved an index without them (walk-through).
  if (!options.file && !env.DATABASE_URL?.trim()) checkDataDirReadable(config.dataDir, env);
  // Loaded only when a source is on: a search without sources never loads a database module.
  if (options.file === ':memory:') return []; // a private notice store shares nothing
  const { openImportStore } = await import('./open.js');
  const { SqliteImportStore } = await import('./sqlite-store.js');
  // PostgreSQL when DATABASE_URL is set (replicas share the imports); else the data directory's file.
  const store = options.file ? new SqliteImportStore(options.file) : await openImportStore(config.dataDir, env, 'ifExists');
  if (!store) return [];
  try {
    return (await store.programs()).filter((s) => (config.enabled as string[]).includes(s.program.imported.source));
  } finally {
    await store.close();
  }
}
