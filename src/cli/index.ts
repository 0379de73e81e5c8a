import type { Paths } from '../config.js';
import { writeSearchIndex } from '../search/load.js';

/** `shien index`: analyse the catalog with kuromoji once and write the search index file. */
export async function indexCommand(_args: string[], paths: Paths, out: NodeJS.WritableStream): Promise<number> {
  const started = performance.now();
  const { engine, bytes } = await writeSearchIndex(paths);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  out.write(`索引を書きました: ${paths.indexFile} (${engine.size} 件, ${(bytes / 1024).toFixed(0)} KiB, ${seconds} 秒)\n`);
  return 0;
}
