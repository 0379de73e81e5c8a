import { createHash } from 'node:crypto';

/** Spelling differences that must not change an id: width, spaces, case. */
export function normalizeForId(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

/**
 * A program's id when its catalog entry has none: a short hash of agency + name. Once
 * written to the catalog the id is kept, so renaming a program later does not change it.
 */
export function programId(agency: string, name: string): string {
  const digest = createHash('sha256').update(`${normalizeForId(agency)}\u0000${normalizeForId(name)}`).digest('hex');
  return `p-${digest.slice(0, 10)}`;
}
