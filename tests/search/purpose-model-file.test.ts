/**
 * The purpose and need models stored in the index file (purpose-model.ts toJSON/fromJSON,
 * catalog-index.ts): a serving process reads their counts instead of counting every 相談例 on
 * its first colloquial question, and reads exactly what it would have counted.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { CatalogIndex } from '../../src/search/catalog-index.js';
import { SearchEngine, StaleIndexError, type SerializedSearchIndex } from '../../src/search/engine.js';
import { loadEvalQueries } from '../../src/search/evaluate.js';
import { encodeIndexFile } from '../../src/search/index-file.js';
import { LexiconAnalyzer } from '../../src/search/lexicon-analyzer.js';
import { engineFromIndex, engineInput, loadSearchEngine, readIndexFile, readSources, sourceFilesFingerprint, writeIndexFile, type Sources } from '../../src/search/load.js';
import { PurposeModel, type SerializedPurposeModel } from '../../src/search/purpose-model.js';
import { ANALYZER_TIMEOUT, bundledPaths, QUERIES_FILE, tempDir, exampleSource } from './support.js';

/** Examples as word lists, each with its program. */
const source = exampleSource;
const q = (...words: string[]) => words.map((w) => new Set([w]));
/** Through JSON text, as the index file holds it. */
const throughText = (json: SerializedPurposeModel) => JSON.parse(JSON.stringify(json)) as SerializedPurposeModel;

describe('PurposeModel.toJSON / fromJSON', () => {
  // Program 2 has three needs (its example counts a third for each: no round number), program
  // 3 none; 返済, 見直す… are said by no example, only by a need's name.
  const needs = [['運転資金を借りたい'], ['販路を広げたい'], ['運転資金を借りたい', '返済を見直したい', '販路を広げたい'], []];
  const nameWords: Record<string, string[]> = { 運転資金を借りたい: ['運転', '資金', '借りる'], 販路を広げたい: ['販路', '広げる'], 返済を見直したい: ['返済', '見直す'] };
  const examples = source([
    { doc: 0, words: ['給料', '口座', '資金'] },
    { doc: 1, words: ['百貨店', '売る'] },
    { doc: 1, words: ['海外', '売る', '口座'] },
    { doc: 2, words: ['借入', '条件', '資金'] },
    { doc: 3, words: ['補助金', '売る'] },
  ]);
  const built = PurposeModel.build(examples, (doc) => needs[doc], (label) => nameWords[label] ?? [], 3);
  const questions = [q('給料', '口座'), q('売る'), q('返済', '見直す'), q('借入', '海外', '宇宙'), q('資金', '販路'), q('宇宙'), [new Set(['サラリー', '返済'])]];

  it('gives the same posteriors, to the last bit, and the same labels', () => {
    const loaded = PurposeModel.fromJSON(throughText(built.toJSON(examples)), examples);
    expect(loaded.purposes).toEqual(built.purposes);
    for (const question of questions) expect(loaded.posterior(question), JSON.stringify(question.map((s) => [...s]))).toEqual(built.posterior(question));
    // The questions read something, the need names' own words too.
    expect(built.likeliest(q('返済', '見直す'), 0.5)?.purpose).toBe('返済を見直したい');
    expect(questions.filter((question) => built.posterior(question)).length).toBe(questions.length - 1);
  });

  it('names the 相談例 words by position, and stores the words only need names say', () => {
    const json = built.toJSON(examples);
    expect(json.ownWords.sort()).toEqual(['借りる', '広げる', '見直す', '販路', '返済', '運転']);
    // 補助金 is said only by program 3's example, which has no need: no word of the model.
    const positions = [...examples.words()].map(([w]) => w);
    expect(json.sourceWords.map((i) => positions[i])).not.toContain('補助金');
    expect(json.sourceWords.map((i) => positions[i])).toContain('給料');
  });

  it('refuses counts that do not fit the 相談例 beside them (StaleIndexError: the index is made again)', () => {
    const json = built.toJSON(examples);
    const fewer = source([{ doc: 0, words: ['給料'] }]);
    expect(() => PurposeModel.fromJSON(json, fewer)).toThrow(StaleIndexError);
    expect(() => PurposeModel.fromJSON({ ...json, entryCount: json.entryCount.slice(1) }, examples)).toThrow(StaleIndexError);
    expect(() => PurposeModel.fromJSON(undefined as unknown as SerializedPurposeModel, examples)).toThrow(StaleIndexError);
  });
});

describe('the bundled catalog’s models, through its index file', () => {
  let analyzer: Analyzer;
  let sources: Sources;
  let dir: string;
  let file: string;
  let colloquial: string[];

  beforeAll(async () => {
    analyzer = await loadAnalyzer();
    sources = await readSources(bundledPaths());
    const built = await SearchEngine.build(engineInput(sources, analyzer));
    dir = await tempDir('purpose-model-file');
    file = path.join(dir, 'search-index.bin');
    await writeIndexFile(file, built, sources, await sourceFilesFingerprint(bundledPaths()));
    colloquial = (await loadEvalQueries(QUERIES_FILE)).filter((x) => x.kind === 'colloquial').map((x) => x.query);
  }, ANALYZER_TIMEOUT);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The index file read again (loading consumes what was read). */
  const read = async () => (await readIndexFile(file))! as SerializedSearchIndex;
  const catalogOf = (engine: SearchEngine) => (engine as unknown as { catalog: CatalogIndex }).catalog;

  /**
   * Served from the index file as the bot serves it, and served from it by an analyser that
   * splits as its lexicon does but is not one: that engine counts the models itself, as every
   * serving process did before they were stored.
   */
  async function bothEngines(): Promise<{ stored: SearchEngine; counted: SearchEngine; lexicon: LexiconAnalyzer }> {
    const stored = (await engineFromIndex(await read(), sources))!;
    const json = await read();
    const lexicon = new LexiconAnalyzer(json.lexicon);
    const sameSplit: Analyzer = { analyze: () => lexicon.analyze(), units: (t) => lexicon.units(t) };
    const counted = await SearchEngine.fromJSON(json, engineInput(sources, sameSplit));
    return { stored, counted, lexicon };
  }

  it('a served process counts no model, on loading or on its colloquial questions', async () => {
    const build = vi.spyOn(PurposeModel, 'build');
    try {
      const { stored, counted } = await bothEngines();
      for (const question of colloquial.slice(0, 5)) stored.search(question);
      expect(build).not.toHaveBeenCalled();
      // The other engine does (one purpose model, one need model), so the spy sees a build.
      for (const question of colloquial.slice(0, 5)) counted.search(question);
      expect(build).toHaveBeenCalledTimes(2);
    } finally {
      build.mockRestore();
    }
  });

  it('reads the same posteriors as the models counted from the same words', async () => {
    const { stored, counted, lexicon } = await bothEngines();
    const [a, b] = [catalogOf(stored), catalogOf(counted)];
    let read = 0;
    for (const question of colloquial) {
      const words = lexicon.units(question).map((u) => new Set([u.term, ...u.parts]));
      for (const model of ['purposeModel', 'needModel'] as const) {
        const post = b[model]().posterior(words);
        if (post) read++;
        expect(a[model]().posterior(words), `${model}: ${question}`).toEqual(post);
      }
      expect(a.needModel().purposes).toEqual(b.needModel().purposes);
    }
    expect(read).toBeGreaterThan(colloquial.length);
  });

  it(`answers the list’s colloquial questions exactly as the engine that counts them`, async () => {
    const { stored, counted } = await bothEngines();
    expect(colloquial.length).toBeGreaterThan(20);
    let byCategory = 0;
    for (const question of colloquial) {
      const answer = stored.search(question);
      expect(answer, question).toEqual(counted.search(question));
      if (answer.categoryRead) byCategory++;
    }
    // The models decide something in these answers.
    expect(byCategory).toBeGreaterThan(0);
  });

  it('refuses an index of the version before (no models) as stale, and the start indexes the catalog', async () => {
    const old: Partial<SerializedSearchIndex> = { ...(await read()), version: 5 };
    delete old.purposeModel;
    delete old.needModel;
    await expect(SearchEngine.fromJSON(old as SerializedSearchIndex, engineInput(sources, analyzer))).rejects.toThrow(/索引の形式が違います/);
    expect(await engineFromIndex(old as SerializedSearchIndex, sources)).toBeUndefined();
    const oldFile = path.join(dir, 'old.bin');
    await writeFile(oldFile, encodeIndexFile(old as SerializedSearchIndex));
    const loaded = await loadSearchEngine({ ...bundledPaths(), indexFile: oldFile }, { analyzer });
    expect(loaded.source).toBe('built');
  });

  it('refuses an index of this version without the models as stale', async () => {
    const cut: Partial<SerializedSearchIndex> = await read();
    delete cut.needModel;
    expect(await engineFromIndex(cut as SerializedSearchIndex, sources)).toBeUndefined();
  });
});
