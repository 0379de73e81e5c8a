import { CatalogError } from '../catalog/errors.js';
import type { Paths } from '../config.js';
import type { SearchEngine } from '../search/engine.js';
import { loadSearchEngine } from '../search/load.js';
import { catalogProblemsText } from './io.js';

/**
 * The engine for the command line and the console: the prebuilt index when it matches the
 * catalog; otherwise the catalog is analysed now (kuromoji, a few seconds) and, where the
 * index is ours to replace, the new index is written for the next start. Either way the user
 * is told on stderr, never on stdout. Throws CatalogError for a catalog that does not load.
 */
export async function loadEngineSaying(paths: Paths, err: NodeJS.WritableStream): Promise<SearchEngine> {
  const started = performance.now();
  const loaded = await loadSearchEngine(paths, { persist: true, onWaitForIndex: () => err.write('支援ナビ: 別のプロセスが検索索引を作り直しています。終わるのを待ちます…\n') });
  if (loaded.stale) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const what = loaded.wrote
      ? `カタログを解析して索引を作り直しました (${seconds} 秒): ${loaded.wrote}`
      : loaded.writeFailed
        ? `カタログをその場で解析しました (${seconds} 秒)。索引は保存できませんでした: ${loaded.writeFailed}`
        : `カタログをその場で解析しました (${seconds} 秒。保存するには SHIEN_INDEX_FILE を指定します)`;
    err.write(`支援ナビ: ${loaded.stale}。${what}\n`);
  }
  return loaded.engine;
}

/** The same, for a command: a catalog that does not load is said on stderr, and undefined returned (exit 1). */
export async function loadEngineOrSay(paths: Paths, err: NodeJS.WritableStream): Promise<SearchEngine | undefined> {
  try {
    return await loadEngineSaying(paths, err);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    err.write(catalogProblemsText('カタログを読み込めません', error));
    return undefined;
  }
}
