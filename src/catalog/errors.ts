/**
 * What is wrong with a catalog file, apart from the loader (load.ts) so that code which only
 * reports problems (main.ts) does not load zod and the schemas with it.
 */

/** One thing wrong with a catalog file, precise enough to fix by hand. */
export interface CatalogProblem {
  file: string;
  /** 1-based line of the offending entry or field, when known. */
  line?: number;
  /** Index of the entry in the file's list, when the problem is inside one. */
  entry?: number;
  /** Dotted path of the field inside the entry (e.g. `budgetThousandYen`). */
  field?: string;
  message: string;
}

/**
 * `file:line N 件目 field[i]: message`. Entries and list items are counted from 1 as staff count
 * them in the file (the problem holds them from 0, as zod's paths do): `#0 needs.1` read as the
 * first entry's first need.
 */
export function formatProblem(p: CatalogProblem): string {
  const where = [p.file + (p.line ? `:${p.line}` : ''), p.entry !== undefined ? `${p.entry + 1} 件目` : '', p.field ? fieldForPeople(p.field) : '']
    .filter(Boolean)
    .join(' ');
  return `${where}: ${p.message}`;
}

/** `contacts.0.source` → `contacts[1].source`: a dotted path's list positions counted from 1. */
function fieldForPeople(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, (_, n: string) => `[${Number(n) + 1}]`);
}

export class CatalogError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`カタログに ${problems.length} 件の問題があります:\n` + problems.map(formatProblem).join('\n'));
    this.name = 'CatalogError';
  }
}
