import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';

/**
 * `MiniSearch.loadJS`, but the plain index is consumed as it is loaded: each term's postings
 * are dropped from `plain.index` once they are Maps in the MiniSearch instance.
 *
 * loadJS keeps the whole parsed index (an object per term and field, a key per document)
 * alive until it returns, beside the Maps it builds from it: at 10,000 programs about 130 MB
 * of parsed JSON next to the index being built, which is what broke a 256 MB heap (issue 13).
 * Consumed term by term, the parsed form becomes garbage while the Maps grow, so the peak is
 * about the larger of the two, not their sum.
 *
 * Term entries are set with MiniSearch 7's own per-term code (loadJS, serialization version 2);
 * anything else (another version) goes to loadJS unchanged. The caller must not use
 * `plain.index` afterwards (the engine loads each parsed index once).
 */
export function loadMiniSearchConsuming<T>(plain: AsPlainObject, options: Options<T>): MiniSearch<T> {
  if (plain.serializationVersion !== 2) return MiniSearch.loadJS(plain, options);
  const terms = plain.index as Array<[string, Record<string, Record<string, number>>] | undefined>;
  const mini = MiniSearch.loadJS({ ...plain, index: [] }, options);
  const index = (mini as unknown as { _index: { set(term: string, data: Map<number, Map<number, number>>): void } })._index;
  for (let i = 0; i < terms.length; i++) {
    const [term, data] = terms[i]!;
    const fields = new Map<number, Map<number, number>>();
    for (const fieldId of Object.keys(data)) {
      const entry = data[fieldId]!;
      const postings = new Map<number, number>();
      for (const docId of Object.keys(entry)) postings.set(parseInt(docId, 10), entry[docId]!);
      fields.set(parseInt(fieldId, 10), postings);
    }
    index.set(term, fields);
    terms[i] = undefined; // garbage from here on
  }
  terms.length = 0;
  return mini;
}
