import { createHash, type Hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { listCatalogFiles } from '../catalog/files.js';
import { unusedNeeds, type NeedsTaxonomy } from '../catalog/needs.js';
import type { Agency, Program } from '../catalog/schema.js';
import { BUILD_ID, type Paths } from '../config.js';
import { catalogReadShortfall, memoryLimit, rebuildNeedsMiB, shortfall } from '../memory-limit.js';
import { writeFileAtomic } from '../write-atomic.js';
import { indexFileChunks, mayReplaceWithIndex, NotAnIndexFileError, readIndexFileContent } from './index-file.js';
import { takeIndexLock, type IndexLock } from './index-lock.js';
import { isImported } from '../sources/program.js';
import { importedPrograms } from '../sources/serve.js';
import type { Analyzer } from './analyzer.js';
import { SearchEngine, sourcesFingerprint, StaleIndexError, type SearchEngineInput, type SearchEngineOptions, type SerializedSearchIndex } from './engine.js';
import { LexiconAnalyzer } from './lexicon-analyzer.js';
import { Variants } from './variants.js';
import type { VariantsFile } from './variants-file.js';
import { loadSudachiGroups } from './general-synonyms.js';
import type { SynonymsFile } from './synonyms-file.js';
import { Vocabulary } from './vocabulary.js';

export interface LoadedSearchEngine {
  engine: SearchEngine;
  /** kuromoji, when this load needed it (pass it to the next load to skip the dictionary). */
  analyzer?: Analyzer;
  /** Where the index came from: the prebuilt file, or analysed now. */
  source: 'index-file' | 'built';
  /** Why the prebuilt index was not used, when it was not (for a line on stderr). */
  stale?: string;
  /** The index file was rewritten from this build (`persist`). */
  wrote?: string;
  /** Why the index file could not be rewritten (`persist`): the engine serves anyway, built in memory. */
  writeFailed?: string;
  /**
   * The sources' fingerprint (sourcesFingerprint), for noticing a change later (live.ts): the
   * index's own when the sources came from it, so that the catalog's YAML is never read for it.
   */
  fingerprint(): string;
  /** The source files' fingerprint (sourceFilesFingerprint) the sources are known to match, when known. */
  files?: string;
}

export interface LoadSearchEngineOptions {
  /** An already loaded kuromoji analyzer (rebuilding after a catalog change). */
  analyzer?: Analyzer;
  /** The sources, when the caller has read them already (they are not read again). */
  sources?: Sources;
  /** Use the prebuilt index at paths.indexFile when it matches (default true). */
  useIndexFile?: boolean;
  /**
   * When the index file is missing or stale and `paths.persistIndex` allows it, write the
   * index built now to it (atomically), so the next start loads it (npm start, the CLI).
   */
  persist?: boolean;
  engine?: SearchEngineOptions;
  /**
   * With `sources` and `persist`: sourceFilesFingerprint taken before those sources were read,
   * so that a file changed in between makes the next start look again (else it is taken now).
   */
  filesFingerprint?: string;
  /** Called once when another process is rebuilding the index file: this one waits for it (index-lock.ts). */
  onWaitForIndex?: () => void;
  /** Set by loadSearchEngine itself for its second look, which the first's lock covers: no lock taken. */
  lockHeld?: boolean;
  /**
   * The memory this process may use, in bytes (default: the OS's limit, process.constrainedMemory:
   * a container's cgroup). A start that would have to analyse the catalog in less than it needs
   * refuses instead (RebuildMemoryError). Tests set it.
   */
  memoryLimitBytes?: number;
}

const MiB = 1024 * 1024;

/**
 * Refuses (RebuildMemoryError) to read the catalog's YAML in what is left under `limit` (bytes;
 * undefined: none); `what` says what for. A running bot's reload asks it too: the engine it
 * serves stays.
 */
export async function checkCatalogRead(paths: Paths, what: string, limit: number | undefined): Promise<void> {
  refuseShort(await catalogReadShortfall(paths.catalogDir, limit), limit, what, paths);
}

/** Throws RebuildMemoryError for a shortfall (shortfall, catalogReadShortfall); `what` says what for. */
function refuseShort(short: { needs: number; left: number } | undefined, limit: number | undefined, what: string, paths: Paths): void {
  if (!short || limit === undefined) return;
  throw new RebuildMemoryError(
    `${what}には約 ${short.needs} MiB のメモリが要りますが、このプロセスの上限は ${Math.round(limit / MiB)} MiB (残り ${short.left} MiB) のため始めません (途中で止められます)。` +
      `メモリに余裕のある環境で SHIEN_INDEX_FILE=${paths.indexFile} npx shien index を実行し、できた索引で起動してください。`,
  );
}

/**
 * A start that would analyse the catalog in a memory limit too small for it: the kernel would
 * kill it, and a restart policy would start it again into the same end. The message says what
 * to do instead.
 */
export class RebuildMemoryError extends Error {}

export interface Sources {
  programs: Program[];
  agencies: Agency[];
  synonyms: SynonymsFile;
  /** seeds/variants.yaml (absent: no table, only the built-in folds). */
  variants?: VariantsFile;
  /**
   * seeds/needs.yaml: the 相談の種類 the catalog's needs were checked against (absent: no file,
   * no check). Not part of the index's fingerprint: it changes no program nor any word searched.
   */
  needs?: NeedsTaxonomy;
}

/**
 * Reads and validates the catalog, agencies, synonyms, variants and needs files, with the
 * programs imported by `shien sync` (SHIEN_SOURCES). The YAML and zod code it needs is loaded
 * here, on the first read: a start served by a current index file never reads them (issue 11).
 * The catalog's needs are checked against needs.yaml when there is one (a bad file, or a need it
 * does not name: CatalogError); a need of the file no program lists is said to `warn`.
 */
export async function readSources(paths: Paths, warn: (line: string) => void = (line) => process.stderr.write(line + '\n')): Promise<Sources> {
  const [{ loadAgencies, loadCatalog }, { readSynonymsFile }, { readVariantsFile }, { readNeedsFile }] = await Promise.all([
    import('../catalog/load.js'),
    import('./synonyms-file.js'),
    import('./variants-file.js'),
    import('../catalog/needs-file.js'),
  ]);
  const needs = await readNeedsFile(paths.needsFile);
  const [catalog, agencies, synonyms, variants] = await Promise.all([
    loadCatalog(paths.catalogDir, needs ? { needs } : {}),
    loadAgencies(paths.agenciesFile),
    readSynonymsFile(paths.synonymsFile),
    readVariantsFile(paths.variantsFile),
  ]);
  if (needs) {
    const unused = unusedNeeds(needs, catalog.programs);
    if (unused.length) warn(`警告: ${paths.needsFile} の相談の種類のうち ${unused.length} 件はどの事業の needs にもありません: ${unused.join(' / ')}`);
  }
  // Programs imported by `shien sync` (SHIEN_SOURCES) are served beside the catalog's.
  return { programs: [...catalog.programs, ...(await importedPrograms())], agencies, synonyms, variants, ...(needs ? { needs } : {}) };
}

/**
 * The index file as written by `writeSearchIndex`: the engine's index, plus what it was built
 * from, so a start whose source files are byte for byte the same (`files`) and whose code is
 * the same build (`code`) takes the programs, agencies and synonyms from here instead of
 * parsing and validating the YAML again (about half of a start).
 */
interface IndexFile extends SerializedSearchIndex {
  files?: string;
  code?: string;
  sources?: Sources;
}

/** The index file as written by writeIndexFile; undefined when absent, unreadable or of another kind (then the catalog is analysed). */
export async function readIndexFile(file: string): Promise<IndexFile | undefined> {
  return (await readIndexFileOrWhy(file)).json;
}

/**
 * The index file, or why it cannot be used (for the line on stderr): nothing when it is absent,
 * else what is wrong with it, naming it (a cut file, another version of the container).
 */
async function readIndexFileOrWhy(file: string): Promise<{ json?: IndexFile; refused?: string }> {
  try {
    return { json: await readIndexFileContent<IndexFile>(file) };
  } catch (error) {
    if (error instanceof NotAnIndexFileError) return { refused: error.message };
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? {} : { refused: `${file} を読めません (${code ?? (error as Error).message})` };
  }
}

/**
 * A hash of the bytes of every file the sources are read from (catalog YAML files with their
 * names, agencies.yaml, synonyms.yaml). Cheap (no parsing); equal bytes read by the same code
 * give the same validated sources.
 *
 * Files are named relative to their directory (catalog/<file>, seeds/<name>), not by absolute
 * path: an index built in one directory and served from another (a container image copied to
 * /app) is still the same sources, and with absolute paths every such start read and validated
 * all the YAML again, which at 10,000 programs does not fit in a 256 MB heap.
 */
export async function sourceFilesFingerprint(paths: Paths): Promise<string> {
  const catalogFiles = await listCatalogFiles(paths.catalogDir);
  const files: Array<[name: string, file: string]> = [
    ...catalogFiles.map((f): [string, string] => [`catalog/${f}`, path.join(paths.catalogDir, f)]),
    ['seeds/agencies', paths.agenciesFile],
    ['seeds/synonyms', paths.synonymsFile],
  ];
  // variants.yaml and needs.yaml are optional: hashed when present (absence hashes as no file at all).
  if (paths.variantsFile && existsSync(paths.variantsFile)) files.push(['seeds/variants', paths.variantsFile]);
  if (paths.needsFile && existsSync(paths.needsFile)) files.push(['seeds/needs', paths.needsFile]);
  const hash = createHash('sha256');
  // Each file streamed through one buffer: read whole, a 100,000-program catalog (164 MB of
  // YAML) stood in memory beside the index just loaded, a sixth of a start's peak (issue 13).
  const buffer = Buffer.allocUnsafe(HASH_READ_BYTES);
  for (const [name, file] of files) await hashFile(hash, name, file, buffer);
  return hash.digest('hex').slice(0, 16);
}

/** Bytes read at a time when hashing the source files. */
const HASH_READ_BYTES = 1 << 20;

/** `${name}\0${length}\0` and then the file's bytes, as the hash has always taken them. */
async function hashFile(hash: Hash, name: string, file: string, buffer: Buffer): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    hash.update(`${name}\0${size}\0`);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - done), done);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      done += bytesRead;
    }
    // Cut while being read: a fingerprint that matches no index (the next start looks again).
    if (done !== size) hash.update(`\0changed while read\0`);
  } finally {
    await handle.close();
  }
}

/** What an engine is made of, from the sources as read: the vocabulary and variants over `analyzer`. */
export function engineInput(sources: Sources, analyzer: Analyzer, options?: SearchEngineOptions): SearchEngineInput {
  shareLabelLists(sources.programs);
  const variants = new Variants(sources.variants);
  const vocabulary = new Vocabulary(sources.synonyms, analyzer, (t) => variants.fold(t), sources.needs);
  return { programs: sources.programs, agencies: sources.agencies, vocabulary, analyzer, variants, ...(options ? { options } : {}) };
}

/**
 * Programs with the same purposes, or the same needs (相談の種類), made to share one list: a
 * catalog repeats a few dozen combinations, and parsed from YAML or the index file each
 * program held its own array and strings (at 100,000 programs about 20 MB of the serving
 * process, which the 1 GB goal of issue 13 could not spare once needs came). The lists are
 * never changed after loading, so sharing them changes nothing anyone reads.
 */
function shareLabelLists(programs: readonly Program[]): void {
  const shared = new Map<string, string[]>();
  const share = (list: string[]) => {
    const key = list.join('\u0000');
    const known = shared.get(key);
    if (known) return known;
    shared.set(key, list);
    return list;
  };
  for (const p of programs) {
    if (p.purposes?.length) p.purposes = share(p.purposes) as typeof p.purposes;
    if (p.needs?.length) p.needs = share(p.needs);
  }
}

/**
 * An engine from a serialised index, analysing queries with the index's lexicon (no
 * kuromoji); undefined when the index was built from other sources.
 */
export async function engineFromIndex(json: SerializedSearchIndex, sources: Sources, options?: SearchEngineOptions, verified = false): Promise<SearchEngine | undefined> {
  const lexicon = new LexiconAnalyzer(json.lexicon ?? []);
  try {
    return await SearchEngine.fromJSON(json, engineInput(sources, lexicon, options), { verified });
  } catch (error) {
    if (error instanceof StaleIndexError) return undefined;
    throw error;
  }
}

/**
 * The engine for the configured catalog. When `paths.indexFile` holds an index built from
 * exactly this catalog, agencies and vocabulary, it is loaded and queries are analysed by
 * its lexicon: no kuromoji dictionary (about 0.5–1 s and 130 MiB) in this process. Otherwise
 * the catalog is analysed with kuromoji now.
 */
export async function loadSearchEngine(paths: Paths, options: LoadSearchEngineOptions = {}): Promise<LoadedSearchEngine> {
  const first = await loadOrLock(paths, options);
  if (!('written' in first)) return first;
  // Another process rebuilt the index file meanwhile: loaded again, holding its lock (so that if
  // it is still stale only this one rebuilds it), once the first look's index and sources are
  // let go (at 100,000 programs both are hundreds of MB).
  try {
    return (await loadOrLock(paths, { ...options, lockHeld: true })) as LoadedSearchEngine;
  } finally {
    await first.written.release();
  }
}

/** loadSearchEngine's one look; `written`: the index file was written by another process since this one read it, and its lock is held. */
async function loadOrLock(paths: Paths, options: LoadSearchEngineOptions): Promise<LoadedSearchEngine | { written: IndexLock }> {
  const began = Date.now();
  const useIndexFile = options.useIndexFile !== false;
  const { json, refused } = useIndexFile ? await readIndexFileOrWhy(paths.indexFile) : {};
  // Imported programs (shien sync) live in the data directory, not in the files hashed here:
  // an index holding any, or a start that serves any, is checked against the sources as read
  // (below), never taken on trust.
  const holdsImported = json?.sources?.programs.some(isImported) ?? false;
  if (json?.sources && !options.sources && !holdsImported && json.code === BUILD_ID && json.files === (await sourceFilesFingerprint(paths)) && !(await importedPrograms()).length) {
    // The sources the file itself holds, hashed when it was written: no need to hash them again.
    const engine = await engineFromIndex(json, json.sources, options.engine, true);
    const catalog = json.catalog;
    if (engine) return { engine, source: 'index-file', fingerprint: () => catalog, files: json.files };
  }
  // Before reading the sources: a file changed meanwhile then makes the next start look again.
  const files = options.persist && paths.persistIndex ? (options.filesFingerprint ?? (await sourceFilesFingerprint(paths))) : undefined;
  // The index cannot be used as it is: the catalog's YAML is read (and analysed, unless the index
  // still matches it). In a container too small for that, the kernel would stop the start.
  const limit = useIndexFile && !options.analyzer ? (options.memoryLimitBytes ?? memoryLimit()) : undefined;
  if (!options.sources) await checkCatalogRead(paths, `${json ? '検索索引がカタログのファイルと一致しないため' : `${refused ?? '検索索引がありません'}。`}カタログの YAML を読み直す`, limit);
  const sources = options.sources ?? (await readSources(paths));
  const fingerprint = () => sourcesFingerprint(sources);
  if (json) {
    const engine = await engineFromIndex(json, sources, options.engine);
    if (engine) return { engine, source: 'index-file', fingerprint };
  }
  const stale = !useIndexFile ? undefined : json ? '検索索引がカタログ (または agencies.yaml / synonyms.yaml) と一致しません' : (refused ?? '検索索引がありません');
  if (stale) refuseShort(shortfall(rebuildNeedsMiB(sources.programs.length), limit), limit, `${stale}。索引を作り直す`, paths);
  // One process rebuilds the file at a time (index-lock.ts); one that waited loads what was written.
  const lock = files !== undefined && useIndexFile && !options.lockHeld ? await takeIndexLock(paths.indexFile, { ...(options.onWaitForIndex ? { onWait: options.onWaitForIndex } : {}) }) : undefined;
  // Looked at again once the lock is ours: a process that held it may have written the file after
  // this one read it, even if this one never waited (it came just after). Both rebuilt, in review.
  if (lock && (lock.waited || (await modifiedSince(paths.indexFile, began)))) return { written: lock };
  try {
    return await buildAndSave(paths, options, sources, files, stale);
  } finally {
    await lock?.release();
  }
}

/** Whether `file` was modified at or after `time` (ms since the epoch); false when it is not there. */
async function modifiedSince(file: string, time: number): Promise<boolean> {
  try {
    return (await stat(file)).mtimeMs >= time;
  } catch {
    return false;
  }
}

/** loadSearchEngine's last step: the catalog analysed now, and the index written when `files` (persist) says so. */
async function buildAndSave(paths: Paths, options: LoadSearchEngineOptions, sources: Sources, files: string | undefined, stale: string | undefined): Promise<LoadedSearchEngine> {
  const useIndexFile = options.useIndexFile !== false;
  const fingerprint = () => sourcesFingerprint(sources);
  // kuromoji (23 modules, then its dictionary) only when analysing: a start from the index never loads it.
  const analyzer = options.analyzer ?? (await (await import('./analyzer.js')).loadAnalyzer());
  // Sudachi's synonym dictionary is read only here, when analysing; the index keeps what it needs of it.
  const engine = await SearchEngine.build({ ...engineInput(sources, analyzer, options.engine), generalSynonymGroups: await loadSudachiGroups() });
  let wrote: string | undefined;
  let writeFailed: string | undefined;
  if (files !== undefined && useIndexFile) {
    // Saving is for the next start; a read-only directory must not stop this one.
    try {
      await writeIndexFile(paths.indexFile, engine, sources, files);
      wrote = paths.indexFile;
    } catch (error) {
      writeFailed = error instanceof ForeignFileError ? error.message : `${paths.indexFile} に書き込めません (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }
  return { engine, analyzer, source: 'built', fingerprint, ...(stale ? { stale } : {}), ...(wrote ? { wrote } : {}), ...(writeFailed ? { writeFailed } : {}) };
}

/** A file at the index's path that is no index (mayReplaceWithIndex): left as it is. */
export class ForeignFileError extends Error {
  override name = 'ForeignFileError';
}

/**
 * Writes the index file atomically, with what it was built from; returns its size in bytes.
 * Refuses (ForeignFileError) to replace a file that is no index.
 * `files`: sourceFilesFingerprint of the files `sources` were read from (the bench writes its
 * synthetic catalogs' indexes with it, so they load as a deployment's does).
 */
export async function writeIndexFile(file: string, engine: SearchEngine, sources: Sources, files: string): Promise<number> {
  if (!(await mayReplaceWithIndex(file))) throw new ForeignFileError(`${file} は検索索引のファイルではないため、上書きしません (SHIEN_INDEX_FILE を確かめてください)`);
  const content: IndexFile = { ...engine.toJSON(), files, code: BUILD_ID, sources };
  let bytes = 0;
  const counted = function* () {
    for (const chunk of indexFileChunks(content)) {
      bytes += chunk.byteLength;
      yield chunk;
    }
  };
  await writeFileAtomic(file, counted());
  return bytes;
}

/** Builds the index with kuromoji and writes it to `paths.indexFile` (atomically). */
export async function writeSearchIndex(paths: Paths): Promise<{ engine: SearchEngine; bytes: number }> {
  const files = await sourceFilesFingerprint(paths);
  const sources = await readSources(paths);
  const { engine } = await loadSearchEngine(paths, { useIndexFile: false, sources });
  return { engine, bytes: await writeIndexFile(paths.indexFile, engine, sources, files) };
}
