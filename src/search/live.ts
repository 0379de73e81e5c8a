import { CatalogError, type CatalogProblem } from '../catalog/load.js';
import type { Paths } from '../config.js';
import type { Program } from '../catalog/schema.js';
import { isImported } from '../sources/program.js';
import { importedPrograms } from '../sources/serve.js';
import { memoryLimit } from '../memory-limit.js';
import type { Analyzer } from './analyzer.js';
import { sourcesFingerprint, type SearchEngine } from './engine.js';
import { checkCatalogRead, loadSearchEngine, readSources, sourceFilesFingerprint, type LoadedSearchEngine, type LoadSearchEngineOptions, type Sources } from './load.js';

/** An index built at start or reload because the index file did not match the catalog. */
export interface IndexRebuilt {
  /** Why the index file was not used. */
  stale: string;
  ms: number;
  /** The index file written for the next start, or why it could not be. */
  wrote?: string;
  writeFailed?: string;
}

export type ReloadResult = { status: 'unchanged' } | { status: 'reloaded'; programs: number } | { status: 'refused'; problems: CatalogProblem[] };

/**
 * The engine a running bot serves, and its replacement when the catalog on disk changes.
 * A catalog that fails validation is refused: the engine already serving stays, so a typo
 * in a YAML file never takes search down.
 */
export class LiveEngine {
  private analyzer?: Analyzer;
  private fingerprint: string;
  /** The source files' fingerprint (sourceFilesFingerprint) of the catalog being served, when known. */
  private files: string | undefined;

  private constructor(
    private readonly paths: Paths,
    private engine: SearchEngine,
    analyzer: Analyzer | undefined,
    fingerprint: string,
    files: string | undefined,
    /** Reading changed catalog files that do not fit in what is left under it is refused. */
    private readonly memoryLimitBytes: number | undefined,
    private readonly onRebuilt?: (rebuilt: IndexRebuilt) => void,
  ) {
    this.analyzer = analyzer;
    this.fingerprint = fingerprint;
    this.files = files;
  }

  /**
   * The engine for the catalog on disk. When the index file is missing or stale it is built
   * now and saved (where `paths.persistIndex` allows) so the next start loads it; `onRebuilt`
   * is told, for a log line. `memoryLimitBytes`: the memory this process may use (default the
   * OS's limit; tests set it). `onWaitForIndex`: told when another process is rebuilding the
   * index file and this start waits for it (index-lock.ts), for a log line.
   */
  static async load(paths: Paths, onRebuilt?: (rebuilt: IndexRebuilt) => void, memoryLimitBytes = memoryLimit(), onWaitForIndex?: () => void): Promise<LiveEngine> {
    // The catalog's YAML is not read first: a current index holds the sources. Reading it took
    // 505 MiB at 10,000 programs, and the bot was killed in a 256 MB container at start.
    const loaded = await loadTelling(paths, { ...(memoryLimitBytes === undefined ? {} : { memoryLimitBytes }), ...(onWaitForIndex ? { onWaitForIndex } : {}) }, onRebuilt);
    return new LiveEngine(paths, loaded.engine, loaded.analyzer, loaded.fingerprint(), loaded.files, memoryLimitBytes, onRebuilt);
  }

  /**
   * The catalog's own programs (not imported ones) as served, when the source files are byte for
   * byte those the engine was made from; undefined when they changed or that is not known (then
   * the caller reads the files). For the notices: at 10,000 programs reading the YAML took 505 MiB.
   */
  async servedCatalog(): Promise<readonly Program[] | undefined> {
    if (this.files === undefined || (await sourceFilesFingerprint(this.paths)) !== this.files) return undefined;
    return this.engine.programs.filter((p) => !isImported(p));
  }

  get current(): SearchEngine {
    return this.engine;
  }

  private reloading?: Promise<ReloadResult>;

  /** Re-reads the catalog; rebuilds the index only when something changed. One at a time. */
  reload(): Promise<ReloadResult> {
    this.reloading ??= this.reloadNow().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadNow(): Promise<ReloadResult> {
    try {
      // Source files byte for byte those served, and no imported programs (they live in the data
      // directory, outside these files): nothing to read. Each notice run asks for a reload, and
      // reading 10,000 programs' YAML took 505 MiB.
      if (this.files !== undefined && !this.engine.programs.some(isImported) && !(await importedPrograms()).length && (await sourceFilesFingerprint(this.paths)) === this.files) {
        return { status: 'unchanged' };
      }
      // The files changed: reading them must fit in this process's memory (the engine serving stays).
      await checkCatalogRead(this.paths, 'カタログのファイルが変わりましたが、読み直す', this.memoryLimitBytes);
      const read = await readWithFingerprint(this.paths);
      const fingerprint = sourcesFingerprint(read.sources);
      // needs.yaml is no part of the fingerprint (no word searched changes with it), but the lists
      // of 相談の種類 show its descriptions: a changed file is served too.
      if (fingerprint === this.fingerprint && sameNeeds(read.sources.needs, this.engine.vocabulary.needs)) {
        this.files = read.files; // the same sources, read from these files
        return { status: 'unchanged' };
      }
      const { engine, analyzer } = await loadPersisting(this.paths, { ...read, ...(this.analyzer ? { analyzer: this.analyzer } : {}) }, this.onRebuilt);
      this.analyzer = analyzer ?? this.analyzer;
      this.engine = engine;
      this.fingerprint = fingerprint;
      this.files = read.files;
      return { status: 'reloaded', programs: engine.size };
    } catch (error) {
      if (error instanceof CatalogError) return { status: 'refused', problems: error.problems };
      throw error;
    }
  }
}

/** Whether two readings of needs.yaml say the same (both absent too). */
function sameNeeds(a: Sources['needs'], b: Sources['needs']): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The sources as read, and (where the index may be saved) the fingerprint of their files taken
 * before reading them: a file changed in between then makes the next start look again.
 */
async function readWithFingerprint(paths: Paths): Promise<{ sources: Sources; files: string | undefined }> {
  const files = paths.persistIndex ? await sourceFilesFingerprint(paths) : undefined;
  return { sources: await readSources(paths), files };
}

/** Loads or builds the engine of `read.sources`, saving a rebuilt index and telling `onRebuilt`. */
async function loadPersisting(
  paths: Paths,
  read: { sources: Sources; files: string | undefined; analyzer?: Analyzer },
  onRebuilt?: (rebuilt: IndexRebuilt) => void,
): Promise<{ engine: SearchEngine; analyzer?: Analyzer }> {
  const loaded = await loadTelling(paths, { sources: read.sources, ...(read.files !== undefined ? { filesFingerprint: read.files } : {}), ...(read.analyzer ? { analyzer: read.analyzer } : {}) }, onRebuilt);
  return { engine: loaded.engine, ...(loaded.analyzer ? { analyzer: loaded.analyzer } : {}) };
}

/** loadSearchEngine, saving a rebuilt index (persist) and telling `onRebuilt` that it rebuilt. */
async function loadTelling(paths: Paths, options: LoadSearchEngineOptions, onRebuilt?: (rebuilt: IndexRebuilt) => void): Promise<LoadedSearchEngine> {
  const started = performance.now();
  const loaded = await loadSearchEngine(paths, { ...options, persist: true });
  if (loaded.stale) {
    onRebuilt?.({ stale: loaded.stale, ms: Math.round(performance.now() - started), ...(loaded.wrote ? { wrote: loaded.wrote } : {}), ...(loaded.writeFailed ? { writeFailed: loaded.writeFailed } : {}) });
  }
  return loaded;
}
