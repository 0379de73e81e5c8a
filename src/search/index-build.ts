import type MiniSearch from 'minisearch';
import type { Options } from 'minisearch';
import { compactWith, loadMiniSearchConsuming, type CompactIndex } from './index-load.js';

/**
 * MiniSearch's postings packed while the index is being built (issue 13: the build's peak).
 *
 * MiniSearch keeps a term's postings as a Map per field of document id → term frequency: about
 * 48 bytes of heap per posting, 1.3 GB of a 100,000-program build (27 million postings), where
 * the packed form index-load.ts writes takes 8. While the engine builds, `PostingsPacker`
 * takes MiniSearch's `addTerm` (the one place it adds a posting) and keeps each term's field's
 * postings in one array instead, a posting as one small integer (id and tf together: `TF`). Everything else is MiniSearch's own: it
 * adds every document, makes the radix tree (the term's leaf is still a Map by field, in the
 * order the fields first had the term), the field lengths and their averages. The arrays hold
 * what the Maps would: MiniSearch adds a document's fields one by one, a field's terms
 * together, and the ids ascending, so a document already counted for a term's field is the
 * last posting of that field's array, and the postings are in the order the Map would hold them.
 *
 * `finish` packs the postings in the tree's order, exactly as `compactIndex` packs MiniSearch's
 * Maps (the index file is byte for byte the same), and swaps MiniSearch's term tree for the
 * same tree whose leaves read the packed postings, as a loaded index's do (index-load.ts):
 * the built engine answers from them, and `toJSON` writes them without packing again.
 * (Packing MiniSearch's Maps every thousand programs instead left their entries as garbage
 * for V8's old generation: the build's peak grew.)
 *
 * Reads and sets MiniSearch 7's private fields as index-load.ts does.
 */

type Freqs = Map<number, number>;
type Postings = Map<number, Freqs>;
type TreeNode = Map<string, TreeNode | Postings>;
/** A term's leaf while building: fieldId → its postings, one number each (see TF). */
type BuildingPostings = Map<number, number[]>;
/**
 * A posting while building is one number, `id * TF + tf` (an SMI: 4 bytes in V8's heap,
 * half of an (id, tf) pair); a tf of TF or more is written `id * TF` followed by `-tf`.
 */
const TF = 64;
const LEAF = '';

interface Internals {
  _index: { _tree: TreeNode; _size: number | undefined; fetch(term: string, initial: () => BuildingPostings): BuildingPostings };
  _documentCount: number;
  _fieldIds: Record<string, number>;
  addTerm?: (fieldId: number, documentId: number, term: string) => void;
}

/** The packed postings and the tree that says where each term's start (CompactIndex's `tree` and `postings`). */
export interface PackedTerms {
  tree: CompactIndex['tree'];
  postings: Int32Array;
}

const newLeaf = (): BuildingPostings => new Map();

export class PostingsPacker<T> {
  /** `index` must be empty: its postings are kept here from the first document on. */
  constructor(private readonly index: MiniSearch<T>) {
    const mini = this.mini;
    if (mini._documentCount || mini._index._tree.size) throw new Error('PostingsPacker: the index is not empty');
    // MiniSearch#addTerm (fieldIndex.set(id, (fieldIndex.get(id) || 0) + 1)) on an array of postings.
    mini.addTerm = (fieldId, documentId, term) => {
      const leaf = mini._index.fetch(term, newLeaf);
      const list = leaf.get(fieldId);
      if (!list) {
        leaf.set(fieldId, [documentId * TF + 1]);
        return;
      }
      const last = list.length - 1;
      const value = list[last]!;
      if (value < 0) {
        // This document's tf is past TF already: count on.
        if (Math.floor(list[last - 1]! / TF) === documentId) {
          list[last] = value - 1;
          return;
        }
      } else if (Math.floor(value / TF) === documentId) {
        if (value % TF < TF - 1) list[last] = value + 1;
        else {
          list[last] = documentId * TF;
          list.push(-TF);
        }
        return;
      }
      list.push(documentId * TF + 1);
    };
  }

  /**
   * Packs the postings, term by term in the tree's order, and makes the index read them (see
   * the class); MiniSearch adds postings as usual again. Nothing may be added to the index
   * afterwards (the packed postings would not have it).
   */
  finish(options: Options<T>): PackedTerms {
    const mini = this.mini;
    delete mini.addTerm;
    const root = mini._index._tree as unknown as Map<string, unknown>;
    // Sized exactly first, as compactIndex does: a growing array would hold the postings twice.
    let total = 0;
    const size = (node: Map<string, unknown>): void => {
      for (const [key, child] of node) {
        if (key !== LEAF) size(child as Map<string, unknown>);
        else {
          total += 1;
          for (const list of (child as BuildingPostings).values()) total += 2 + 2 * postingCount(list);
        }
      }
    };
    size(root);
    const postings = new Int32Array(total);
    const tree: PackedTerms['tree'] = [];
    let at = 0;
    const write = (node: Map<string, unknown>): void => {
      tree.push(node.size);
      for (const [key, child] of node) {
        tree.push(key);
        if (key !== LEAF) {
          write(child as Map<string, unknown>);
          continue;
        }
        tree.push(at);
        const fields = child as BuildingPostings;
        postings[at++] = fields.size;
        for (const [fieldId, list] of fields) {
          postings[at++] = fieldId;
          postings[at++] = postingCount(list);
          for (let i = 0; i < list.length; i++) {
            const value = list[i]!;
            const next = list[i + 1];
            postings[at++] = Math.floor(value / TF);
            if (next !== undefined && next < 0) {
              postings[at++] = -next;
              i++;
            } else {
              postings[at++] = value % TF;
            }
          }
          list.length = 0;
        }
      }
    };
    write(root);
    // The same tree with leaves reading `postings` (loadMiniSearchConsuming consumes its input: a copy of the tree).
    const reading = loadMiniSearchConsuming(packedOnly({ tree: tree.slice(), postings }, mini._fieldIds), options);
    mini._index._tree = (reading as unknown as Internals)._index._tree;
    mini._index._size = undefined;
    return { tree, postings };
  }

  private get mini(): Internals {
    return this.index as unknown as Internals;
  }
}

/** Postings in a list made by PostingsPacker's addTerm (a large tf takes two numbers). */
function postingCount(list: number[]): number {
  let n = 0;
  for (const value of list) if (value >= 0) n++;
  return n;
}

/** A CompactIndex of no documents holding `terms`: loads as the term tree alone. */
function packedOnly(terms: PackedTerms, fieldIds: Record<string, number>): CompactIndex {
  return { documentCount: 0, nextId: 0, documentIds: {}, fieldIds, fieldLength: {}, averageFieldLength: [], storedFields: {}, dirtCount: 0, index: [], ...terms, serializationVersion: 2 };
}

/**
 * What `compactIndex(index)` gives for an index whose postings `finish` packed, from `terms`
 * (no Map is made from the packed postings). The tree is a copy: a loader consumes it.
 */
export function compactPacked<T>(index: MiniSearch<T>, terms: PackedTerms): CompactIndex {
  return compactWith(index, terms.tree.slice(), terms.postings);
}

/**
 * One copy of each word for what a build keeps per program (`docTerms`): the analyser makes a
 * new string for every word it reads, and 100,000 programs' forty words each were 4 million
 * strings of a few thousand distinct words (about 90 MB). Only for the build: dropped after.
 */
export class WordPool {
  private readonly words = new Map<string, string>();

  of(word: string): string {
    const kept = this.words.get(word);
    if (kept !== undefined) return kept;
    this.words.set(word, word);
    return word;
  }
}
