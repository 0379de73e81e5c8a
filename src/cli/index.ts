import { CatalogError } from '../catalog/load.js';
import type { Paths } from '../config.js';
import { ForeignFileError, writeSearchIndex } from '../search/load.js';
import { catalogProblemsText, parseCommandArgs, type CliIo } from './io.js';

/** `shien index`: analyse the catalog with kuromoji once and write the search index file. */
export async function indexCommand(args: string[], paths: Paths, { out, err }: CliIo): Promise<number> {
  parseCommandArgs(args, {}, { positionals: false });
  // dist/search-index.json is the bundled catalog's: another catalog's index written there made
  // every later start on the bundled catalog analyse it again (and warn that it did not match).
  if (!paths.persistIndex) {
    err.write(`設定エラー: 同梱以外のカタログ (${paths.catalogDir}) の索引は、SHIEN_INDEX_FILE で置き場所を指定して作ってください (${paths.indexFile} は同梱カタログの索引です)\n`);
    return 1;
  }
  const started = performance.now();
  let written;
  try {
    written = await writeSearchIndex(paths);
  } catch (error) {
    if (error instanceof ForeignFileError) {
      err.write(`設定エラー: ${error.message}\n`);
      return 1;
    }
    if (!(error instanceof CatalogError)) throw error;
    err.write(catalogProblemsText('カタログに問題があるため索引を作れません', error));
    return 1;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out.write(`索引を書きました: ${paths.indexFile} (${written.engine.size} 件, ${(written.bytes / 1024).toFixed(0)} KiB, ${seconds} 秒)\n`);
  return 0;
}
