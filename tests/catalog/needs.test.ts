/**
 * seeds/needs.yaml, the 相談の種類 a program's `needs` may name: the bundled file, a broken file
 * refused with its line and field (in Japanese), a catalog naming a need the file lacks refused
 * whole like any invalid field, an unused need a warning on stderr, no file no check, and a
 * running bot that keeps serving what it had when the file breaks and serves it when it is fixed.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, formatProblem, loadCatalog } from '../../src/catalog/load.js';
import { readNeedsFile } from '../../src/catalog/needs-file.js';
import { PURPOSES } from '../../src/catalog/schema.js';
import { loadPaths, type Paths } from '../../src/config.js';
import { LiveEngine } from '../../src/search/live.js';
import { readSources } from '../../src/search/load.js';
import { CATALOG_DIR, SEEDS_DIR, tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** The CatalogError `promise` must be refused with. */
async function refusal(promise: Promise<unknown>): Promise<CatalogError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogError);
  return error as CatalogError;
}

const AGENCIES = '- id: test-body\n  name: テスト支援機関\n  kind: 団体\n';
const NEEDS = [
  'needs:',
  '  - name: 運転資金を借りたい',
  '    description: 運転資金などの事業資金を借りたい。',
  '    purposes: [資金繰りを改善したい]',
  '  - name: 海外に輸出したい',
  '    description: 自社商品を海外に輸出したい。',
  '',
].join('\n');
const CATALOG = [
  '- id: test-loan',
  '  name: 運転資金の融資',
  '  agency: テスト支援機関',
  '  overview: 運転資金を低利で貸し付けます。',
  '  needs: [運転資金を借りたい]',
  '- id: test-export',
  '  name: 輸出の支援',
  '  agency: テスト支援機関',
  '  overview: 海外への輸出を支援します。',
  '  needs:',
  '    - 海外に輸出したい',
  '',
].join('\n');

/** A seeds directory of its own (catalog/a.yaml, agencies, synonyms, and needs.yaml unless `needs` is undefined). */
async function seeds(name: string, files: { catalog?: string; needs?: string | undefined }): Promise<Paths> {
  const dir = await tempDir(name);
  made.push(dir);
  await mkdir(path.join(dir, 'catalog'));
  await writeFile(path.join(dir, 'catalog', 'a.yaml'), files.catalog ?? CATALOG);
  await writeFile(path.join(dir, 'agencies.yaml'), AGENCIES);
  await writeFile(path.join(dir, 'synonyms.yaml'), 'groups: []\n');
  if (files.needs !== undefined) await writeFile(path.join(dir, 'needs.yaml'), files.needs);
  return { ...loadPaths({ SHIEN_SEEDS_DIR: dir }), indexFile: path.join(dir, 'index.json'), persistIndex: true };
}

describe('the bundled seeds/needs.yaml', () => {
  it('names the 70 needs, each with a description, and every need the bundled catalog lists', async () => {
    const taxonomy = (await readNeedsFile(path.join(SEEDS_DIR, 'needs.yaml')))!;
    expect(taxonomy.needs).toHaveLength(70);
    for (const need of taxonomy.needs) expect(need.description.length, need.name).toBeGreaterThan(5);
    // The check passes on the bundled catalog, and no need of the file is left without a program.
    const catalog = await loadCatalog(CATALOG_DIR, { needs: taxonomy });
    const used = new Set(catalog.programs.flatMap((p) => p.needs ?? []));
    expect(taxonomy.needs.map((n) => n.name).filter((n) => !used.has(n))).toEqual([]);
  });

  it('gives a need a purpose only when every program listing it has that purpose (how the file was derived)', async () => {
    const taxonomy = (await readNeedsFile(path.join(SEEDS_DIR, 'needs.yaml')))!;
    const catalog = await loadCatalog(CATALOG_DIR);
    for (const need of taxonomy.needs) {
      const programs = catalog.programs.filter((p) => p.needs?.includes(need.name));
      const shared = PURPOSES.filter((purpose) => programs.every((p) => p.purposes?.includes(purpose)));
      expect(need.purposes ?? [], need.name).toEqual(shared);
    }
  });
});

describe('a broken needs.yaml is refused with file, line and field, in Japanese', () => {
  it.each([
    ['an unknown field (a misspelt description)', NEEDS.replace('    description: 自社商品', '    descripton: 自社商品'), [/needs\.yaml:5 needs\[2\]\.description: 説明 \(description\) がありません/, /needs\.yaml:6 needs\[2\]\.descripton: 未知の項目 "descripton" です/]],
    ['a purpose that is not one of the 11', NEEDS.replace('[資金繰りを改善したい]', '[資金繰り]'), [/needs\.yaml:4 needs\[1\]\.purposes\[1\]: 次のどれかです: 新たな事業を行いたい .*\(書かれている値: 「資金繰り」\)/]],
    ['the same name twice (width and spaces aside)', NEEDS.replace('name: 海外に輸出したい', 'name: 運転資金を 借りたい'), [/needs\.yaml:5 needs\[2\]\.name: 「運転資金を 借りたい」は 1 番目の相談の種類と同じ名前です/]],
    ['a name longer than a need may be', NEEDS.replace('name: 海外に輸出したい', `name: ${'長'.repeat(31)}`), [/needs\.yaml:5 needs\[2\]\.name: 相談の種類の名前 \(name\) は 30 文字以内です/]],
    ['a YAML error', NEEDS.replace('[資金繰りを改善したい]', '[資金繰りを改善したい'), [/needs\.yaml:4: YAML の構文エラー: \[ または \{ が閉じられていません/]],
  ])('%s', async (_, text, expected) => {
    const paths = await seeds('needs-bad', { needs: text });
    const error = await refusal(readNeedsFile(paths.needsFile));
    const lines = error.problems.map(formatProblem);
    expect(lines).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(lines[i]).toMatch(pattern));
    // The sources the engine is made from are refused the same way.
    expect((await refusal(readSources(paths))).problems.map(formatProblem)).toEqual(lines);
  });
});

describe("the catalog's needs against needs.yaml", () => {
  it('a need the file does not name refuses the catalog whole, at the line of the need, with the names closest to it', async () => {
    const catalog = CATALOG.replace('    - 海外に輸出したい', '    - 海外に輸出したい\n    - 運転資金を借りる');
    const paths = await seeds('needs-unknown', { catalog, needs: NEEDS });
    const error = await refusal(readSources(paths));
    expect(error.problems).toEqual([
      {
        file: 'a.yaml',
        line: 12,
        entry: 1,
        field: 'needs.1',
        message: '相談の種類「運転資金を借りる」は needs.yaml にありません (近いもの: 運転資金を借りたい)。needs.yaml の名前どおりに書くか、新しい種類なら needs.yaml に加えてください',
      },
    ]);
    expect(formatProblem(error.problems[0]!)).toMatch(/^a\.yaml:12 2 件目 needs\[2\]: 相談の種類「運転資金を借りる」/);
    // Whole: the program with only known needs is not served either (as for any invalid field).
    await refusal(loadCatalog(paths.catalogDir, { needs: (await readNeedsFile(paths.needsFile))! }));
  });

  it('a need of the file no program lists is a warning on stderr, not an error', async () => {
    const needs = NEEDS + '  - name: 事業承継の準備を始めたい\n    description: 事業承継の準備を進めたい。\n';
    const paths = await seeds('needs-unused', { needs });
    const warnings: string[] = [];
    const sources = await readSources(paths, (line) => warnings.push(line));
    expect(sources.programs).toHaveLength(2);
    expect(warnings).toEqual([`警告: ${paths.needsFile} の相談の種類のうち 1 件はどの事業の needs にもありません: 事業承継の準備を始めたい`]);
  });

  it('without needs.yaml nothing is checked (seeds directories older than the file keep loading)', async () => {
    const paths = await seeds('needs-absent', { catalog: CATALOG.replace('[運転資金を借りたい]', '[どの一覧にもない相談]'), needs: undefined });
    const warnings: string[] = [];
    const sources = await readSources(paths, (line) => warnings.push(line));
    expect(sources.programs.map((p) => p.needs)).toEqual([['どの一覧にもない相談'], ['海外に輸出したい']]);
    expect(sources.needs).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});

describe('a running bot (LiveEngine) and needs.yaml', () => {
  it('a broken file or a catalog naming an unknown need is refused and the engine serving stays; a fixed file is served', async () => {
    const paths = await seeds('needs-live', { needs: NEEDS });
    const live = await LiveEngine.load(paths);
    const served = live.current;
    expect(served.vocabulary.needs?.needs.map((n) => n.name)).toEqual(['運転資金を借りたい', '海外に輸出したい']);

    await writeFile(paths.needsFile!, NEEDS.replace('    purposes: [資金繰りを改善したい]', '    purposes: [資金繰り]'));
    const broken = await live.reload();
    expect(broken.status).toBe('refused');
    expect(broken.status === 'refused' && broken.problems.map(formatProblem)).toEqual([expect.stringMatching(/needs\.yaml:4 needs\[1\]\.purposes\[1\]: 次のどれかです/)]);
    expect(live.current).toBe(served);

    await writeFile(paths.needsFile!, NEEDS);
    await writeFile(path.join(paths.catalogDir, 'a.yaml'), CATALOG.replace('[運転資金を借りたい]', '[運転資金を借りる]'));
    const unknown = await live.reload();
    expect(unknown.status === 'refused' && unknown.problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual(['a.yaml:5 needs.0']);
    expect(live.current).toBe(served);

    // Only a description changed: no word searched changes (the index's fingerprint is the same), but the list shows it.
    await writeFile(path.join(paths.catalogDir, 'a.yaml'), CATALOG);
    await writeFile(paths.needsFile!, NEEDS.replace('自社商品を海外に輸出したい。', '自社の商品を海外へ輸出したい。'));
    expect(await live.reload()).toEqual({ status: 'reloaded', programs: 2 });
    expect(live.current.vocabulary.needs?.needs[1]?.description).toBe('自社の商品を海外へ輸出したい。');
  }, 60_000);
});
