import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { programId } from '../ids.js';
import { parseCatalogFile, validateYaml, CatalogError } from '../load.js';
import { CatalogFileSchema } from '../schema.js';
import { mergeCatalog, stripEmpty, type Entry, type MergeReport } from './merge.js';
import { parseProgramCards, type ParseOptions, type ParsedCard, type UncertainPlacement } from './parse-cards.js';

export interface IngestPaths {
  /** The source document (text extracted from the PDF). */
  document: string;
  /** Catalog file the document's programs live in (seeds/catalog/<stem>.yaml). */
  catalogFile: string;
  /** Previous machine output, for the three-way merge (seeds/ingest/<stem>.generated.yaml). */
  snapshotFile: string;
}

export interface IngestResult {
  cards: ParsedCard[];
  uncertain: UncertainPlacement[];
  pages: number;
  merge: MergeReport;
  /** True when the catalog file would change. */
  changed: boolean;
  catalogYaml: string;
  snapshotYaml: string;
}

export function defaultPaths(document: string, seedsDir: string): IngestPaths {
  const stem = path.basename(document).replace(/\.[^.]+$/u, '');
  return {
    document,
    catalogFile: path.join(seedsDir, 'catalog', `${stem}.yaml`),
    snapshotFile: path.join(seedsDir, 'ingest', `${stem}.generated.yaml`),
  };
}

/** A parsed card as a catalog entry (the machine's proposal, before review). */
export function cardToEntry(card: ParsedCard, document: string, uncertainPages: Set<number>): Entry {
  const note = uncertainPages.has(card.page) ? `要確認 (ingest): ${card.evidence.join('; ')}` : undefined;
  return stripEmpty({
    id: programId(card.agency, card.name),
    name: card.name,
    agency: card.agency,
    budgetThousandYen: card.budgetThousandYen,
    budgetText: card.budgetText,
    fiscalYear: card.fiscalYear,
    overview: card.overview,
    results: card.results,
    keyProjects: card.keyProjects,
    relatedOrgs: card.relatedOrgs,
    source: { document, page: card.page },
    reviewNote: note,
  });
}

async function readEntries(file: string): Promise<Entry[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const { programs, problems } = parseCatalogFile(path.basename(file), text);
  if (problems.length) throw new CatalogError(problems);
  return programs;
}

const HEADER = (document: string) =>
  `# 支援ナビ catalog: programs of ${document}\n` +
  `# Written by \`shien ingest\`, then reviewed by people. Edit freely: a re-ingest keeps\n` +
  `# every field you change (it compares against seeds/ingest/*.generated.yaml).\n`;

export function toYaml(entries: Entry[], header = ''): string {
  return header + stringify(entries, { lineWidth: 0, blockQuote: 'literal' });
}

/**
 * Parse a document and merge it into its catalog file. Nothing is written unless
 * `write` is set; the result says what would change either way.
 */
export async function ingestDocument(paths: IngestPaths, options: ParseOptions & { write?: boolean } = {}): Promise<IngestResult> {
  const text = await readFile(paths.document, 'utf8');
  const documentName = path.basename(paths.document);
  const { cards, uncertain, pages } = parseProgramCards(text, options);
  const uncertainPages = new Set(uncertain.map((u) => u.page));
  const parsed = cards.map((c) => cardToEntry(c, documentName, uncertainPages));
  const catalog = (await readEntries(paths.catalogFile)) ?? [];
  const snapshot = (await readEntries(paths.snapshotFile)) ?? [];
  const merge = mergeCatalog(catalog, snapshot, parsed);
  const catalogYaml = toYaml(merge.merged, HEADER(documentName));
  const snapshotYaml = toYaml(parsed, `# Machine output of the last \`shien ingest\` of ${documentName}. Do not edit.\n`);
  // Never write a catalog that would not load.
  const check = validateYaml(paths.catalogFile, catalogYaml, CatalogFileSchema);
  if (check.problems.length) throw new CatalogError(check.problems);
  let existing = '';
  try {
    existing = await readFile(paths.catalogFile, 'utf8');
  } catch {
    /* new file */
  }
  const changed = existing !== catalogYaml;
  if (options.write) {
    await mkdir(path.dirname(paths.catalogFile), { recursive: true });
    await mkdir(path.dirname(paths.snapshotFile), { recursive: true });
    await writeFile(paths.catalogFile, catalogYaml);
    await writeFile(paths.snapshotFile, snapshotYaml);
  }
  return { cards, uncertain, pages, merge, changed, catalogYaml, snapshotYaml };
}
