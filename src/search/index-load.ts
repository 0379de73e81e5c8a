import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';

/**
 * The MiniSearch part of the index file, written and loaded without MiniSearch's plain object
 * graph (issue 13).
 *
 * `MiniSearch#toJSON` writes each term's postings as an object per field with a key per
 * document (`{"3": {"1234": 2, …}}`); parsed, that is an object per term and field holding
 * the document ids as strings, about 130 MB at 10,000 programs, which `loadJS` then turns into
 * Maps while all of it stays alive. `CompactIndex` writes a term's postings as one flat array
 * of numbers instead, and `loadMiniSearchConsuming` builds the Maps from it term by term,
 * dropping each array once loaded: fewer bytes to parse, a parsed form a fraction of the size
 * (arrays of small integers), and never the parsed and the loaded index whole at once.
 *
 * Reads and sets MiniSearch 7's private fields (`Internals`) exactly as its own toJSON/loadJS
 * do; tests/search/index-load.test.ts holds the result equal to MiniSearch's own round trip.
 */

/** MiniSearch's serialised form with the term postings compact. */
export interface CompactIndex extends Omit<AsPlainObject, 'index'> {
  index: [];
  /** Per term: [fieldId, count, docId, tf, docId, tf, …, fieldId, count, …] (ids are MiniSearch's short ids). */
  postings: Array<[string, number[]] | undefined>;
}

type Postings = Map<number, Map<number, number>>;

interface Internals {
  _index: Iterable<[string, Postings]> & { set(term: string, data: Postings): void };
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
}

/** What `index.toJSON()` gives, with the postings compact; read from the index directly (no plain graph at all). */
export function compactIndex<T>(index: MiniSearch<T>): CompactIndex {
  const mini = index as unknown as Internals;
  const postings: CompactIndex['postings'] = [];
  for (const [term, fields] of mini._index) {
    const flat: number[] = [];
    for (const [fieldId, freqs] of fields) {
      flat.push(fieldId, freqs.size);
      for (const [docId, tf] of freqs) flat.push(docId, tf);
    }
    postings.push([term, flat]);
  }
  return {
    documentCount: mini._documentCount,
    nextId: mini._nextId,
    documentIds: Object.fromEntries(mini._documentIds) as AsPlainObject['documentIds'],
    fieldIds: mini._fieldIds,
    fieldLength: Object.fromEntries(mini._fieldLength) as AsPlainObject['fieldLength'],
    averageFieldLength: mini._avgFieldLength,
    storedFields: Object.fromEntries(mini._storedFields) as AsPlainObject['storedFields'],
    dirtCount: mini._dirtCount,
    index: [],
    postings,
    serializationVersion: 2,
  };
}

/**
 * Loads a `CompactIndex` (or MiniSearch's own plain form), consuming it: each term's postings
 * are dropped from the serialised object once they are Maps in the instance, so the caller
 * must not use it afterwards (the engine loads each parsed index once).
 */
export function loadMiniSearchConsuming<T>(serialised: AsPlainObject | CompactIndex, options: Options<T>): MiniSearch<T> {
  if (serialised.serializationVersion !== 2) return MiniSearch.loadJS(serialised as AsPlainObject, options);
  const { postings: compact, index: plainTerms, ...rest } = serialised as CompactIndex & Pick<AsPlainObject, 'index'>;
  const mini = MiniSearch.loadJS({ ...rest, index: [] }, options);
  const index = (mini as unknown as Internals)._index;
  if (compact) {
    for (let i = 0; i < compact.length; i++) {
      const [term, flat] = compact[i]!;
      const fields: Postings = new Map();
      for (let at = 0; at < flat.length; ) {
        const fieldId = flat[at++]!;
        const end = at + 2 * flat[at++]!;
        const freqs = new Map<number, number>();
        for (; at < end; at += 2) freqs.set(flat[at]!, flat[at + 1]!);
        fields.set(fieldId, freqs);
      }
      index.set(term, fields);
      compact[i] = undefined; // garbage from here on
    }
    compact.length = 0;
  }
  // MiniSearch's plain form (an index file written before the compact form, or toJSON()).
  const terms = plainTerms as Array<AsPlainObject['index'][number] | undefined>;
  for (let i = 0; i < terms.length; i++) {
    const [term, data] = terms[i]!;
    const fields: Postings = new Map();
    for (const fieldId of Object.keys(data)) {
      const entry = data[fieldId]!;
      const freqs = new Map<number, number>();
      for (const docId of Object.keys(entry)) freqs.set(parseInt(docId, 10), entry[docId]!);
      fields.set(parseInt(fieldId, 10), freqs);
    }
    index.set(term, fields);
    terms[i] = undefined;
  }
  terms.length = 0;
  return mini;
}
