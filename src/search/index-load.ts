import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';

/**
 * The MiniSearch part of the index file, written and loaded without MiniSearch's plain object
 * graph (issues 13 and 11).
 *
 * `MiniSearch#toJSON` writes each term's postings as an object per field with a key per
 * document (`{"3": {"1234": 2, …}}`); parsed, that is an object per term and field holding
 * the document ids as strings, about 130 MB at 10,000 programs, which `loadJS` then turns into
 * Maps, and it inserts every term into the radix tree again (string comparisons and node
 * splits: a third of the bundled catalog's start). `CompactIndex` instead writes
 * - the radix tree itself, node by node in its own order (`tree`), rebuilt as it was;
 * - every term's postings as 32-bit integers in one Int32Array (`postings`), which the index
 *   file holds as raw bytes after its JSON (index-file.ts): no numbers for JSON.parse to read
 *   one by one, and one ArrayBuffer in memory, outside V8's heap.
 * A term's postings become MiniSearch's Maps only when something reads them (PackedPostings):
 * a start makes none, and a running bot only those of the terms it was asked about.
 *
 * Reads and sets MiniSearch 7's private fields (`Internals`) exactly as its own toJSON/loadJS
 * do; tests/search/index-load.test.ts holds the result equal to MiniSearch's own round trip.
 */

/** MiniSearch's serialised form with the term tree and postings compact. */
export interface CompactIndex extends Omit<AsPlainObject, 'index'> {
  index: [];
  /**
   * The radix tree, depth first: a node is its number of entries, then per entry its key and,
   * for the leaf key '', where its term's postings start in `postings`, else the child node.
   */
  tree: Array<string | number>;
  /**
   * Per term: fieldCount, then per field fieldId, count, docId, tf, docId, tf, … (ids are
   * MiniSearch's short ids). Not JSON: index-file.ts writes and reads it as raw int32s.
   */
  postings: Int32Array;
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
  // Sized exactly first (a growing array would hold up to twice the postings while growing,
  // and a trimmed copy once more: hundreds of MB of a 100,000-program build's peak).
  let total = 0;
  for (const [, fields] of mini._index) {
    total += 1;
    for (const freqs of fields.values()) total += 2 + 2 * freqs.size;
  }
  const packed = new Int32Array(total);
  let at = 0;
  const write = (node: TreeNode): void => {
    tree.push(node.size);
    for (const [key, child] of node) {
      tree.push(key);
      if (key === LEAF) {
        tree.push(at);
        at = packPostings(child as Postings, packed, at);
      } else {
        write(child as TreeNode);
      }
    }
  };
  write(mini._index._tree);
  return compactWith(index, tree, packed);
}

/** MiniSearch's own serialised fields of `index`, with the term tree and postings given in compact form. */
export function compactWith<T>(index: MiniSearch<T>, tree: CompactIndex['tree'], postings: Int32Array): CompactIndex {
  const mini = index as unknown as Internals;
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

/** Writes one term's postings into `out` from `at`; returns where the next term starts. */
function packPostings(fields: Postings, out: Int32Array, at: number): number {
  out[at++] = fields.size;
  for (const [fieldId, freqs] of fields) {
    out[at++] = fieldId;
    out[at++] = freqs.size;
    for (const [docId, tf] of freqs) {
      out[at++] = docId;
      out[at++] = tf;
    }
  }
  return at;
}

/**
 * One term's postings as MiniSearch reads them (fieldId → docId → tf), made into Maps on the
 * first read of any kind and kept: until then a leaf costs a small object and an offset into
 * the shared Int32Array. Every Map method that reads or writes decodes first, so MiniSearch
 * (and term-scores.ts) see what an ordinary Map gives.
 *
 * Not a Map subclass: a Map is made with its hash table, even empty, so each of the bundled
 * catalog's 14,000 leaves held an unused table until decoded (2 MiB of a serving process's heap,
 * bench, session 25). Here the Map is made when something first reads the term.
 */
class PackedPostings implements Map<number, Map<number, number>> {
  /** The shared Int32Array while packed (undefined once decoded). */
  #packed: Int32Array | undefined;
  readonly #at: number;
  /** The decoded Map, once something read the term. (Two fields, not one of either type: a check of this field costs less than instanceof on every read.) */
  #map: Postings | undefined;

  constructor(packed: Int32Array, at: number) {
    this.#packed = packed;
    this.#at = at;
  }

  /**
   * Where this term's postings start in the shared Int32Array, while they are still packed
   * (undefined once something decoded them): term-scores.ts reads them there, so a query makes
   * no Maps (at 100,000 programs a common term's were 50,000 entries of garbage, kept for good).
   */
  packedAt(): { packed: Int32Array; at: number } | undefined {
    const packed = this.#packed;
    return packed && { packed, at: this.#at };
  }

  #decoded(): Postings {
    return this.#map ?? this.#decode();
  }

  #decode(): Postings {
    const map: Postings = new Map();
    const packed = this.#packed!;
    let at = this.#at;
    for (let fields = packed[at++]!; fields > 0; fields--) {
      const fieldId = packed[at++]!;
      const freqs = new Map<number, number>();
      for (let n = packed[at++]!; n > 0; n--, at += 2) freqs.set(packed[at]!, packed[at + 1]!);
      map.set(fieldId, freqs);
    }
    this.#packed = undefined;
    return (this.#map = map);
  }

  get size(): number {
    return this.#decoded().size;
  }
  get(key: number): Map<number, number> | undefined {
    return this.#decoded().get(key);
  }
  has(key: number): boolean {
    return this.#decoded().has(key);
  }
  set(key: number, value: Map<number, number>): this {
    this.#decoded().set(key, value);
    return this;
  }
  delete(key: number): boolean {
    return this.#decoded().delete(key);
  }
  clear(): void {
    this.#decoded().clear();
  }
  forEach(callback: (value: Map<number, number>, key: number, map: Map<number, Map<number, number>>) => void, thisArg?: unknown): void {
    this.#decoded().forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[number, Map<number, number>]> {
    return this.#decoded().entries();
  }
  keys(): MapIterator<number> {
    return this.#decoded().keys();
  }
  values(): MapIterator<Map<number, number>> {
    return this.#decoded().values();
  }
  [Symbol.iterator](): MapIterator<[number, Map<number, number>]> {
    return this.#decoded()[Symbol.iterator]();
  }
  get [Symbol.toStringTag](): string {
    return 'PackedPostings';
  }
}

/**
 * A radix tree node whose only entry is a term's postings (the leaf key ''), as MiniSearch's
 * SearchableMap reads and changes nodes: a Map of one entry, made a Map only if something adds
 * another key. Over half of the tree's nodes are such (8,149 of 15,178 at the bundled catalog),
 * and a Map's hash table each was 1.2 MiB of a serving process's heap (session 25).
 */
/**
 * A LeafNode's keys, from Maps that are never changed: MiniSearch walks a node's keys() with
 * for…of, and an iterator of one kind (a Map's) keeps those loops as fast as over Map nodes
 * (an array's iterator there made prefix and fuzzy walks, and so questions at 10,000 programs,
 * 6 % slower).
 */
const LEAF_ONLY: ReadonlyMap<string, undefined> = new Map([[LEAF, undefined]]);
const NO_KEYS: ReadonlyMap<string, undefined> = new Map();

class LeafNode implements Map<string, TreeNode | Postings> {
  /** The postings while this is a node of one leaf; the Map once another key was added. */
  #data: Postings | TreeNode | undefined;
  #map: TreeNode | undefined;

  constructor(postings: Postings) {
    this.#data = postings;
  }

  #asMap(): TreeNode {
    if (!this.#map) {
      this.#map = new Map();
      if (this.#data !== undefined) this.#map.set(LEAF, this.#data);
      this.#data = undefined;
    }
    return this.#map;
  }

  get size(): number {
    return this.#map ? this.#map.size : this.#data === undefined ? 0 : 1;
  }
  get(key: string): TreeNode | Postings | undefined {
    return this.#map ? this.#map.get(key) : key === LEAF ? this.#data : undefined;
  }
  has(key: string): boolean {
    return this.#map ? this.#map.has(key) : key === LEAF && this.#data !== undefined;
  }
  set(key: string, value: TreeNode | Postings): this {
    if (!this.#map && key === LEAF) this.#data = value;
    else this.#asMap().set(key, value);
    return this;
  }
  delete(key: string): boolean {
    if (this.#map) return this.#map.delete(key);
    const had = key === LEAF && this.#data !== undefined;
    if (had) this.#data = undefined;
    return had;
  }
  clear(): void {
    this.#map?.clear();
    this.#data = undefined;
  }
  forEach(callback: (value: TreeNode | Postings, key: string, map: Map<string, TreeNode | Postings>) => void, thisArg?: unknown): void {
    for (const [key, value] of this) callback.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[string, TreeNode | Postings]> {
    return this.#map ? this.#map.entries() : new Map(this.#data === undefined ? [] : [[LEAF, this.#data]]).entries();
  }
  keys(): MapIterator<string> {
    return this.#map ? this.#map.keys() : (this.#data === undefined ? NO_KEYS : LEAF_ONLY).keys();
  }
  values(): MapIterator<TreeNode | Postings> {
    return this.#map ? this.#map.values() : (this.#data === undefined ? [] : [this.#data]).values();
  }
  [Symbol.iterator](): MapIterator<[string, TreeNode | Postings]> {
    return this.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'LeafNode';
  }
}

/** A term's postings still packed (see PackedPostings#packedAt), or undefined for ordinary Maps. */
export function packedPostingsOf(data: Map<number, Map<number, number>>): { packed: Int32Array; at: number } | undefined {
  return data instanceof PackedPostings ? data.packedAt() : undefined;
}

/**
 * Loads a `CompactIndex` (or MiniSearch's own plain form), consuming it: the serialised tree
 * and postings are dropped from the object once loaded, so the caller must not use it
 * afterwards (the engine loads each parsed index once).
 */
export function loadMiniSearchConsuming<T>(serialised: AsPlainObject | CompactIndex, options: Options<T>): MiniSearch<T> {
  if (serialised.serializationVersion !== 2) return MiniSearch.loadJS(serialised as AsPlainObject, options);
  const { tree, postings, index: plainTerms, ...rest } = serialised as CompactIndex & Pick<AsPlainObject, 'index'>;
  const mini = MiniSearch.loadJS({ ...rest, index: [] }, options);
  const index = (mini as unknown as Internals)._index;
  if (tree) {
    const packed = postings;
    (serialised as Partial<CompactIndex>).postings = new Int32Array(0);
    let at = 0;
    const read = (root: boolean): TreeNode => {
      const entries = tree[at++] as number;
      // A node holding only a term's postings (over half of them): see LeafNode.
      if (!root && entries === 1 && tree[at] === LEAF) {
        at++;
        return new LeafNode(new PackedPostings(packed, tree[at++] as number));
      }
      const node: TreeNode = new Map();
      for (let n = entries; n > 0; n--) {
        const key = tree[at++] as string;
        node.set(key, key === LEAF ? new PackedPostings(packed, tree[at++] as number) : read(false));
      }
      return node;
    };
    index._tree = read(true);
    index._size = undefined;
    tree.length = 0;
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
