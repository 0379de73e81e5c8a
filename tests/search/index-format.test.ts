/**
 * The index's fingerprint (index-format.ts) is hashed from the programs' JSON a slice at a time
 * (issue 13: the whole catalog as one string was most of a large build's peak). It must stay the
 * hash of that JSON as one string, or every index file already written would be refused as stale.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Agency, Program } from '../../src/catalog/schema.js';
import { SERIALIZED_VERSION, sourcesFingerprint } from '../../src/search/index-format.js';

/** The fingerprint as it was first defined: the JSON in one string. */
function whole(sources: { programs: readonly Program[]; agencies: readonly Agency[]; synonyms: unknown; variants?: unknown }): string {
  const variants = (sources.variants as { variants?: unknown[] } | undefined)?.variants?.length ? [sources.variants] : [];
  return createHash('sha256')
    .update(JSON.stringify([SERIALIZED_VERSION, sources.programs, sources.agencies, sources.synonyms, ...variants]))
    .digest('hex')
    .slice(0, 16);
}

const program = (i: number) => ({ id: `p-${i}`, name: `創業支援（${i}）"引用"\n`, agency: '鹿児島県', overview: i % 2 ? undefined : '概要 𠮷', purposes: ['創業'], consultations: [`相談${i}`] }) as unknown as Program;
const agencies = [{ name: '鹿児島県', kind: '県' }] as unknown as Agency[];

describe('sourcesFingerprint', () => {
  it('is the hash of the sources as one JSON string, for any number of programs', () => {
    for (const count of [0, 1, 999, 1000, 1001, 2345]) {
      const programs = Array.from({ length: count }, (_, i) => program(i));
      const sources = { programs, agencies, synonyms: { synonyms: [['創業', '起業']] } };
      expect(sourcesFingerprint(sources), `${count} programs`).toBe(whole(sources));
    }
  });

  it('is that hash with no synonyms file, and with and without variants', () => {
    const programs = Array.from({ length: 1500 }, (_, i) => program(i));
    for (const extra of [{ synonyms: undefined }, { synonyms: {}, variants: { variants: [['附', '付']] } }, { synonyms: {}, variants: { variants: [] } }]) {
      const sources = { programs, agencies, ...extra };
      expect(sourcesFingerprint(sources)).toBe(whole(sources));
    }
  });
});
