import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AgencyDirectory } from '../../src/catalog/agencies.js';
import { defaultPaths, ingestDocument, type IngestPaths } from '../../src/catalog/ingest/ingest.js';
import { mergeCatalog, type Entry } from '../../src/catalog/ingest/merge.js';
import { loadCatalog, parseCatalogFile } from '../../src/catalog/load.js';
import { AGENCIES_FILE, agencyDirectory, SOURCE_FILE, SOURCE_NAME, tempDir } from './support.js';

const exists = (file: string) => stat(file).then(
  () => true,
  () => false,
);

describe('ingestDocument round trip in a seeds directory', () => {
  let seeds: string;
  let paths: IngestPaths;
  let agencies: AgencyDirectory;
  const options = () => ({ aliasesOf: (a: string) => agencies.spellingsOf(a) });

  beforeAll(async () => {
    agencies = await agencyDirectory();
    seeds = await tempDir('seeds');
    await mkdir(path.join(seeds, 'sources'));
    await copyFile(AGENCIES_FILE, path.join(seeds, 'agencies.yaml'));
    await copyFile(SOURCE_FILE, path.join(seeds, 'sources', SOURCE_NAME));
    paths = defaultPaths(path.join(seeds, 'sources', SOURCE_NAME), seeds);
  });
  afterAll(async () => {
    await rm(seeds, { recursive: true, force: true });
  });

  it('puts the catalog and the snapshot where the seeds layout expects them', () => {
    const stem = SOURCE_NAME.replace(/\.txt$/u, '');
    expect(paths.catalogFile).toBe(path.join(seeds, 'catalog', `${stem}.yaml`));
    expect(paths.snapshotFile).toBe(path.join(seeds, 'ingest', `${stem}.generated.yaml`));
  });

  it('writes nothing without write', async () => {
    const result = await ingestDocument(paths, options());
    expect(result.changed).toBe(true);
    expect(result.merge.added).toHaveLength(143);
    expect(await exists(paths.catalogFile)).toBe(false);
    expect(await exists(paths.snapshotFile)).toBe(false);
  });

  it('first run with write creates a loadable catalog and a snapshot of 143 entries', async () => {
    const result = await ingestDocument(paths, { ...options(), write: true });
    expect(result.pages).toBe(63);
    expect(result.cards).toHaveLength(143);
    expect(result.changed).toBe(true);
    expect(result.merge.added).toHaveLength(143);
    expect(result.merge.changes).toEqual([]);

    const catalog = await loadCatalog(path.dirname(paths.catalogFile));
    expect(catalog.programs).toHaveLength(143);
    expect(new Set(catalog.programs.map((p) => p.id)).size).toBe(143);
    expect(catalog.programs.every((p) => p.source?.document === SOURCE_NAME && typeof p.source.page === 'number')).toBe(true);
    const trial = catalog.programs.find((p) => p.name === 'トライアル発注・販路開拓支援事業');
    expect(trial).toMatchObject({ agency: '県産業立地課', budgetThousandYen: 5409, fiscalYear: 2023, source: { page: 1 } });
    // Cards on a page the parser was unsure of carry a note for the reviewer.
    const lastPage = catalog.programs.filter((p) => p.source?.page === 63);
    expect(lastPage).toHaveLength(2);
    expect(lastPage.every((p) => p.reviewNote?.startsWith('要確認'))).toBe(true);
    expect(trial!.reviewNote).toBeUndefined();

    const snapshot = parseCatalogFile('snapshot', await readFile(paths.snapshotFile, 'utf8'));
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.programs).toHaveLength(143);
  });

  it('second run reports no change, in check mode and with write', async () => {
    const before = await readFile(paths.catalogFile, 'utf8');
    expect((await ingestDocument(paths, options())).changed).toBe(false);
    const result = await ingestDocument(paths, { ...options(), write: true });
    expect(result.changed).toBe(false);
    expect(result.merge.added).toEqual([]);
    expect(result.merge.vanished).toEqual([]);
    expect(result.merge.changes).toEqual([]);
    expect(await readFile(paths.catalogFile, 'utf8')).toBe(before);
  });

  it('keeps corrections made by hand in the catalog YAML', async () => {
    const original = await readFile(paths.catalogFile, 'utf8');
    const programs = (await loadCatalog(path.dirname(paths.catalogFile))).programs;
    const trial = programs.find((p) => p.name === 'トライアル発注・販路開拓支援事業')!;
    const network = programs.find((p) => p.name === '新産業創出ネットワーク事業')!;
    expect(network.budgetThousandYen).toBe(146520);

    // Edit the text as a person would in an editor.
    const oldOverview = `  overview: ${trial.overview}\n`;
    expect(original).toContain(oldOverview);
    expect(original.split('budgetThousandYen: 146520\n')).toHaveLength(2);
    const corrected = original
      .replace(oldOverview, '  overview: 県内中小企業等が開発した製品を県の機関が試験的に発注し、県外展示会への出展を支援する（担当者が修正）。\n')
      .replace('budgetThousandYen: 146520\n', 'budgetThousandYen: 150000\n');
    await writeFile(paths.catalogFile, corrected);

    const result = await ingestDocument(paths, { ...options(), write: true });
    const kept = result.merge.changes.map((c) => ({ id: c.id, field: c.field, kind: c.kind }));
    expect(kept).toEqual(
      expect.arrayContaining([
        { id: trial.id, field: 'overview', kind: 'kept-correction' },
        { id: network.id, field: 'budgetThousandYen', kind: 'kept-correction' },
      ]),
    );
    expect(kept).toHaveLength(2);
    expect(result.merge.added).toEqual([]);

    const after = (await loadCatalog(path.dirname(paths.catalogFile))).programs;
    expect(after).toHaveLength(143);
    expect(after.find((p) => p.id === trial.id)!.overview).toBe('県内中小企業等が開発した製品を県の機関が試験的に発注し、県外展示会への出展を支援する（担当者が修正）。');
    expect(after.find((p) => p.id === network.id)!.budgetThousandYen).toBe(150000);
    // The snapshot stays the machine's output, so the next run still sees the corrections as corrections.
    const snapshot = parseCatalogFile('snapshot', await readFile(paths.snapshotFile, 'utf8')).programs;
    expect(snapshot.find((p) => p.id === network.id)!.budgetThousandYen).toBe(146520);
    expect(snapshot.find((p) => p.id === trial.id)!.overview).toBe(trial.overview);
    expect(await readFile(paths.catalogFile, 'utf8')).toBe(corrected);
  });
});

describe('ingestDocument into a catalog file that has no programs yet', () => {
  it('fills a file holding only comments, keeping them', async () => {
    const seeds = await tempDir('seeds');
    try {
      const paths = defaultPaths(SOURCE_FILE, seeds);
      await mkdir(path.dirname(paths.catalogFile), { recursive: true });
      const comments = '# 令和5年度の事業一覧 (ingest で埋める)\n';
      await writeFile(paths.catalogFile, comments);
      const result = await ingestDocument(paths, { write: true });
      expect(result.changed).toBe(true);
      expect(result.merge.added).toHaveLength(143);
      const text = await readFile(paths.catalogFile, 'utf8');
      expect(text.startsWith(comments + '- id: ')).toBe(true);
      expect((await loadCatalog(path.dirname(paths.catalogFile))).programs).toHaveLength(143);
    } finally {
      await rm(seeds, { recursive: true, force: true });
    }
  });
});

describe('mergeCatalog', () => {
  const entry = (over: Partial<Entry> = {}): Entry => ({
    id: 'p-0000000001',
    name: '事業A',
    agency: '県産業立地課',
    budgetThousandYen: 1000,
    overview: '古い概要',
    ...over,
  });

  it('updates a field nobody touched from the new parse', () => {
    const snapshot = [entry()];
    const catalog = [entry()];
    const parsed = [entry({ overview: '新しい概要' })];
    const report = mergeCatalog(catalog, snapshot, parsed);
    expect(report.merged).toEqual([entry({ overview: '新しい概要' })]);
    expect(report.changes).toEqual([expect.objectContaining({ id: 'p-0000000001', field: 'overview', kind: 'updated', to: '新しい概要' })]);
    expect(report.added).toEqual([]);
    expect(report.vanished).toEqual([]);
  });

  it('keeps a corrected field the new parse did not change, and reports it as kept', () => {
    const report = mergeCatalog([entry({ budgetThousandYen: 1200 })], [entry()], [entry()]);
    expect(report.merged).toEqual([entry({ budgetThousandYen: 1200 })]);
    // Like a conflict: from = the catalog's (kept) value, to = the document's.
    expect(report.changes).toEqual([expect.objectContaining({ field: 'budgetThousandYen', kind: 'kept-correction', from: 1200, to: 1000 })]);
  });

  it('reports a conflict when both the person and the new parse changed a field, and keeps the person’s value', () => {
    const report = mergeCatalog([entry({ budgetThousandYen: 1200 })], [entry()], [entry({ budgetThousandYen: 1500 })]);
    expect(report.merged).toEqual([entry({ budgetThousandYen: 1200 })]);
    expect(report.changes).toEqual([expect.objectContaining({ field: 'budgetThousandYen', kind: 'conflict', from: 1200, to: 1500 })]);
  });

  it('does not report a field the person and the new parse changed the same way', () => {
    const report = mergeCatalog([entry({ budgetThousandYen: 1500 })], [entry()], [entry({ budgetThousandYen: 1500 })]);
    expect(report.merged).toEqual([entry({ budgetThousandYen: 1500 })]);
    expect(report.changes).toEqual([]);
  });

  it('merges field by field: in one entry an untouched field follows the document, a corrected one is kept', () => {
    const base = { id: 'p-0000000001', name: 'A', agency: 'X', overview: 'old', results: 'r1' };
    const report = mergeCatalog([{ ...base, results: 'fixed by hand' }], [base], [{ ...base, overview: 'new', results: 'r2' }]);
    expect(report.merged).toEqual([{ ...base, overview: 'new', results: 'fixed by hand' }]);
    expect(report.changes.map((c) => [c.field, c.kind])).toEqual([
      ['overview', 'updated'],
      ['results', 'conflict'],
    ]);
  });

  it('keeps an entry that vanished from the document and reports it', () => {
    const gone = entry({ id: 'p-0000000002', name: '事業B' });
    const report = mergeCatalog([entry(), gone], [entry(), gone], [entry()]);
    expect(report.merged).toEqual([entry(), gone]);
    expect(report.vanished).toEqual([gone]);
  });

  it('keeps an entry added by hand without calling it vanished, and appends new programs', () => {
    const manual = entry({ id: 'manual-program', name: '手で追加した事業' });
    const fresh = entry({ id: 'p-0000000003', name: '事業C' });
    const report = mergeCatalog([entry(), manual], [entry()], [entry(), fresh]);
    expect(report.merged).toEqual([entry(), manual, fresh]);
    expect(report.vanished).toEqual([]);
    expect(report.added).toEqual([fresh]);
  });
});
