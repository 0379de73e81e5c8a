import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listCatalogFiles } from './catalog/files.js';

/**
 * What reading or analysing the catalog needs in memory, and what this process may still use:
 * in a container too small for it the kernel kills the process (and a restart policy starts it
 * into the same end), so the start, a reload and the notices check first (search/load.ts,
 * search/live.ts, notices/).
 */
const MiB = 1024 * 1024;

/**
 * Memory an analysis of `programs` programs needs, in MiB: kuromoji's dictionary (about 130 MiB
 * loaded compactly, search/kuromoji-dictionary.ts) and the index being built. Build processes'
 * peak RSS (bench-child.mjs prepare, session 27): 269 MiB at 143 programs, 412 at 10,000; with
 * kuromoji's own loader 458 and 551 (and 1,497 at 100,000, session 24: an upper bound now).
 */
export function rebuildNeedsMiB(programs: number): number {
  return Math.round(300 + 0.012 * programs);
}

/**
 * Memory reading the catalog's YAML needs, in MiB, for `bytes` of it: the parsed documents and
 * their validation. Measured: 23.7 MB of YAML (10,000 programs) read in 413 MiB of heap, 505 MiB
 * peak RSS. A start from a current index never reads it (the index holds the sources).
 */
export function catalogReadNeedsMiB(bytes: number): number {
  return Math.round(64 + (22 * bytes) / MiB);
}

/** Bytes of the catalog's YAML files. */
export async function catalogBytes(dir: string): Promise<number> {
  const files = await listCatalogFiles(dir).catch(() => []);
  const sizes = await Promise.all(files.map(async (f) => (await stat(path.join(dir, f))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/** The OS's memory limit of this process in bytes (a container's), or undefined when there is none. */
export function memoryLimit(): number | undefined {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  // No limit reads as 0 or as a huge number (2^64, cgroup v1's "unlimited").
  return limit && limit < 2 ** 50 ? limit : undefined;
}

/** MiB left under `limit` (bytes) beside what this process holds now (its RSS). */
export function memoryLeftMiB(limit: number): number {
  return Math.round((limit - process.memoryUsage.rss()) / MiB);
}

/**
 * What is missing to read the catalog's YAML under `dir` in what is left under `limit` (bytes;
 * undefined: no limit): the MiB it needs and the MiB left, or undefined when it fits.
 */
export async function catalogReadShortfall(dir: string, limit: number | undefined): Promise<{ needs: number; left: number } | undefined> {
  return limit === undefined ? undefined : shortfall(catalogReadNeedsMiB(await catalogBytes(dir)), limit);
}

/** `needs` MiB against what is left under `limit` (bytes): undefined when it fits. */
export function shortfall(needs: number, limit: number | undefined): { needs: number; left: number } | undefined {
  if (limit === undefined) return undefined;
  const left = memoryLeftMiB(limit);
  return left >= needs ? undefined : { needs, left };
}

/**
 * When reading the catalog's YAML under `dir` would not fit in what is left under the OS's limit:
 * a Japanese line saying so (the notices record it and post nothing); undefined when it fits.
 */
export async function catalogReadTooBig(dir: string, limit = memoryLimit()): Promise<string | undefined> {
  const short = await catalogReadShortfall(dir, limit);
  return short && `カタログのファイル (${dir}) を読むには約 ${short.needs} MiB のメモリが要りますが、このプロセスに残るのは ${short.left} MiB のため読みません。索引を作り直して (SHIEN_INDEX_FILE=… npx shien index) 再起動してください。`;
}
