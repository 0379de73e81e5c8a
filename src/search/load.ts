import { readFile, rename, writeFile } from 'node:fs/promises';
import { loadAgencies, loadCatalog } from '../catalog/load.js';
import type { Agency, Program } from '../catalog/schema.js';
import type { Paths } from '../config.js';
import { importedPrograms } from '../sources/serve.js';
import { loadAnalyzer, type Analyzer } from './analyzer.js';
import { SearchEngine, StaleIndexError, type SearchEngineOptions, type SerializedSearchIndex } from './engine.js';
import { LexiconAnalyzer } from './lexicon-analyzer.js';
import { readSynonymsFile, Vocabulary, type SynonymsFile } from './vocabulary.js';

export interface LoadedSearchEngine {
  engine: SearchEngine;
  /** kuromoji, when this load needed it (pass it to the next load to skip the dictionary). */
  analyzer?: Analyzer;
  /** Where the index came from: the prebuilt file, or analysed now. */
  source: 'index-file' | 'built';
}

export interface LoadSearchEngineOptions {
  /** An already loaded kuromoji analyzer (rebuilding after a catalog change). */
  analyzer?: Analyzer;
  /** The sources, when the caller has read them already (they are not read again). */
  sources?: Sources;
  /** Use the prebuilt index at paths.indexFile when it matches (default true). */
  useIndexFile?: boolean;
  engine?: SearchEngineOptions;
}

export interface Sources {
  programs: Program[];
  agencies: Agency[];
  synonyms: SynonymsFile;
}

export async function readSources(paths: Paths): Promise<Sources> {
  const [catalog, agencies, synonyms] = await Promise.all([loadCatalog(paths.catalogDir), loadAgencies(paths.agenciesFile), readSynonymsFile(paths.synonymsFile)]);
  // Programs imported by `shien sync` (SHIEN_SOURCES) are served beside the catalog's.
  return { programs: [...catalog.programs, ...(await importedPrograms())], agencies, synonyms };
}

async function readIndexFile(file: string): Promise<SerializedSearchIndex | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as SerializedSearchIndex;
  } catch {
    return undefined; // absent or unreadable: build instead
  }
}

/**
 * An engine from a serialised index, analysing queries with the index's lexicon (no
 * kuromoji); undefined when the index was built from other sources.
 */
export async function engineFromIndex(json: SerializedSearchIndex, sources: Sources, options?: SearchEngineOptions): Promise<SearchEngine | undefined> {
  const lexicon = new LexiconAnalyzer(json.lexicon ?? []);
  const vocabulary = new Vocabulary(sources.synonyms, lexicon);
  try {
    return await SearchEngine.fromJSON(json, { programs: sources.programs, agencies: sources.agencies, vocabulary, analyzer: lexicon, options });
  } catch (error) {
    if (error instanceof StaleIndexError) return undefined;
    throw error;
  }
}

/**
 * The engine for the configured catalog. When `paths.indexFile` holds an index built from
 * exactly this catalog, agencies and vocabulary, it is loaded and queries are analysed by
 * its lexicon: no kuromoji dictionary (about 0.5–1 s and 300 MB) in this process. Otherwise
 * the catalog is analysed with kuromoji now.
 */
export async function loadSearchEngine(paths: Paths, options: LoadSearchEngineOptions = {}): Promise<LoadedSearchEngine> {
  const sources = options.sources ?? (await readSources(paths));
  if (options.useIndexFile !== false) {
    const json = await readIndexFile(paths.indexFile);
    const engine = json && (await engineFromIndex(json, sources, options.engine));
    if (engine) return { engine, source: 'index-file' };
  }
  const analyzer = options.analyzer ?? (await loadAnalyzer());
  const vocabulary = new Vocabulary(sources.synonyms, analyzer);
  const engine = await SearchEngine.build({ programs: sources.programs, agencies: sources.agencies, vocabulary, analyzer, options: options.engine });
  return { engine, analyzer, source: 'built' };
}

/** Builds the index with kuromoji and writes it to `paths.indexFile` (atomically). */
export async function writeSearchIndex(paths: Paths): Promise<{ engine: SearchEngine; bytes: number }> {
  const { engine } = await loadSearchEngine(paths, { useIndexFile: false });
  const text = JSON.stringify(engine.toJSON());
  const tmp = `${paths.indexFile}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, paths.indexFile);
  return { engine, bytes: Buffer.byteLength(text) };
}
