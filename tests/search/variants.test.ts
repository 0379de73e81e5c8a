/**
 * Spelling variants (seeds/variants.yaml and the built-in long-vowel folds): either spelling
 * finds a program written with the other, through kuromoji and as served from the index.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../src/catalog/load.js';
import type { Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { SearchEngine } from '../../src/search/engine.js';
import { engineFromIndex, sourceFilesFingerprint } from '../../src/search/load.js';
import { Variants } from '../../src/search/variants.js';
import { readVariantsFile, type VariantsFile } from '../../src/search/variants-file.js';
import { vocabularyFromObject } from '../../src/search/synonyms-file.js';
import { ANALYZER_TIMEOUT, bundledEngines, bundledPaths, ENGINE_KINDS, type Engines, ids, program, TEST_AGENCY, tempDir } from './support.js';

const SHOGAISHA_KOYO = 'p-7b3b5e5ca0';

let analyzer: Analyzer;
let bundled: Engines;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  bundled = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

async function variantEngines(programs: Program[], file: VariantsFile): Promise<Engines> {
  const variants = new Variants(file);
  const vocabulary = vocabularyFromObject({}, analyzer);
  const kuromoji = await SearchEngine.build({ programs, agencies: [TEST_AGENCY], vocabulary, analyzer, variants });
  const served = await engineFromIndex(kuromoji.toJSON(), { programs, agencies: [TEST_AGENCY], synonyms: vocabulary.source, variants: file });
  return { kuromoji, served: served! };
}

describe('the bundled seeds', () => {
  it('障がい者 and 障碍者 find the program written 障害者', () => {
    for (const kind of ENGINE_KINDS) {
      expect(bundled[kind].get(SHOGAISHA_KOYO)?.name).toContain('障害者');
      for (const q of ['障がい者', '障碍者', '障がい者を雇用したい']) expect(ids(bundled[kind].search(q)).slice(0, 3), `${kind} ${q}`).toContain(SHOGAISHA_KOYO);
    }
  });
});

describe('folding (hand-made catalogs, both engines)', () => {
  const programs = [
    program('torikumi', '働き方改革の取り組み支援', { overview: '職場の取り組みを支える。' }),
    program('toiawase', '窓口', { overview: '問合せに応じる。' }),
    program('server', 'サーバ保守講座', { overview: 'コンピューターの使い方。' }),
    program('other', '販路開拓相談会', { overview: '商品の販路について相談に応じる。' }),
  ];
  const file: VariantsFile = { variants: [['取組', '取り組み', '取組み', '取り組'], ['問合せ', '問い合わせ']] };

  it('a variant in the query finds the text with the other spelling, and the reverse', async () => {
    const e = await variantEngines(programs, file);
    for (const kind of ENGINE_KINDS) {
      expect(ids(e[kind].search('取組')), kind).toEqual(['torikumi']);
      expect(ids(e[kind].search('取り組み')), kind).toEqual(['torikumi']);
      expect(ids(e[kind].search('問い合わせ')), kind).toEqual(['toiawase']);
      expect(ids(e[kind].search('サーバー')), kind).toEqual(['server']);
      expect(ids(e[kind].search('コンピュータ')), kind).toEqual(['server']);
      expect(ids(e[kind].search('サ-バ')), kind).toEqual(['server']);
    }
  });

  it('the word is highlighted as the program writes it', async () => {
    const e = await variantEngines(programs, file);
    const hit = e.kuromoji.search('問い合わせ').hits[0]!;
    expect(hit.snippet.text).toContain('問合せ');
    expect(hit.snippet.highlights.length).toBeGreaterThan(0);
  });

  it('without the table the spellings stay apart (the table is what folds them)', async () => {
    const e = await variantEngines(programs, { variants: [] });
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('問い合わせ')), kind).toEqual([]);
  });

  it('an index built with other variants is stale', async () => {
    const e = await variantEngines(programs, file);
    const vocabulary = vocabularyFromObject({}, analyzer);
    const other = await engineFromIndex(e.kuromoji.toJSON(), { programs, agencies: [TEST_AGENCY], synonyms: vocabulary.source, variants: { variants: [['売場', '売り場']] } });
    expect(other).toBeUndefined();
  });
});

describe('variants.yaml', () => {
  it('a form listed twice is refused with its line', async () => {
    const dir = await tempDir('variants');
    const file = path.join(dir, 'variants.yaml');
    await writeFile(file, 'variants:\n  - [障害, 障がい]\n  - [障碍, 障がい]\n');
    const error = await readVariantsFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatalogError);
    const [problem] = (error as CatalogError).problems;
    expect(problem?.line).toBe(3);
    expect(problem?.message).toContain('障がい');
  });

  it('a group of one form is refused; a missing file is no table', async () => {
    const dir = await tempDir('variants');
    const file = path.join(dir, 'variants.yaml');
    await writeFile(file, 'variants:\n  - [障害]\n');
    await expect(readVariantsFile(file)).rejects.toBeInstanceOf(CatalogError);
    expect(await readVariantsFile(path.join(dir, 'absent.yaml'))).toEqual({ variants: [] });
  });

  it('is part of the source files fingerprint', async () => {
    const dir = await tempDir('variants');
    const seeds = bundledPaths();
    await mkdir(path.join(dir, 'catalog'));
    const paths = { ...seeds, variantsFile: path.join(dir, 'variants.yaml') };
    await writeFile(paths.variantsFile, 'variants:\n  - [障害, 障がい]\n');
    const before = await sourceFilesFingerprint(paths);
    await writeFile(paths.variantsFile, 'variants:\n  - [障害, 障碍]\n');
    expect(await sourceFilesFingerprint(paths)).not.toBe(before);
  });
});
