import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';

/**
 * The MiniSearch part of the index file, written and loaded without MiniSearch's plain object
 * graph (issues 13 and 11).
 *
 * `MiniSearch#toJSON` writes each term's postings as an object per field with a key per
 * document (`{"3": {"1234": 2, …}}`); parsed, that is an object per term and field holding
 * the document ids as strings, about 130 MB at 10,000 programs, which `loadJS` then turns into
 * Maps while all of it stays alive, and it inserts every term into the radix tree again
 * (string comparisons and node splits: a third of the bundled catalog's start). `CompactIndex`
 * writes the radix tree itself, node by node in its own order (`tree`), and each term's
 * postings as one flat array of numbers (`postings`, in the order the tree's leaves come);
 * `loadMiniSearchConsuming` rebuilds the tree's Maps as they were, dropping each postings
 * array once loaded: fewer bytes to parse, no insertion work, and never the parsed and the
 * loaded index whole at once.
 *
 * Reads and sets MiniSearch 7's private fields (`Internals`) exactly as its own toJSON/loadJS
 * do; tests/search/index-load.test.ts holds the result equal to MiniSearch's own round trip.
 */

/** MiniSearch's serialised form with the term tree and postings compact. */
export interface CompactIndex extends Omit<AsPlainObject, 'index'> {
  index: [];
  /**
   * The radix tree, depth first: a node is its number of entries, then per entry its key and,
   * for the leaf key '', the position of its postings, else the child node.
   */
  tree: Array<string | number>;
  /** Per term, in the order of the tree's leaves: [fieldId, count, docId, tf, docId, tf, …, fieldId, count, …] (ids are MiniSearch's short ids). */
  postings: Array<number[] | undefined>;
}

type Postings = Map<number, Map<number, number>>;
/** A radix tree node as MiniSearch's SearchableMap holds it: edge label → child, and '' → the term's postings. */
type TreeNode = Map<string, TreeNode | Postings>;
const LEAF = '';

interface Internals {
  _index: Iterable<[string, Postings]> & { set(term: string, data: Postings): void; _tree: TreeNode; _size: number | undefined };
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
}

/** What `index.toJSON()` gives, with the tree and postings compact; read from the index directly (no plain graph at all). */
export function compactIndex<T>(index: MiniSearch<T>): CompactIndex {
  const mini = index as unknown as Internals;
  const tree: CompactIndex['tree'] = [];
  const postings: CompactIndex['postings'] = [];
  const write = (node: TreeNode): void => {
    tree.push(node.size);
    for (const [key, child] of node) {
      tree.push(key);
      if (key === LEAF) {
        tree.push(postings.length);
        postings.push(flatPostings(child as Postings));
      } else {
        write(child as TreeNode);
      }
    }
  };
  write(mini._index._tree);
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
    tree,
    postings,
    serializationVersion: 2,
  };
}

function flatPostings(fields: Postings): number[] {
  const flat: number[] = [];
  for (const [fieldId, freqs] of fields) {
    flat.push(fieldId, freqs.size);
    for (const [docId, tf] of freqs) flat.push(docId, tf);
  }
  return flat;
}

function postingsFrom(flat: number[]): Postings {
  const fields: Postings = new Map();
  for (let at = 0; at < flat.length; ) {
    const fieldId = flat[at++]!;
    const end = at + 2 * flat[at++]!;
    const freqs = new Map<number, number>();
    for (; at < end; at += 2) freqs.set(flat[at]!, flat[at + 1]!);
    fields.set(fieldId, freqs);
  }
  return fields;
}

/**
 * Loads a `CompactIndex` (or MiniSearch's own plain form), consuming it: each term's postings
 * are dropped from the serialised object once they are Maps in the instance, so the caller
 * must not use it afterwards (the engine loads each parsed index once).
 */
export function loadMiniSearchConsuming<T>(serialised: AsPlainObject | CompactIndex, options: Options<T>): MiniSearch<T> {
  if (serialised.serializationVersion !== 2) return MiniSearch.loadJS(serialised as AsPlainObject, options);
  const { tree, postings: compact, index: plainTerms, ...rest } = serialised as CompactIndex & Pick<AsPlainObject, 'index'>;
  const mini = MiniSearch.loadJS({ ...rest, index: [] }, options);
  const index = (mini as unknown as Internals)._index;
  if (tree) {
    let at = 0;
    const read = (): TreeNode => {
      const node: TreeNode = new Map();
      for (let entries = tree[at++] as number; entries > 0; entries--) {
        const key = tree[at++] as string;
        if (key === LEAF) {
          const i = tree[at++] as number;
          node.set(LEAF, postingsFrom(compact[i]!));
          compact[i] = undefined; // garbage from here on
        } else {
          node.set(key, read());
        }
      }
      return node;
    };
    index._tree = read();
    index._size = undefined;
    tree.length = 0;
    compact.length = 0;
  }
  // MiniSearch's plain form (toJSON()).
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
