import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { CatalogError, type CatalogProblem } from './errors.js';
import { listCatalogFiles } from './files.js';
import { programId } from './ids.js';
import { closestNames, type NeedsTaxonomy } from './needs.js';
import { japaneseIssueMessage, yamlSyntaxProblem } from './problem-messages.js';
import { AgenciesFileSchema, CatalogFileSchema, type Agency, type Program } from './schema.js';

export { CatalogError, formatProblem, type CatalogProblem } from './errors.js';
export { listCatalogFiles } from './files.js';

export interface Catalog {
  programs: Program[];
  /** Where each program came from (file path relative to the catalog dir), by id. */
  fileOf: Map<string, string>;
}

interface ParsedYaml {
  text: string;
  doc: Document;
  lines: LineCounter;
}

/**
 * The yaml package (72 modules), loaded on the first parse: a start that serves from the
 * search index (which carries the validated catalog) never parses YAML and skips loading it.
 */
let yamlModule: typeof import('yaml') | undefined;
const yaml = () => (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

function parseYaml(text: string): ParsedYaml {
  const { LineCounter, parseDocument } = yaml();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { text, doc, lines };
}

function lineOfPath(parsed: ParsedYaml, pathParts: readonly PropertyKey[]): number | undefined {
  // Walk as deep as the path exists; report the deepest node we reach.
  for (let depth = pathParts.length; depth >= 0; depth--) {
    const node = parsed.doc.getIn(pathParts.slice(0, depth) as unknown[], true) as { range?: [number, number, number] } | undefined;
    const pair = depth > 0 ? findKeyNode(parsed, pathParts.slice(0, depth)) : undefined;
    const offset = pair ?? node?.range?.[0];
    if (offset !== undefined) return parsed.lines.linePos(offset).line;
  }
  return undefined;
}

/** Offset of the key of a mapping entry, so a bad value points at its `field:` line. */
function findKeyNode(parsed: ParsedYaml, pathParts: readonly PropertyKey[]): number | undefined {
  const parent = parsed.doc.getIn(pathParts.slice(0, -1) as unknown[], true);
  const last = pathParts[pathParts.length - 1];
  if (!yaml().isCollection(parent) || typeof last !== 'string') return undefined;
  for (const item of parent.items as Array<{ key?: { value?: unknown; range?: [number, number, number] } }>) {
    if (item.key?.value === last) return item.key.range?.[0];
  }
  return undefined;
}

/** What the file holds at a path, as plain data (undefined when absent), for messages. */
function valueAt(parsed: ParsedYaml, pathParts: readonly PropertyKey[]): unknown {
  const value = parsed.doc.getIn(pathParts as unknown[]) as unknown;
  return value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value;
}

function zodProblems(file: string, parsed: ParsedYaml, error: z.ZodError): CatalogProblem[] {
  const problems = error.issues.flatMap((issue): CatalogProblem[] => {
    // A strict object reports unknown keys on the object itself; report each key at its own line.
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    return paths.map((issuePath) => {
      // A file that is a list (a catalog file, agencies.yaml) names the entry; one that is a map
      // (needs.yaml's `needs:`) keeps its key in the field, or `needs.0.purposes` would read `0.purposes`.
      const entry = typeof issuePath[0] === 'number' ? issuePath[0] : undefined;
      const rest = entry === undefined ? issuePath : issuePath.slice(1);
      const key = issue.code === 'unrecognized_keys' ? String(issuePath[issuePath.length - 1]) : undefined;
      return {
        file,
        line: lineOfPath(parsed, issuePath),
        entry,
        field: rest.length ? rest.map(String).join('.') : undefined,
        message: key !== undefined ? `未知の項目 "${key}" です (項目名の綴りを確認してください)` : japaneseIssueMessage(issue, valueAt(parsed, issuePath)),
      };
    });
  });
  // zod lists unknown keys after the other problems of an object; report them in file order.
  return problems.map((p, i) => ({ p, i })).sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i).map(({ p }) => p);
}

function validateParsed<T>(file: string, parsed: ParsedYaml, schema: z.ZodType<T>): { data?: T; problems: CatalogProblem[] } {
  if (parsed.doc.errors.length) {
    // The first error is the one to fix; those after it are mostly the parser losing its way.
    const first = yamlSyntaxProblem(parsed.text, parsed.doc.errors[0]!, parsed.lines);
    const more = parsed.doc.errors.length - 1;
    return { problems: [{ file, line: first.line, message: first.message + (more ? ` (続く ${more} 件の構文エラーはこれを直すと消えることがあります)` : '') }] };
  }
  const result = schema.safeParse(parsed.doc.toJS() ?? []);
  if (!result.success) return { problems: zodProblems(file, parsed, result.error) };
  return { data: result.data, problems: [] };
}

/** Parse `text` as YAML and validate it with `schema`; problems are returned, never thrown. */
export function validateYaml<T>(file: string, text: string, schema: z.ZodType<T>): { data?: T; problems: CatalogProblem[] } {
  return validateParsed(file, parseYaml(text), schema);
}

/** A catalog file's programs, with the line each one is reported at (its `id:` line, else its first line). */
export interface ParsedCatalogFile {
  programs: Program[];
  /** `lines[i]` is the 1-based line of `programs[i]`. */
  lines: number[];
  problems: CatalogProblem[];
}

/** What a catalog is checked against beside its schema. */
export interface CatalogChecks {
  /**
   * seeds/needs.yaml: every name in a program's `needs` must be one of its names (a misspelt
   * need would silently become a new one). Absent: needs are not checked.
   */
  needs?: NeedsTaxonomy;
}

/**
 * Parse and validate one catalog file's text; ids are derived where absent. A file with
 * no programs at all (empty, or only comments) is a problem: loading it silently would
 * drop programs from the catalog without anyone noticing.
 */
export function parseCatalogFile(file: string, text: string, checks: CatalogChecks = {}): ParsedCatalogFile {
  const parsed = parseYaml(text);
  const { data, problems } = validateParsed(file, parsed, CatalogFileSchema);
  if (!problems.length && data?.length === 0) {
    const empty = parsed.doc.contents === null;
    const line = empty ? 1 : lineOfPath(parsed, []) ?? 1;
    problems.push({ file, line, message: empty ? 'プログラムが1件もありません（空のファイル）' : 'プログラムが1件もありません（空のリスト）' });
  }
  if (checks.needs && data) problems.push(...unknownNeedProblems(file, parsed, data, checks.needs));
  const programs = (data ?? []).map((p) => ({ ...p, id: p.id ?? programId(p.agency, p.name) }));
  const lines = programs.map((_, index) => lineOfPath(parsed, [index, 'id']) ?? 1);
  return { programs, lines, problems };
}

/**
 * Each need of `programs` that the taxonomy does not name, at its own line (`needs.<i>`), with
 * the names closest to it. Such a program is a problem like any invalid field: the catalog is
 * refused whole, as for a misspelt purpose.
 */
function unknownNeedProblems(file: string, parsed: ParsedYaml, programs: ReadonlyArray<{ needs?: string[] }>, taxonomy: NeedsTaxonomy): CatalogProblem[] {
  const names = taxonomy.needs.map((n) => n.name);
  const known = new Set(names);
  const problems: CatalogProblem[] = [];
  programs.forEach((program, entry) => {
    (program.needs ?? []).forEach((need, i) => {
      if (known.has(need)) return;
      const close = closestNames(need, names, 3, (t) => t.normalize('NFKC').toLowerCase());
      problems.push({
        file,
        line: lineOfPath(parsed, [entry, 'needs', i]),
        entry,
        field: `needs.${i}`,
        message: `相談の種類「${need}」は needs.yaml にありません${close.length ? ` (近いもの: ${close.join(' / ')})` : ''}。needs.yaml の名前どおりに書くか、新しい種類なら needs.yaml に加えてください`,
      });
    });
  });
  return problems;
}

/**
 * Load every YAML file under `dir` as one catalog. All problems in all files are
 * collected (not only the first) and thrown together as a CatalogError, so a broken
 * catalog is refused whole and the caller keeps serving the one it had. `checks`: what
 * else it must agree with (seeds/needs.yaml).
 */
export async function loadCatalog(dir: string, checks: CatalogChecks = {}): Promise<Catalog> {
  const files = await listCatalogFiles(dir);
  const texts = await Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(dir, file), 'utf8') })));
  const { catalog, problems } = catalogOfTexts(texts, checks);
  if (files.length === 0) problems.unshift({ file: dir, message: 'カタログのファイル (*.yaml) がありません' });
  if (problems.length) throw new CatalogError(problems);
  return catalog;
}

/**
 * Catalog files' texts (in the order loadCatalog reads them) as one catalog: each file's
 * problems, and ids unique across the files. What loadCatalog checks, for texts not yet
 * written too (`shien ingest` checks the file it would write with the others).
 */
export function catalogOfTexts(texts: ReadonlyArray<{ file: string; text: string }>, checks: CatalogChecks = {}): { catalog: Catalog; problems: CatalogProblem[] } {
  const problems: CatalogProblem[] = [];
  const programs: Program[] = [];
  const fileOf = new Map<string, string>();
  const where = new Map<string, string>();
  for (const { file, text } of texts) {
    const parsed = parseCatalogFile(file, text, checks);
    problems.push(...parsed.problems);
    for (const [index, program] of parsed.programs.entries()) {
      const line = parsed.lines[index];
      const earlier = where.get(program.id);
      if (earlier !== undefined) {
        problems.push({ file, line, entry: index, field: 'id', message: `id "${program.id}" は ${earlier} にもあります (同じ機関・事業名の重複)` });
        continue;
      }
      where.set(program.id, `${file}:${line}`);
      fileOf.set(program.id, file);
      programs.push(program);
    }
  }
  return { catalog: { programs, fileOf }, problems };
}

/** Load and validate seeds/agencies.yaml. */
export async function loadAgencies(file: string): Promise<Agency[]> {
  const { data, problems } = validateYaml(path.basename(file), await readFile(file, 'utf8'), AgenciesFileSchema);
  if (!data) throw new CatalogError(problems);
  return data;
}
