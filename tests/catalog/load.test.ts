import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { programId } from '../../src/catalog/ids.js';
import { CatalogError, loadCatalog, type Catalog, type CatalogProblem } from '../../src/catalog/load.js';
import { PROGRAM_ID_PATTERN } from '../../src/catalog/schema.js';
import { agencyDirectory, CATALOG_DIR, SOURCE_NAME, tempDir } from './support.js';

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

describe('loadCatalog on a broken catalog', () => {
  it('reports a YAML syntax error with its file and line', async () => {
    const dir = await catalogDir({
      'broken.yaml': [
        '- name: 事業A', //                              line 1
        '  agency: 県産業立地課', //                      line 2
        '- name: 事業B', //                              line 3
        '  agency: 県産業立地課', //                      line 4
        '  overview: 関係機関: 県、市', //                line 5: ": " inside an unquoted value
        '',
      ].join('\n'),
    });
    const error = await loadError(dir);
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems[0]).toMatchObject({ file: 'broken.yaml', line: 5 });
    expect(error.message).toContain('broken.yaml:5');
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
      expect(error.message).toContain('programs.yaml:2 #0 name');
      expect(error.message).toContain('programs.yaml:6 #1 budgetThousandYen');
      expect(error.message).toContain('programs.yaml:7 #1 keyProjects.0');
    });
  });

  it('reports problems of several files together', async () => {
    const dir = await catalogDir({
      'a.yaml': '- name: 事業A\n  agency: 県産業立地課\n  fiscalYear: R5\n',
      'b.yaml': '- name: 事業B\n  agency: 県産業立地課\n  overveiw: 綴り違いの項目\n',
    });
    const error = await loadError(dir);
    expect(error.problems.map((p) => [p.file, p.entry])).toEqual([
      ['a.yaml', 0],
      ['b.yaml', 0],
    ]);
    expect(error.problems[0]).toMatchObject({ field: 'fiscalYear', line: 3 });
    expect(error.problems[1]!.message).toContain('overveiw');
  });

  // KNOWN DEFECT (reported): zod reports an unknown key on the entry itself, so the problem
  // points at the entry's first line (1) and names no field, not at the misspelt key's line.
  it.fails('points a misspelt field name at its own line', async () => {
    const dir = await catalogDir({ 'b.yaml': '- name: 事業B\n  agency: 県産業立地課\n  overveiw: 綴り違いの項目\n' });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ file: 'b.yaml', entry: 0, line: 3 });
  });

  it('refuses the same id in two files, naming both files', async () => {
    const dir = await catalogDir({
      'one.yaml': '- id: shared-id\n  name: 事業A\n  agency: 県産業立地課\n',
      'two.yaml': '- name: 事業X\n  agency: 鹿児島商工会議所\n- id: shared-id\n  name: 事業B\n  agency: 鹿児島商工会議所\n',
    });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    const problem = error.problems[0]!;
    expect(problem).toMatchObject({ file: 'two.yaml', entry: 1, field: 'id' });
    expect(problem.message).toContain('shared-id');
    expect(problem.message).toContain('one.yaml');
    expect(error.message).toMatch(/two\.yaml.*one\.yaml/u);
  });

  it('refuses the same program (agency + name, spelled in another width) in two files', async () => {
    const dir = await catalogDir({
      'one.yaml': '- name: ＤＸ推進事業\n  agency: 県産業立地課\n',
      'two.yaml': '- name: DX 推進事業\n  agency: 県産業立地課\n',
    });
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.file).toBe('two.yaml');
    expect(error.problems[0]!.message).toContain('one.yaml');
  });

  it('refuses an empty directory', async () => {
    const dir = await catalogDir({});
    const error = await loadError(dir);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.file).toBe(dir);
    expect(error.message).toContain(dir);
    expect(error.message).toContain('*.yaml');
  });
});
