import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isNode, isScalar, isSeq, parseDocument, stringify, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { writeFileAtomic } from '../../write-atomic.js';
import { programId } from '../ids.js';
import { listCatalogFiles } from '../files.js';
import { catalogOfTexts, parseCatalogFile, validateYaml, CatalogError } from '../load.js';
import { CatalogFileSchema, ProgramSchema } from '../schema.js';
import type { CatalogProblem } from '../errors.js';
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
  /** True when what the catalog says would change (its values: a comment is no change). */
  changed: boolean;
  /** True when the snapshot file would change (the document reads differently from last time). */
  snapshotChanged: boolean;
  catalogYaml: string;
  snapshotYaml: string;
}

/** A document in which no program card was found: nothing to merge, and nothing is written. */
export class NoProgramCardsError extends Error {
  override name = 'NoProgramCardsError';
  constructor(readonly document: string) {
    super(`${path.basename(document)} に事業カードが見つかりません。事業一覧の PDF から取り出したテキスト (seeds/sources/*.txt の形式) を指定してください。何も書き込んでいません`);
  }
}

/**
 * Where a document's programs go: `<catalogDir>/<stem>.yaml`, and the snapshot of the last
 * ingest in `ingest/` beside the catalog directory (seeds/catalog → seeds/ingest).
 */
export function defaultPaths(document: string, seedsDir: string, catalogDir = path.join(seedsDir, 'catalog')): IngestPaths {
  const stem = path.basename(document).replace(/\.[^.]+$/u, '');
  return {
    document,
    catalogFile: path.join(catalogDir, `${stem}.yaml`),
    snapshotFile: path.join(path.dirname(catalogDir), 'ingest', `${stem}.generated.yaml`),
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

/** A catalog (or snapshot) file as read: its text, its YAML Document and its entries in file order. */
interface CatalogFileState {
  text: string;
  doc: Document;
  entries: Entry[];
}

async function readCatalogFile(file: string): Promise<CatalogFileState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const doc = parseDocument(text);
  // A file with no entries yet (empty, or only comments) is one ingest may fill.
  if (doc.contents === null && !doc.errors.length) return { text, doc, entries: [] };
  const { programs, problems } = parseCatalogFile(path.basename(file), text);
  if (problems.length) throw new CatalogError(problems);
  return { text, doc, entries: programs };
}

const HEADER = (document: string) =>
  `# 支援ナビ catalog: programs of ${document}\n` +
  `# Written by \`shien ingest\`, then reviewed by people. Edit freely: a re-ingest keeps\n` +
  `# every field you change (it compares against seeds/ingest/*.generated.yaml).\n`;

const YAML_OPTIONS = { lineWidth: 0, blockQuote: 'literal' } as const;

export function toYaml(entries: Entry[], header = ''): string {
  return header + stringify(entries, YAML_OPTIONS);
}

/** Order of a program's fields in the files ingest writes. */
const FIELD_ORDER = Object.keys(ProgramSchema.shape);

function isEmptyValue(v: unknown): boolean {
  return v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Set (or remove, when empty) one field of an entry's YAML map, keeping the pair's place and comments. */
function setField(doc: Document, map: YAMLMap, field: string, value: unknown): void {
  const index = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === field);
  if (isEmptyValue(value)) {
    if (index >= 0) map.items.splice(index, 1);
    return;
  }
  const node = doc.createNode(value);
  if (index >= 0) {
    const pair = map.items[index]!;
    const old = pair.value;
    if (isNode(old)) {
      node.comment = old.comment;
      node.commentBefore = old.commentBefore;
      node.spaceBefore = old.spaceBefore;
    }
    pair.value = node;
    return;
  }
  // A new field goes before the first field that comes after it in the usual order.
  const rank = (key: unknown) => {
    const i = FIELD_ORDER.indexOf(String(key));
    return i < 0 ? FIELD_ORDER.length : i;
  };
  const before = map.items.findIndex((pair) => isScalar(pair.key) && rank(pair.key.value) > rank(field));
  map.items.splice(before < 0 ? map.items.length : before, 0, doc.createPair(field, node));
}

/** Start of the line holding `offset`. */
const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/**
 * The catalog file after the merge, edited in place: only the fields the document updated
 * and the programs it added are written; everything else — comments people wrote,
 * entries nobody touched, their formatting — stays byte for byte.
 */
function editCatalog(state: CatalogFileState, merge: MergeReport): string {
  const { text, doc } = state;
  const seq = doc.contents;
  if (!isSeq(seq)) throw new Error('catalog file is not a list'); // parseCatalogFile has checked this
  const indexOf = new Map(state.entries.map((e, i) => [e.id, i]));
  const dirty = new Set<number>();
  for (const change of merge.changes) {
    if (change.kind !== 'updated') continue;
    const index = indexOf.get(change.id);
    const item = index === undefined ? undefined : seq.items[index];
    if (index === undefined || !isMap(item)) throw new Error(`catalog entry ${change.id} not found`);
    setField(doc, item, change.field, change.to);
    dirty.add(index);
  }
  const firstAdded = seq.items.length;
  for (const entry of merge.added) seq.items.push(doc.createNode(entry));
  if (!dirty.size && !merge.added.length) return text;

  // Render the edited Document, then take from it only the entries that changed: the
  // yaml package re-renders hand-written styles ([2] → [ 2 ], folded text, indentation),
  // and untouched entries must keep theirs.
  const rendered = doc.toString(YAML_OPTIONS);
  const renderedItems = parseDocument(rendered).contents;
  if (!isSeq(renderedItems) || renderedItems.items.length !== seq.items.length) return rendered;
  const originalItems = parseDocument(text).contents;
  if (!isSeq(originalItems)) return rendered;
  const rangeOf = (items: YAMLSeq, i: number) => (items.items[i] as { range?: [number, number, number] } | undefined)?.range;
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const index of dirty) {
    const original = rangeOf(originalItems, index);
    const fresh = rangeOf(renderedItems, index);
    if (!original || !fresh) return rendered;
    edits.push({ start: original[0], end: original[1], text: rendered.slice(fresh[0], fresh[1]) });
  }
  if (merge.added.length) {
    // New programs go right after the last entry (before any comment that ends the file).
    const last = rangeOf(originalItems, firstAdded - 1);
    const from = rangeOf(renderedItems, firstAdded);
    const to = rangeOf(renderedItems, seq.items.length - 1);
    if (!last || !from || !to) return rendered;
    const at = last[1];
    edits.push({ start: at, end: at, text: (text[at - 1] === '\n' ? '' : '\n') + rendered.slice(lineStart(rendered, from[0]), to[1]) });
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  // The splice must say exactly what the edited Document says; if not, write the rendering.
  return isDeepStrictEqual(parseDocument(out).toJS(), doc.toJS()) ? out : rendered;
}

/**
 * Parse a document and merge it into its catalog file. Nothing is written unless
 * `write` is set; the result says what would change either way.
 */
/** The problems of the catalog `catalogFile` belongs to, were `text` written there (loadCatalog's checks). */
async function withOtherCatalogFiles(catalogFile: string, text: string): Promise<CatalogProblem[]> {
  const dir = path.dirname(catalogFile);
  const name = path.basename(catalogFile);
  const files = await listCatalogFiles(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const names = [...new Set([...files, name])].sort();
  const texts = await Promise.all(names.map(async (file) => ({ file, text: file === name ? text : await readFile(path.join(dir, file), 'utf8') })));
  return catalogOfTexts(texts).problems;
}

export async function ingestDocument(paths: IngestPaths, options: ParseOptions & { write?: boolean } = {}): Promise<IngestResult> {
  const text = await readFile(paths.document, 'utf8');
  const documentName = path.basename(paths.document);
  const { cards, uncertain, pages } = parseProgramCards(text, options);
  if (!cards.length) throw new NoProgramCardsError(paths.document);
  const uncertainPages = new Set(uncertain.map((u) => u.page));
  const parsed = cards.map((c) => cardToEntry(c, documentName, uncertainPages));
  const current = await readCatalogFile(paths.catalogFile);
  const snapshotState = await readCatalogFile(paths.snapshotFile);
  const snapshot = snapshotState?.entries ?? [];
  const merge = mergeCatalog(current?.entries ?? [], snapshot, parsed);
  let catalogYaml: string;
  if (current?.doc.contents) catalogYaml = editCatalog(current, merge);
  else if (current?.text.trim()) catalogYaml = current.text.replace(/\n*$/u, '\n') + toYaml(merge.merged); // keep the comments already there
  else catalogYaml = toYaml(merge.merged, HEADER(documentName));
  const snapshotYaml = toYaml(parsed, `# Machine output of the last \`shien ingest\` of ${documentName}. Do not edit.\n`);
  // Never write a catalog that would not load: this file, and this file with the catalog's
  // others (a program of another document with the same agency and name has the same id).
  const check = validateYaml(paths.catalogFile, catalogYaml, CatalogFileSchema);
  if (check.problems.length) throw new CatalogError(check.problems);
  const together = await withOtherCatalogFiles(paths.catalogFile, catalogYaml);
  if (together.length) throw new CatalogError(together);
  // A change is a change of what the catalog says, not of its text: a comment is not one.
  const changed = !current || !isDeepStrictEqual(parseDocument(current.text).toJS(), parseDocument(catalogYaml).toJS());
  const snapshotChanged = snapshotState?.text !== snapshotYaml;
  if (options.write) {
    // Only what changed is written, so the report ("変更はありません") and the files agree.
    if (!current || current.text !== catalogYaml) {
      await mkdir(path.dirname(paths.catalogFile), { recursive: true });
      await writeFileAtomic(paths.catalogFile, catalogYaml);
    }
    if (snapshotChanged) {
      await mkdir(path.dirname(paths.snapshotFile), { recursive: true });
      await writeFileAtomic(paths.snapshotFile, snapshotYaml);
    }
  }
  return { cards, uncertain, pages, merge, changed, snapshotChanged, catalogYaml, snapshotYaml };
}
