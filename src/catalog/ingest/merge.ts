import { isDeepStrictEqual } from 'node:util';
import type { ProgramInput } from '../schema.js';

/**
 * Re-ingesting a document must not wipe what a person corrected in the catalog. We keep
 * the previous machine output (the "snapshot") beside the catalog and merge field by
 * field, three-way:
 *  - catalog equals snapshot → nobody touched it → take the new parse;
 *  - catalog differs from snapshot → a person corrected it → keep the correction (and
 *    report a conflict when the new parse changed that field too).
 */
export type Entry = ProgramInput & { id: string };

export interface FieldChange {
  id: string;
  name: string;
  field: string;
  kind: 'updated' | 'kept-correction' | 'conflict';
  /**
   * The value in the catalog before this ingest. For `updated` it is replaced by `to`; for
   * `kept-correction` and `conflict` it is the person's value, and it stays.
   */
  from?: unknown;
  /**
   * The value the document gives now. Written for `updated`; not written for
   * `kept-correction` (the document still says what it said) or `conflict` (the document
   * changed it, but a person had corrected it).
   */
  to?: unknown;
}

export interface MergeReport {
  merged: Entry[];
  added: Entry[];
  /** In the catalog and the old snapshot but no longer parsed from the document. */
  vanished: Entry[];
  changes: FieldChange[];
}

const FIELDS = [
  'name',
  'agency',
  'budgetThousandYen',
  'budgetText',
  'fiscalYear',
  'overview',
  'results',
  'keyProjects',
  'relatedOrgs',
  'purposes',
  'source',
  'reviewNote',
] as const satisfies ReadonlyArray<keyof ProgramInput>;

function same(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || v === '';
  if (empty(a) && empty(b)) return true;
  return isDeepStrictEqual(a, b);
}

export function mergeCatalog(catalog: Entry[], snapshot: Entry[], parsed: Entry[]): MergeReport {
  const snap = new Map(snapshot.map((e) => [e.id, e]));
  const fresh = new Map(parsed.map((e) => [e.id, e]));
  const changes: FieldChange[] = [];
  const merged: Entry[] = [];
  const vanished: Entry[] = [];
  for (const current of catalog) {
    const next = fresh.get(current.id);
    if (!next) {
      if (snap.has(current.id)) vanished.push(current);
      merged.push(current);
      continue;
    }
    const base = snap.get(current.id);
    const out: Entry = { ...current };
    for (const field of FIELDS) {
      const mine = current[field];
      const theirs = next[field];
      const old = base?.[field];
      if (same(mine, theirs)) continue;
      const touched = base ? !same(mine, old) : mine !== undefined;
      if (!touched) {
        (out as Record<string, unknown>)[field] = theirs;
        changes.push({ id: current.id, name: current.name, field, kind: 'updated', from: mine, to: theirs });
      } else if (base && !same(old, theirs)) {
        changes.push({ id: current.id, name: current.name, field, kind: 'conflict', from: mine, to: theirs });
      } else {
        changes.push({ id: current.id, name: current.name, field, kind: 'kept-correction', from: mine, to: theirs });
      }
    }
    merged.push(stripEmpty(out));
  }
  const known = new Set(catalog.map((e) => e.id));
  const added = parsed.filter((e) => !known.has(e.id));
  merged.push(...added);
  return { merged, added, vanished, changes };
}

/** Drop absent/empty optional fields so the YAML shows only what is known. */
export function stripEmpty(e: Entry): Entry {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || (Array.isArray(v) && v.length === 0) || v === '') continue;
    out[k] = v;
  }
  return out as Entry;
}
