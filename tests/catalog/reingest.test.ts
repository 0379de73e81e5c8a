import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultPaths, ingestDocument } from '../../src/catalog/ingest/ingest.js';
import { mergeCatalog } from '../../src/catalog/ingest/merge.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC_NAME = 'shoukougyou-shinkou-plan-kankei-kikan-r5.txt';

describe('re-ingesting a document keeps what people corrected', () => {
  it('writes 143 programs, then keeps hand corrections on the next run', async () => {
    const seeds = await tempDir('seeds');
    made.push(seeds);
    await cp(path.join(ROOT, 'seeds/sources', DOC_NAME), path.join(seeds, 'sources', DOC_NAME), { recursive: true });
    const paths = defaultPaths(path.join(seeds, 'sources', DOC_NAME), seeds);

    const first = await ingestDocument(paths, { write: true });
    expect(first.merge.added).toHaveLength(143);
    expect((await loadCatalog(path.join(seeds, 'catalog'))).programs).toHaveLength(143);
    expect((await ingestDocument(paths)).changed).toBe(false);

    // A person corrects two programs by hand.
    const yaml = await readFile(paths.catalogFile, 'utf8');
    const edited = yaml
      .replace(/(name: 宇宙ビジネス創出推進事業\n(?:.*\n)*?  overview: )[^\n]*/u, '$1手で直した概要')
      .replace('budgetThousandYen: 10704', 'budgetThousandYen: 10705');
    expect(edited).not.toBe(yaml);
    await writeFile(paths.catalogFile, edited);

    const again = await ingestDocument(paths, { write: true });
    const kept = again.merge.changes.filter((c) => c.kind === 'kept-correction').map((c) => `${c.name}.${c.field}`);
    expect(kept).toEqual(expect.arrayContaining(['宇宙ビジネス創出推進事業.overview', 'ドローン関連ビジネス育成支援事業.budgetThousandYen']));
    const programs = (await loadCatalog(path.join(seeds, 'catalog'))).programs;
    expect(programs.find((p) => p.name === '宇宙ビジネス創出推進事業')!.overview).toBe('手で直した概要');
    expect(programs.find((p) => p.name === 'ドローン関連ビジネス育成支援事業')!.budgetThousandYen).toBe(10705);
  });

  it('merges field by field: untouched fields follow the document, changed ones are kept or flagged', () => {
    const base = { id: 'p-0000000001', name: 'A', agency: 'X', overview: 'old', results: 'r1' };
    const catalog = [{ ...base, results: 'fixed by hand' }, { id: 'p-0000000002', name: 'gone', agency: 'X' }];
    const snapshot = [base, { id: 'p-0000000002', name: 'gone', agency: 'X' }];
    const parsed = [{ ...base, overview: 'new', results: 'r2' }];
    const report = mergeCatalog(catalog, snapshot, parsed);
    expect(report.merged[0]).toMatchObject({ overview: 'new', results: 'fixed by hand' });
    expect(report.changes.find((c) => c.field === 'results')?.kind).toBe('conflict');
    expect(report.vanished.map((e) => e.name)).toEqual(['gone']);
    expect(report.merged.map((e) => e.name)).toContain('gone'); // never silently dropped
  });
});
