/** Shared helpers for the search tests (not a test file itself). */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agency, Program } from '../../src/catalog/schema.js';
import { loadPaths } from '../../src/config.js';
import type { Analyzer } from '../../src/search/analyzer.js';
import { SearchEngine, type SearchEngineInput, type SearchResponse } from '../../src/search/engine.js';
import { engineFromIndex, loadSearchEngine, readSources, type Sources } from '../../src/search/load.js';
import { vocabularyFromObject, type SynonymsFile } from '../../src/search/synonyms-file.js';
import type { PurposeModelSource } from '../../src/search/purpose-model.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const QUERIES_FILE = path.join(ROOT, 'tests', 'fixtures', 'queries.yaml');
/** The second tuning set: colloquial questions written blind from the catalog (see its header). */
export const BLIND_FILE = path.join(ROOT, 'tests', 'fixtures', 'queries-blind.yaml');
/** Held out from tuning: only aggregate figures are ever printed or checked (see eval.test.ts). */
export const HELD_OUT_FILE = path.join(ROOT, 'tests', 'fixtures', 'queries-heldout.yaml');

/** Programs of the bundled catalog that several suites look for. */
/** The 事業承継 programs (事業承継 in their name). */
export const SHOKEI_BY_NAME = ['p-2e0f5bf4e6', 'p-4f62eb0024', 'p-eaac13fe65', 'p-c4ca02556f', 'p-a8871a7921'];
/** The 創業 programs (創業 in their name). */
export const SOGYO_BY_NAME = ['p-14b8a86b25', 'p-fd01c70e21', 'p-b3d55ef1b9', 'p-709304e796', 'p-06b0ec032c'];
/**
 * The first five answers to 創業, as every surface shows them: the five programs named for it.
 * (From issue 16's 相談例 until session 21, 経営指導員・専門家等によるハンズオン支援 (p-53cdda3736)
 * was fifth through its 相談例; words typed apart no longer search the 相談例.)
 */
export const SOGYO_TOP5 = ['p-14b8a86b25', 'p-fd01c70e21', 'p-b3d55ef1b9', 'p-709304e796', 'p-06b0ec032c'];
/** ドローン関連ビジネス育成支援事業 */
export const DRONE = 'p-3a0f629b1f';

/** kuromoji's dictionary takes a second or two to load; hooks that load it get this long. */
export const ANALYZER_TIMEOUT = 60_000;

/**
 * The two ways an engine answers queries: `kuromoji` analyses them with the dictionary (what
 * `npm run eval` measures, and what a process without a current prebuilt index uses);
 * `served` loads the serialised index and splits queries by its lexicon (what the bot and the
 * CLI use once `npm run build` has written dist/search-index.json). Users see either.
 */
export type EngineKind = 'kuromoji' | 'served';
export const ENGINE_KINDS: EngineKind[] = ['kuromoji', 'served'];
export type Engines = Record<EngineKind, SearchEngine>;

/** Paths of the bundled seeds, whatever the environment says. */
export const bundledPaths = () => loadPaths({});

/** The kuromoji engine on the bundled catalog, agencies and synonyms (never the prebuilt index file). */
export async function bundledEngine(analyzer: Analyzer): Promise<SearchEngine> {
  return (await loadSearchEngine(bundledPaths(), { analyzer, useIndexFile: false })).engine;
}

/** The engine as served from the serialised form of `built` (lexicon analysis, no kuromoji). */
export async function servedFrom(built: SearchEngine, sources: Sources): Promise<SearchEngine> {
  const engine = await engineFromIndex(built.toJSON(), sources);
  if (!engine) throw new Error('the serialised index does not match its own sources');
  return engine;
}

/** Both engines on the bundled catalog. */
export async function bundledEngines(analyzer: Analyzer): Promise<Engines> {
  const kuromoji = await bundledEngine(analyzer);
  return { kuromoji, served: await servedFrom(kuromoji, await readSources(bundledPaths())) };
}

/** The one implementing body of the hand-made catalogs. */
export const TEST_AGENCY: Agency = { id: 'test-body', name: 'テスト支援機関', kind: '団体', aliases: ['テスト機関'] };

/** A hand-made program: id and name are enough, the rest is optional. */
export function program(id: string, name: string, fields: Partial<Omit<Program, 'id' | 'name'>> = {}): Program {
  return { id, name, agency: TEST_AGENCY.name, ...fields };
}

/** The input of an engine built on hand-made programs and (by default) no synonyms at all. */
export function tinyInput(analyzer: Analyzer, programs: Program[], synonyms: Partial<SynonymsFile> = {}): SearchEngineInput {
  return { programs, agencies: [TEST_AGENCY], vocabulary: vocabularyFromObject(synonyms, analyzer), analyzer };
}

/** The kuromoji engine on hand-made programs. */
export function tinyEngine(analyzer: Analyzer, programs: Program[], synonyms: Partial<SynonymsFile> = {}): Promise<SearchEngine> {
  return SearchEngine.build(tinyInput(analyzer, programs, synonyms));
}

/** Both engines on hand-made programs. */
export async function tinyEngines(analyzer: Analyzer, programs: Program[], synonyms: Partial<SynonymsFile> = {}): Promise<Engines> {
  const input = tinyInput(analyzer, programs, synonyms);
  const kuromoji = await SearchEngine.build(input);
  const sources: Sources = { programs, agencies: [TEST_AGENCY], synonyms: input.vocabulary.source };
  return { kuromoji, served: await servedFrom(kuromoji, sources) };
}

/** Ids of the hits, best first. */
export function ids(response: SearchResponse): string[] {
  return response.hits.map((h) => h.program.id);
}

/** Names of the hits, best first. */
export function names(response: SearchResponse): string[] {
  return response.hits.map((h) => h.program.name);
}

/** The text a reader sees of a program (name, overview, R4 results), width- and case-folded. */
export function readableText(p: Program): string {
  return [p.name, p.overview, p.results].filter(Boolean).join('\n').normalize('NFKC').toLowerCase();
}

/** A fresh temporary directory (the caller removes it). */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `shien-${prefix}-`));
}

/** A purpose model's source from examples as word lists, each with its program (purpose-model tests). */
export function exampleSource(examples: Array<{ doc: number; words: string[] }>): PurposeModelSource {
  const byWord = new Map<string, number[]>();
  examples.forEach((e, i) => {
    for (const w of new Set(e.words)) byWord.set(w, [...(byWord.get(w) ?? []), i]);
  });
  return { words: () => byWord.entries(), programOf: (i) => examples[i]!.doc, exampleCount: examples.length };
}
