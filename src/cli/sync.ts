import { checkDataDir, ConfigError, type Paths } from '../config.js';
import { memoryLimit, rebuildNeedsMiB, shortfall } from '../memory-limit.js';
import { loadSourcesConfig } from '../sources/config.js';
import { openImportStore } from '../sources/open.js';
import { runSync, type SourceReport, type SyncReport } from '../sources/sync.js';
import type { ImportStore } from '../sources/store.js';
import type { SourceName } from '../sources/program.js';
import { takeIndexLock } from '../search/index-lock.js';
import path from 'node:path';

export const SYNC_USAGE = `使い方: sync [--dry-run] [--json]
  有効な取り込み元 (SHIEN_SOURCES=jgrants) から支援事業を取り込み、新規・変更・掲載終了を表示します。
  --dry-run  取得して差分を示すだけで、何も保存しません
  --json     標準出力に {"sources": [{"source", "new", "changed", "closed", "errors", ...}]} を 1 つ
  環境変数: SHIEN_SOURCES, JGRANTS_API_URL, SHIEN_JGRANTS_AREAS, SHIEN_JGRANTS_KEYWORDS, SHIEN_DATA_DIR
  終了コード: 0 成功 / 1 取り込み元の失敗 (その取り込み元は何も書き換えません) / 2 使い方・設定の誤り
`;

/** Where the command writes: the answer (`--json`) on `out`, the summary and progress on `err`. */
export interface SyncIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export interface SyncCommandOptions {
  now?: () => Date;
  /**
   * Called after a sync that wrote changes. By default the search index is rebuilt with the
   * imported programs, here in this process: the bot then loads it without kuromoji and
   * stays within its memory goal.
   */
  afterChanges?: (paths: Paths) => Promise<void>;
  /** The memory this process may use, in bytes (default: the OS's limit, a container's cgroup; tests set it). */
  memoryLimitBytes?: number;
}

function summary(r: SourceReport, dryRun: boolean): string {
  const head = dryRun ? `${r.source} (試行・保存なし)` : r.source;
  if (!r.ok) return `${head}: 失敗しました。何も書き換えていません: ${r.errors[0]}\n`;
  const lines = [`${head}: 新規 ${r.new.length} 件・変更 ${r.changed.length} 件・掲載終了 ${r.closed.length} 件 (掲載 ${r.listed} 件、リクエスト ${r.requests} 回)`];
  if (r.baseline && r.new.length) lines.push('  初回の取り込みのため、新規の事業は既知として記録し、新着通知には出しません');
  for (const [label, ids] of [['新規', r.new], ['変更', r.changed], ['掲載終了', r.closed]] as const) {
    if (ids.length) lines.push(`  ${label}: ${ids.slice(0, 20).join(', ')}${ids.length > 20 ? ` ほか ${ids.length - 20} 件` : ''}`);
  }
  for (const e of r.errors.slice(0, 10)) lines.push(`  警告: ${e}`);
  if (r.errors.length > 10) lines.push(`  警告 ほか ${r.errors.length - 10} 件`);
  return lines.join('\n') + '\n';
}

/** `shien sync`: a summary on stderr, `--json` on stdout; exit 1 when a source failed. */
export async function syncCommand(args: string[], paths: Paths, io: SyncIo | NodeJS.WritableStream, options: SyncCommandOptions = {}): Promise<number> {
  // The CLI passes {out, err}; a caller with one stream gets stderr for the summary.
  const { out, err } = 'write' in io ? { out: io, err: process.stderr } : io;
  const unknown = args.filter((a) => a !== '--json' && a !== '--dry-run');
  if (unknown.length) {
    err.write(`sync: 知らない引数です: ${unknown.join(' ')}\n${SYNC_USAGE}`);
    return 2;
  }
  const json = args.includes('--json');
  const dryRun = args.includes('--dry-run');
  let config;
  try {
    config = loadSourcesConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (!config.enabled.length) {
    err.write('取り込み元が有効になっていません。jGrants から取り込むには SHIEN_SOURCES=jgrants を設定してください (ネットワークを使います)\n');
    if (json) out.write(JSON.stringify({ sources: [] }) + '\n');
    return 0;
  }
  // As notify does: a data directory that is a file, or cannot be made or written, names
  // SHIEN_DATA_DIR (it was mkdir's EEXIST, or SQLite's unable to open database file).
  if (!process.env.DATABASE_URL?.trim()) {
    try {
      checkDataDir(config.dataDir, process.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      err.write(`${error.message}\n`);
      return 1;
    }
  }
  let store;
  try {
    store = (await openImportStore(config.dataDir, process.env))!; // PostgreSQL when DATABASE_URL is set
  } catch (error) {
    err.write(`取り込みのデータベースを開けませんでした: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
  let report: SyncReport;
  // One sync of a data directory at a time (SQLite; replicas on PostgreSQL take the notice store's
  // lease): two started together both fetched everything, together at the API's 10 requests a
  // second, where a third is refused (walk-through). The lock is the index's kind (index-lock.ts)
  // on `<data dir>/sync`; one that waited and finds a sync finished meanwhile does not fetch again.
  const began = new Date();
  const lock = dryRun || process.env.DATABASE_URL?.trim() ? undefined : await takeIndexLock(path.join(config.dataDir, 'sync'), { onWait: () => err.write('別の shien sync が実行中です。終わるのを待ちます…\n'), staleMs: 30 * 60_000, maxWaitMs: 30 * 60_000 });
  try {
    if (lock?.waited && (await syncedSince(store, config.enabled, began))) {
      err.write('別の shien sync がいま取り込みを終えました。取り込みは最新のため、取り込み直しません。\n');
      // Told apart from "no source is on" ({"sources": []} too) by a script reading it.
      if (json) out.write(JSON.stringify({ sources: [], skipped: 'another-sync-just-finished' }) + '\n');
      return 0;
    }
    report = await runSync({ config, store, now: options.now ?? (() => new Date()), dryRun, progress: (line) => err.write(line + '\n') });
  } finally {
    await lock?.release();
    await store.close();
  }
  for (const r of report.sources) err.write(summary(r, dryRun));
  const wrote = !dryRun && report.sources.some((r) => r.ok && (r.new.length || r.changed.length || r.closed.length));
  let code = report.sources.every((r) => r.ok) ? 0 : 1;
  if (wrote) {
    try {
      await (options.afterChanges ?? ((p: Paths) => rebuildIndex(p, 'memoryLimitBytes' in options ? options.memoryLimitBytes : memoryLimit())))(paths);
      err.write(`検索索引を更新しました (${paths.indexFile})\n`);
    } catch (error) {
      err.write(`取り込みは保存しましたが、検索索引を更新できませんでした: ${error instanceof Error ? error.message : String(error)}\n`);
      code = 1;
    }
  }
  if (json) {
    const sources = report.sources.map(({ source, ok, baseline, new: added, changed, closed, errors }) => ({ source, ok, baseline, new: added, changed, closed, errors }));
    out.write(JSON.stringify({ sources }) + '\n');
  }
  return code;
}

/**
 * The index rebuilt with the imports, unless the process's memory limit (bytes) cannot hold
 * kuromoji's analysis: in a 256 MB container the kernel killed the sync there (exit 137, no
 * word), leaving the imports saved and the index old (operator walk-through).
 */
async function rebuildIndex(paths: Paths, limit: number | undefined): Promise<void> {
  const short = shortfall(rebuildNeedsMiB(0), limit);
  if (short && limit !== undefined) {
    throw new Error(
      `索引を作り直すには約 ${short.needs} MiB のメモリが要りますが、このプロセスの上限は ${Math.round(limit / 1024 / 1024)} MiB (残り ${short.left} MiB) のため作り直しません。` +
        '取り込んだ事業は、メモリの足りるところで npm run -s shien -- index を実行すると索引に入ります',
    );
  }
  const { writeSearchIndex } = await import('../search/load.js');
  await writeSearchIndex(paths);
}

/** Whether every enabled source had a successful sync at or after `since` (another process's). */
async function syncedSince(store: ImportStore, sources: readonly SourceName[], since: Date): Promise<boolean> {
  for (const source of sources) {
    const last = await store.lastSuccessfulSync(source);
    if (!last || last.at.getTime() < since.getTime()) return false;
  }
  return true;
}

