import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { programId } from '../../src/catalog/ids.js';
import { CatalogError, loadCatalog, parseCatalogFile, validateYaml, type Catalog, type CatalogProblem } from '../../src/catalog/load.js';
import { AgenciesFileSchema, PROGRAM_ID_PATTERN } from '../../src/catalog/schema.js';
import { agencyDirectory, CATALOG_DIR, ROOT, SEEDS_DIR, SOURCE_NAME, tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** A catalog directory holding `files` (relative path → YAML text). */
async function catalogDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('catalog');
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

/** The CatalogError that loading `dir` must throw. */
async function loadError(dir: string): Promise<CatalogError> {
  const error = await loadCatalog(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogError);
  return error as CatalogError;
}

describe('the bundled catalog (seeds/catalog)', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(CATALOG_DIR);
  });

  it('loads 143 programs with 143 different ids', () => {
    expect(catalog.programs).toHaveLength(143);
    const ids = catalog.programs.map((p) => p.id);
    expect(new Set(ids).size).toBe(143);
    expect(ids.filter((id) => !PROGRAM_ID_PATTERN.test(id))).toEqual([]);
    expect(catalog.fileOf.size).toBe(143);
  });

  it('names only agencies registered in seeds/agencies.yaml', async () => {
    const agencies = await agencyDirectory();
    const unknown = catalog.programs.filter((p) => !agencies.resolve(p.agency)).map((p) => `${p.name}（${p.agency}）`);
    expect(unknown).toEqual([]);
  });

  it('gives every program its source document and page', () => {
    const missing = catalog.programs.filter((p) => !p.source?.document || p.source.page === undefined).map((p) => p.name);
    expect(missing).toEqual([]);
    const fromR5 = catalog.programs.filter((p) => p.source?.document === SOURCE_NAME);
    expect(fromR5).toHaveLength(143);
    expect(fromR5.filter((p) => p.source!.page! < 1 || p.source!.page! > 63).map((p) => p.name)).toEqual([]);
  });
});

describe('loadCatalog on a valid catalog', () => {
  it('reads every YAML file of the directory, sub-directories too, and derives missing ids', async () => {
    const dir = await catalogDir({
      'a.yaml': '- name: 事業A\n  agency: 県産業立地課\n  budgetThousandYen: 1200\n  keyProjects: [2]\n',
      'more/b.yml': '- id: my-program\n  name: 事業B\n  agency: 鹿児島商工会議所\n',
      'notes.txt': 'not a catalog file',
    });
    const catalog = await loadCatalog(dir);
    expect(catalog.programs.map((p) => [p.id, p.name])).toEqual([
      [programId('県産業立地課', '事業A'), '事業A'],
      ['my-program', '事業B'],
    ]);
    expect(catalog.programs[0]!.id).toMatch(/^p-[0-9a-f]{10}$/u);
    expect(catalog.fileOf.get('my-program')).toBe(path.join('more', 'b.yml'));
  });
});

describe('what the README promises', () => {
  const readme = () => readFile(path.join(ROOT, 'README.md'), 'utf8');

  it('its example of adding a program is a valid catalog file whose source, if any, is a file under seeds/sources/', async () => {
    const section = (await readme()).split('### Adding a program')[1]!;
    const example = /```yaml\n([\s\S]*?)```/u.exec(section)?.[1];
    expect(example).toBeDefined();
    const { programs, problems } = parseCatalogFile('README.md', example!);
    expect(problems).toEqual([]);
    expect(programs).toHaveLength(1);
    const sources = await readdir(path.join(SEEDS_DIR, 'sources'));
    for (const p of programs) if (p.source) expect(sources).toContain(p.source.document);
  });

  it('requires the Node version that has Dirent.parentPath (20.12), in package.json and the README', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.12');
    expect(await readme()).toContain('Node 20.12 or newer');
  });
});

describe('loadCatalog on a broken catalog', () => {
  it.each([
    {
      kind: '": " inside an unquoted value',
      line: 5,
      text: [
        '- name: 事業A', //                              line 1
        '  agency: 県産業立地課', //                      line 2
        '- name: 事業B', //                              line 3
        '  agency: 県産業立地課', //                      line 4
        '  overview: 関係機関: 県、市', //                line 5: ": " inside an unquoted value
        '',
      ].join('\n'),
    },
    {
      kind: 'a list item indented by one space',
      line: 3,
      text: ['- name: 事業A', '  agency: 県産業立地課', ' - name: [', ''].join('\n'),
    },
    {
      kind: 'a field indented by one space instead of two',
      line: 4,
      text: ['- name: 事業A', '  agency: 県産業立地課', '- name: 事業B', ' agency: 県産業立地課', ''].join('\n'),
      says: '字下げがそろっていないか、リストの項目に「- 」がありません',
    },
  ])('reports a YAML syntax error ($kind) with its file and line', async ({ line, text, says }) => {
    const dir = await catalogDir({ 'broken.yaml': text });
    const error = await loadError(dir);
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems[0]).toMatchObject({ file: 'broken.yaml', line });
    expect(error.problems[0]!.message).toMatch(/^YAML の構文エラー: /u);
    expect(error.message).toContain(`broken.yaml:${line}: YAML の構文エラー`);
    // It said 「閉じる記号がありません」 of an indent, and the reader looked for a bracket.
    if (says) expect(error.problems[0]!.message).toContain(says);
  });

  it('reports a YAML syntax error with its file and refuses the whole catalog', async () => {
    const dir = await catalogDir({
      'good.yaml': '- name: 事業A\n  agency: 県産業立地課\n',
      'broken.yaml': '- name: 事業B\n  agency: 県産業立地課\n  overview: 関係機関: 県、市\n',
    });
    const error = await loadError(dir);
    expect(error.problems.map((p) => p.file)).toEqual(expect.arrayContaining(['broken.yaml']));
    expect(error.problems.every((p) => p.file === 'broken.yaml')).toBe(true);
    expect(error.problems[0]!.message).toContain('YAML');
  });

  describe('a file with two bad entries', () => {
    const text = [
      '# hand-written', //                   line 1
      '- agency: 県産業立地課', //            line 2  entry 0: no name
      '  overview: 名前を書き忘れた', //       line 3
      '- name: 事業B', //                     line 4  entry 1
      '  agency: 県産業立地課', //            line 5
      '  budgetThousandYen: "abc"', //        line 6  not a number
      '  keyProjects: [5]', //                line 7  no such project
      '- name: 事業C', //                     line 8  entry 2: fine
      '  agency: 県産業立地課', //            line 9
      '',
    ].join('\n');
    let error: CatalogError;
    beforeAll(async () => {
      error = await loadError(await catalogDir({ 'programs.yaml': text }));
    });

    it('reports every problem, each with file, entry, field and line', () => {
      const brief = (p: CatalogProblem) => ({ file: p.file, entry: p.entry, field: p.field, line: p.line });
      expect(error.problems.map(brief)).toEqual([
        { file: 'programs.yaml', entry: 0, field: 'name', line: 2 },
        { file: 'programs.yaml', entry: 1, field: 'budgetThousandYen', line: 6 },
        { file: 'programs.yaml', entry: 1, field: 'keyProjects.0', line: 7 },
      ]);
      expect(error.problems.every((p) => p.message.trim() !== '')).toBe(true);
      expect(error.problems[2]!.message).toContain('重点プロジェクト');
    });

    it('lists them all in the error message', () => {
      expect(error.message).toContain('3 件の問題');
      expect(error.message).toContain('programs.yaml:2 1 件目 name');
      expect(error.message).toContain('programs.yaml:6 2 件目 budgetThousandYen');
      expect(error.message).toContain('programs.yaml:7 2 件目 keyProjects[1]');
    });
  });

  it('reports problems of several files together', async () => {
    const dir = await catalogDir({
      'a.yaml': '- name: 事業A\n  agency: 県産業立地課\n  fiscalYear: R5\n',
      'b.yaml': '- name: 事業B\n  agency: 県産業立地課\n  overveiw: 綴り違いの項目\n',
      'c.yaml': '- agency: 鹿児島商工会議所\n  overview: 名前がない\n', // the problem is on the file's very first line
    });
    const error = await loadError(dir);
    expect(error.problems.map((p) => [p.file, p.entry])).toEqual([
      ['a.yaml', 0],
      ['b.yaml', 0],
      ['c.yaml', 0],
    ]);
    expect(error.problems[0]).toMatchObject({ field: 'fiscalYear', line: 3 });
    expect(error.problems[1]!.message).toContain('overveiw');
    expect(error.problems[2]).toMatchObject({ field: 'name', line: 1 });
    expect(error.message).toContain('3 件の問題');
  });

  it('points a misspelt field name at its own line', async () => {
    const dir = await catalogDir({ 'b.yaml': '- name: 事業B\n  agency: 県産業立地課\n  overveiw: 綴り違いの項目\n' });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ file: 'b.yaml', entry: 0, line: 3, field: 'overveiw' });
    expect(error.message).toContain('b.yaml:3 1 件目 overveiw: 未知の項目 "overveiw" です');
  });

  it('points every misspelt field, nested ones too, at its own line, in file order', async () => {
    const text = [
      '- name: 事業B', //                                  line 1
      '  agency: 県産業立地課', //                          line 2
      '  colour: red', //                                  line 3  unknown
      '  budgetThousandYen: abc', //                       line 4  not a number
      '  source: { document: a.txt, pg: 3 }', //           line 5  unknown key inside source
      '  relatedOrg: 県', //                               line 6  unknown
      '',
    ].join('\n');
    const error = await loadError(await catalogDir({ 'b.yaml': text }));
    expect(error.problems.map((p) => [p.line, p.entry, p.field])).toEqual([
      [3, 0, 'colour'],
      [4, 0, 'budgetThousandYen'],
      [5, 0, 'source.pg'],
      [6, 0, 'relatedOrg'],
    ]);
    expect(error.message).toContain('b.yaml:5 1 件目 source.pg: 未知の項目 "pg" です');
  });

  it('refuses the same id in two files, naming both files', async () => {
    const dir = await catalogDir({
      'one.yaml': '- id: shared-id\n  name: 事業A\n  agency: 県産業立地課\n',
      'two.yaml': '- name: 事業X\n  agency: 鹿児島商工会議所\n- id: shared-id\n  name: 事業B\n  agency: 鹿児島商工会議所\n',
    });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    const problem = error.problems[0]!;
    // Reported at the second occurrence's `id:` line, naming where the first one is.
    expect(problem).toMatchObject({ file: 'two.yaml', line: 3, entry: 1, field: 'id' });
    expect(problem.message).toContain('shared-id');
    expect(problem.message).toContain('one.yaml:1');
    expect(error.message).toContain('two.yaml:3 2 件目 id: id "shared-id" は one.yaml:1 にもあります');
  });

  it('refuses the same id twice in one file, with the line of each', async () => {
    const text = [
      '# hand-written', //                  line 1
      '- name: 事業A', //                    line 2
      '  id: twice', //                     line 3  first
      '  agency: 県産業立地課', //           line 4
      '- name: 事業B', //                    line 5
      '  agency: 県産業立地課', //           line 6
      '- name: 事業C', //                    line 7
      '  agency: 県産業立地課', //           line 8
      '  id: twice', //                     line 9  second
      '',
    ].join('\n');
    const error = await loadError(await catalogDir({ 'same.yaml': text }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ file: 'same.yaml', line: 9, entry: 2, field: 'id' });
    expect(error.message).toContain('same.yaml:9 3 件目 id: id "twice" は same.yaml:3 にもあります');
  });

  it('refuses the same program (agency + name, spelled in another width) in two files', async () => {
    const dir = await catalogDir({
      'one.yaml': '- name: ＤＸ推進事業\n  agency: 県産業立地課\n',
      'two.yaml': '- name: DX 推進事業\n  agency: 県産業立地課\n',
    });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    // No id is written, so the entry's first line stands for it.
    expect(error.problems[0]).toMatchObject({ file: 'two.yaml', line: 1, entry: 0, field: 'id' });
    expect(error.problems[0]!.message).toContain('one.yaml:1');
    expect(error.message).toContain('two.yaml:1 1 件目 id:');
  });

  it('refuses an empty directory', async () => {
    const dir = await catalogDir({});
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.file).toBe(dir);
    expect(error.message).toContain(dir);
    expect(error.message).toContain('*.yaml');
    expect(error.message).toContain('ありません');
  });

  it.each([
    { kind: 'only comments', text: '# 支援ナビ catalog\n# (entries to come)\n' },
    { kind: 'nothing at all', text: '' },
  ])('refuses a file with no programs ($kind), so the catalog it would empty is not replaced', async ({ text }) => {
    const dir = await catalogDir({ 'good.yaml': '- name: 事業A\n  agency: 県産業立地課\n', 'empty.yaml': text });
    const error = await loadError(dir);
    expect(error.problems).toEqual([{ file: 'empty.yaml', line: 1, message: 'プログラムが1件もありません（空のファイル）' }]);
    expect(error.message).toContain('empty.yaml:1: プログラムが1件もありません（空のファイル）');
  });

  it('refuses a file whose list is empty, at the line of the list', async () => {
    const error = await loadError(await catalogDir({ 'empty.yaml': '# nothing yet\n[]\n' }));
    expect(error.message).toContain('empty.yaml:2: プログラムが1件もありません');
  });
});

describe('an agency id not in the allowed form', () => {
  it('names the form (it said only 書き方が決まった形になっていません)', () => {
    const { problems } = validateYaml('agencies.yaml', '- id: X 機関\n  name: テスト機関\n  kind: 県\n', AgenciesFileSchema);
    expect(problems).toEqual([expect.objectContaining({ file: 'agencies.yaml', line: 1, field: 'id', message: 'id は英小文字・数字・ハイフン (3〜64 文字) です' })]);
  });
});
