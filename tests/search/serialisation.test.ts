/**
 * The index written ahead (`npm run build` → dist/search-index.json) and loaded at start: it
 * answers exactly as the engine it was made from, and is refused for any other catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { SearchEngine, type SearchEngineInput, type SerializedSearchIndex } from '../../src/search/engine.js';
import { decodeIndexFile, encodeIndexFile } from '../../src/search/index-file.js';
import { engineFromIndex, engineInput, loadSearchEngine, readSources, type Sources } from '../../src/search/load.js';
import { Vocabulary } from '../../src/search/vocabulary.js';
import { ANALYZER_TIMEOUT, bundledPaths, ids, tempDir } from './support.js';

const QUERIES = [
  '創業',
  'ＤＸ',
  'じぎょうしょうけい',
  'お金を借りたい',
  '海外に売りたい',
  '機関:ジェトロ 商談会',
  '予算:1000万以上 輸出',
  '"事業承継"',
  'ドローン 宇宙',
  'ふがふがほげ',
  '予算:たくさん 補助金',
];

let analyzer: Analyzer;
let sources: Sources;
let input: SearchEngineInput;
let built: SearchEngine;
/** The index as it is written to the file (index-file.ts: JSON and the packed postings). */
let written: Buffer;
const made: string[] = [];

beforeAll(async () => {
  analyzer = await loadAnalyzer();
  sources = await readSources(bundledPaths());
  input = engineInput(sources, analyzer);
  built = await SearchEngine.build(input);
  written = encodeIndexFile(built.toJSON());
}, ANALYZER_TIMEOUT);

afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const reread = () => decodeIndexFile(written) as SerializedSearchIndex;

describe('SearchEngine.fromJSON', () => {
  it(`answers ${QUERIES.length} queries exactly as the engine it was made from`, async () => {
    const restored = await SearchEngine.fromJSON(reread(), input);
    expect(restored.size).toBe(built.size);
    for (const q of QUERIES) {
      const expected = built.search(q);
      expect(expected.hits.length + (expected.suggestions ? 1 : 0), q).toBeGreaterThan(0);
      expect(restored.search(q), q).toEqual(expected);
    }
  });

  it('gives the same similar programs', async () => {
    const restored = await SearchEngine.fromJSON(reread(), input);
    for (const id of ['p-2e0f5bf4e6', 'p-3a0f629b1f', 'p-b121366c16']) expect(restored.similar(id), id).toEqual(built.similar(id));
  });

  it('is refused for a catalog where one overview changed, with the Japanese 別のカタログ message', async () => {
    const programs = input.programs.map((p, i) => (i === 10 ? { ...p, overview: `${p.overview ?? ''}（補正）` } : p));
    await expect(SearchEngine.fromJSON(reread(), { ...input, programs })).rejects.toThrow(/別のカタログ/);
  });

  it('is refused for a catalog with a program fewer', async () => {
    await expect(SearchEngine.fromJSON(reread(), { ...input, programs: input.programs.slice(1) })).rejects.toThrow(/別のカタログ/);
  });

  it('is refused when synonyms.yaml changed (the vocabulary is part of the index)', async () => {
    const synonyms = { ...sources.synonyms, groups: [...sources.synonyms.groups, ['ドローン', '無人航空機']] };
    await expect(SearchEngine.fromJSON(reread(), { ...input, vocabulary: new Vocabulary(synonyms, analyzer) })).rejects.toThrow(/synonyms\.yaml/);
  });

  it('is refused when agencies.yaml changed', async () => {
    const agencies = input.agencies.map((a, i) => (i === 0 ? { ...a, aliases: [...a.aliases, '新産業室'] } : a));
    await expect(SearchEngine.fromJSON(reread(), { ...input, agencies })).rejects.toThrow(/agencies\.yaml/);
  });

  it('is refused, with its own message, when the index format is another version', async () => {
    const json = { ...reread(), version: 999 };
    await expect(SearchEngine.fromJSON(json, input)).rejects.toThrow(/索引の形式が違います/);
  });
});

describe('loading at start (loadSearchEngine with a prebuilt index file)', () => {
  it('uses an index file made from this catalog, and answers as the engine that wrote it', async () => {
    const dir = await tempDir('search-index');
    made.push(dir);
    const indexFile = path.join(dir, 'search-index.json');
    await writeFile(indexFile, written);
    const loaded = await loadSearchEngine({ ...bundledPaths(), indexFile });
    expect(loaded.source).toBe('index-file');
    for (const q of ['創業', '機関:ジェトロ', 'そうぎょう', '後継ぎがいない']) {
      expect(ids(loaded.engine.search(q)).slice(0, 5), q).toEqual(ids(built.search(q)).slice(0, 5));
    }
  });

  it('ignores an index file made from another catalog and indexes the catalog it has', async () => {
    const dir = await tempDir('search-stale');
    made.push(dir);
    const indexFile = path.join(dir, 'search-index.json');
    await writeFile(indexFile, written);
    const catalogDir = path.join(dir, 'catalog');
    await cp(bundledPaths().catalogDir, catalogDir, { recursive: true });
    const file = path.join(catalogDir, 'shoukougyou-shinkou-plan-kankei-kikan-r5.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('name: ドローン関連ビジネス育成支援事業');
    await writeFile(file, text.replace('name: ドローン関連ビジネス育成支援事業', 'name: ドローン・空飛ぶクルマ関連ビジネス育成支援事業'));

    const loaded = await loadSearchEngine({ ...bundledPaths(), catalogDir, indexFile }, { analyzer });
    expect(loaded.source).toBe('built');
    expect(loaded.engine.search('空飛ぶクルマ').hits.map((h) => h.program.name)).toEqual(['ドローン・空飛ぶクルマ関連ビジネス育成支援事業']);
  });

  it('a missing or unreadable index file is no error: the catalog is indexed', async () => {
    const dir = await tempDir('search-missing');
    made.push(dir);
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"version": 1, "catalog": ');
    for (const indexFile of [path.join(dir, 'absent.json'), broken]) {
      const loaded = await loadSearchEngine({ ...bundledPaths(), indexFile }, { analyzer });
      expect(loaded.source, indexFile).toBe('built');
      expect(ids(loaded.engine.search('創業')), indexFile).toEqual(ids(built.search('創業')));
    }
  });

  it('refuses an index file cut in the middle of a section, or of an older container, saying which file and why, and indexes the catalog', async () => {
    const dir = await tempDir('search-refused');
    made.push(dir);
    const cut = path.join(dir, 'cut.bin');
    // Halfway through the JSON sections, which follow the header (16 bytes) and the postings.
    const sectionsStart = 16 + written.readUInt32LE(8) * 4;
    await writeFile(cut, written.subarray(0, sectionsStart + Math.floor((written.length - sectionsStart) / 2)));
    const older = path.join(dir, 'older.bin');
    await writeFile(older, Buffer.concat([Buffer.from('SHIENIX2', 'latin1'), written.subarray(8)]));
    for (const [indexFile, why] of [
      [cut, `${cut} は途中で切れています (区画の途中)`],
      [older, `${older} は別の形式の検索索引です (SHIENIX2、必要 SHIENIX4)`],
      [path.join(dir, 'absent.bin'), '検索索引がありません'],
    ] as const) {
      const loaded = await loadSearchEngine({ ...bundledPaths(), indexFile }, { analyzer });
      expect(loaded.source, indexFile).toBe('built');
      expect(loaded.stale, indexFile).toContain(why);
      expect(ids(loaded.engine.search('創業')), indexFile).toEqual(ids(built.search('創業')));
    }
  });

  it('engineFromIndex gives no engine for another catalog (so the caller rebuilds)', async () => {
    const changed = { ...sources, programs: sources.programs.slice(0, -1) };
    expect(await engineFromIndex(reread(), changed)).toBeUndefined();
    expect(await engineFromIndex(reread(), sources)).toBeInstanceOf(SearchEngine);
  });
});
