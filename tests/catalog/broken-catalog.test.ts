import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../../src/catalog/load.js';
import { tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

async function catalogDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('catalog');
  made.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsOf(dir: string) {
  try {
    await loadCatalog(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as CatalogError).problems;
  }
  throw new Error('the catalog loaded');
}

describe('a broken catalog is refused with file, line and field', () => {
  it('reports every problem of every file, not only the first', async () => {
    const dir = await catalogDir({
      'a.yaml': ['- agency: 鹿児島商工会議所', '  overview: 名前がない', '- name: 予算が文字', '  agency: 鹿児島商工会議所', '  budgetThousandYen: abc', '  keyProjects: [5]', ''].join('\n'),
      'b.yaml': '- name: ok\n  agency: x\n  colour: red\n',
    });
    const problems = await problemsOf(dir);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'a.yaml', entry: 0, field: 'name', line: 1 }),
        expect.objectContaining({ file: 'a.yaml', entry: 1, field: 'budgetThousandYen', line: 5 }),
        expect.objectContaining({ file: 'a.yaml', entry: 1, field: 'keyProjects.0', line: 6 }),
        expect.objectContaining({ file: 'b.yaml', entry: 0 }),
      ]),
    );
    expect(String(new CatalogError(problems).message)).toMatch(/a\.yaml:5 #1 budgetThousandYen/u);
  });

  it('reports a YAML syntax error with its line', async () => {
    const problems = await problemsOf(await catalogDir({ 'bad.yaml': '- name: a\n  agency: b\n - name: [\n' }));
    expect(problems[0]).toMatchObject({ file: 'bad.yaml' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
    expect(problems[0]!.message).toMatch(/YAML/u);
  });

  it('reports the same program in two files, naming both', async () => {
    const entry = '- name: 同じ事業\n  agency: 同じ機関\n';
    const problems = await problemsOf(await catalogDir({ 'one.yaml': entry, 'two.yaml': entry }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'two.yaml', field: 'id' });
    expect(problems[0]!.message).toContain('one.yaml');
  });

  it('refuses an empty directory', async () => {
    const problems = await problemsOf(await catalogDir({}));
    expect(problems[0]!.message).toMatch(/ありません/u);
  });

  it('loads a minimal hand-written program and derives a stable id', async () => {
    const dir = await catalogDir({ 'x.yaml': '- name: 事業承継個別相談会\n  agency: 鹿児島商工会議所\n' });
    const first = await loadCatalog(dir);
    const again = await loadCatalog(dir);
    expect(first.programs).toHaveLength(1);
    expect(first.programs[0]!.id).toMatch(/^p-[0-9a-f]{10}$/u);
    expect(again.programs[0]!.id).toBe(first.programs[0]!.id);
  });
});
