import { createHash } from 'node:crypto';
import type { Agency, Program } from '../catalog/schema.js';
import type { LexiconEntry } from './analyzer.js';
import type { SerializedConsultations } from './consultation-match.js';
import type { SerializedPurposeModel } from './purpose-model.js';
import type { SearchEngineInput } from './search-types.js';

/** The serialised engine (SearchEngine#toJSON, loaded by fromJSON) and what makes one valid for a catalog. */

// 2: MiniSearch's postings compact; 3: its radix tree written as it is; 4: postings packed as int32s (index-load.ts), 相談例 as words.
// 5: no kana endings in the lexicon (kana-endings.ts), so an index written before is made again.
// 6: the purpose and need models' counts (purpose-model.ts), so a serving process does not count the 相談例 itself.
// 7: verbs' and adjectives' kana in the lexicon (LexiconEntry.kana), for questions typed in kana (kana-reading.ts).
export const SERIALIZED_VERSION = 7;

export interface SerializedSearchIndex {
  version: number;
  /** Fingerprint of the programs the index was built from. */
  catalog: string;
  index: unknown;
  lexicon: LexiconEntry[];
  documentFrequency: Array<[string, number]>;
  docTerms: Array<[string, string[]]>;
  /** The general synonyms that touch this catalog (general-synonyms.ts). */
  generalSynonyms?: Array<[string, string[]]>;
  /** Each program's 相談例 as words (consultation-match.ts), analysed when the index was built. */
  consultations: SerializedConsultations;
  /**
   * The purpose and need models (purpose-model.ts), counted from `consultations` when the index
   * was built. Top-level fields: index-file.ts gives long arrays sections of their own only down
   * to three levels (content → model → its arrays).
   */
  purposeModel: SerializedPurposeModel;
  needModel: SerializedPurposeModel;
}

/** Changes whenever a program, an agency or the vocabulary changes: an index is valid only for these. */
export function indexFingerprint(input: Pick<SearchEngineInput, 'programs' | 'agencies' | 'vocabulary' | 'variants'>): string {
  return sourcesFingerprint({ programs: input.programs, agencies: input.agencies, synonyms: input.vocabulary.source, variants: input.variants?.source });
}

/** The same fingerprint from the files as read (catalog, agencies, synonyms), before any index exists. */
export function sourcesFingerprint(sources: { programs: readonly Program[]; agencies: readonly Agency[]; synonyms: unknown; variants?: unknown }): string {
  // Variants join the list only when there are some, so an index of a seeds directory without variants.yaml keeps its fingerprint.
  const variants = (sources.variants as { variants?: unknown[] } | undefined)?.variants?.length ? [sources.variants] : [];
  // The hash of JSON.stringify([SERIALIZED_VERSION, programs, agencies, synonyms, ...variants]),
  // the programs stringified a slice at a time: at 100,000 programs that JSON as one string
  // (UTF-16: the catalog is Japanese) and its UTF-8 copy were most of a build's peak (writing
  // the index) and of a start's.
  const hash = createHash('sha256');
  hash.update(`[${JSON.stringify(SERIALIZED_VERSION)},[`);
  const { programs } = sources;
  for (let at = 0; at < programs.length; at += FINGERPRINT_SLICE) {
    hash.update((at ? ',' : '') + JSON.stringify(programs.slice(at, at + FINGERPRINT_SLICE)).slice(1, -1));
  }
  hash.update(']');
  for (const value of [sources.agencies, sources.synonyms, ...variants]) hash.update(`,${JSON.stringify(value) ?? 'null'}`);
  return hash.update(']').digest('hex').slice(0, 16);
}

/** Programs stringified at a time for the fingerprint. */
const FINGERPRINT_SLICE = 1000;

/** A serialised index that does not belong to the sources it is loaded with. */
export class StaleIndexError extends Error {
  override name = 'StaleIndexError';
}
