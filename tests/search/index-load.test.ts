/**
 * index-load.ts writes MiniSearch's postings compact and loads them term by term, dropping
 * each term's serialised form as it goes (issue 13: the parsed and the loaded index no longer
 * peak together). The result must be the index MiniSearch's own toJSON/loadJS round trip
 * makes, from the compact form and from MiniSearch's plain form, and the input is consumed.
 */
import MiniSearch, { type AsPlainObject } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { decodeIndexFile, encodeIndexFile } from '../../src/search/index-file.js';
import { compactIndex, loadMiniSearchConsuming, type CompactIndex } from '../../src/search/index-load.js';

const options = { idField: 'id', fields: ['title', 'text'], storeFields: [] as string[] };
const docs = [
  { id: 'a', title: '創業 支援', text: '創業 補助金 創業 相談' },
  { id: 'b', title: '事業承継', text: '事業承継 相談 補助金' },
  { id: 'c', title: '輸出', text: '海外 展開 輸出 商談会 輸出 輸出' },
  { id: 'd', title: '相談', text: '' },
  // Terms sharing prefixes: the radix tree splits and merges edges for them.
  { id: 'e', title: 'abc abd', text: 'ab a abcd b 創業者 創' },
];

/** A fresh plain copy of the index, as JSON.parse gives it. */
function built(): MiniSearch {
  const mini = new MiniSearch(options);
  mini.addAll(docs);
  mini.discard('d'); // a discarded document leaves its mark (dirtCount) in the serialised form
  return mini;
}
function plain(): AsPlainObject {
  return JSON.parse(JSON.stringify(built())) as AsPlainObject;
}
/** The compact form as the index file holds it (written, then read: index-file.ts). */
function compact(): CompactIndex {
  return decodeIndexFile<{ index: CompactIndex }>(encodeIndexFile({ index: compactIndex(built()) })).index;
}

describe('loadMiniSearchConsuming', () => {
  it('makes the index MiniSearch.loadJS makes', () => {
    const expected = MiniSearch.loadJS(plain(), options);
    const got = loadMiniSearchConsuming(plain(), options);
    expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
    for (const q of ['創業', '相談', '輸出', '補助金', 'ない']) expect(got.search(q)).toEqual(expected.search(q));
    expect(got.documentCount).toBe(4);
  });

  it('makes it from the compact form too, which holds everything but the plain postings', () => {
    const expected = MiniSearch.loadJS(plain(), options);
    const written = compactIndex(built());
    const { index: _plainTerms, ...rest } = plain();
    const { postings, index, tree, ...compactRest } = written;
    expect(compactRest).toEqual(rest);
    expect(index).toEqual([]);
    expect(postings).toBeInstanceOf(Int32Array);
    // One leaf (a postings offset after the key '') per term of MiniSearch's own form.
    expect(tree.filter((entry, i) => entry === '' && typeof tree[i + 1] === 'number').length).toBe(plain().index.length);
    const got = loadMiniSearchConsuming(compact(), options);
    // The same index as built, terms in the same order (loadJS inserts them anew, which may reorder them).
    expect(JSON.stringify(got)).toBe(JSON.stringify(built()));
    expect(new Map(JSON.parse(JSON.stringify(got)).index)).toEqual(new Map(JSON.parse(JSON.stringify(expected)).index));
    for (const q of ['創業', '相談', '輸出', '補助金', 'ない', 'ab', 'abd', '創']) expect(got.search(q)).toEqual(expected.search(q));
    // Prefix and fuzzy search walk the tree: in its order they answer exactly as the index as built,
    // to the last bit of each score (loadJS's reordered tree adds the same scores in another order).
    const original = built();
    for (const q of ['a', 'ab', '創']) expect(got.search(q, { prefix: true })).toEqual(original.search(q, { prefix: true }));
    expect(got.search('abe', { fuzzy: 1 })).toEqual(original.search('abe', { fuzzy: 1 }));
  });

  it('rebuilds the radix tree exactly as it was built, node by node and in the same order', () => {
    const tree = (mini: MiniSearch) => (mini as unknown as { _index: { _tree: Map<string, unknown> } })._index._tree;
    // A leaf's postings are Map-like (PackedPostings), not a Map: compared by their entries too.
    const mapLike = (node: unknown): node is Iterable<[unknown, unknown]> => node instanceof Map || (typeof node === 'object' && node !== null && typeof (node as Map<unknown, unknown>).get === 'function' && Symbol.iterator in node);
    const shape = (node: unknown): unknown => (mapLike(node) ? [...node].map(([k, v]) => [k, shape(v)]) : node);
    const original = built();
    const got = loadMiniSearchConsuming(compact(), options);
    expect(shape(tree(got))).toEqual(shape(tree(original)));
    expect([...tree(got).keys()]).toEqual([...tree(original).keys()]);
    expect((got as unknown as { _index: { size: number } })._index.size).toBe(plain().index.length);
  });

  it('gives each term’s postings as the Maps MiniSearch built, through every Map method, and writes them back the same', () => {
    type Leaf = Map<number, Map<number, number>>;
    const leaves = (mini: MiniSearch) => new Map([...(mini as unknown as { _index: Iterable<[string, Leaf]> })._index]);
    const original = leaves(built());
    const loaded = loadMiniSearchConsuming(compact(), options);
    const got = leaves(loaded);
    expect([...got.keys()]).toEqual([...original.keys()]);
    for (const [term, fields] of original) {
      // A fresh load per method: each must decode on its own, as the first read of a term.
      const fresh = () => leaves(loadMiniSearchConsuming(compact(), options)).get(term)!;
      expect(fresh().size, term).toBe(fields.size);
      for (const [fieldId, freqs] of fields) {
        expect(fresh().get(fieldId), term).toEqual(freqs);
        expect(fresh().has(fieldId)).toBe(true);
      }
      expect([...fresh().keys()]).toEqual([...fields.keys()]);
      expect([...fresh().values()]).toEqual([...fields.values()]);
      expect([...fresh().entries()]).toEqual([...fields.entries()]);
      const seen: number[] = [];
      fresh().forEach((_, fieldId) => seen.push(fieldId));
      expect(seen).toEqual([...fields.keys()]);
      expect(new Map(got.get(term))).toEqual(fields); // (a copy: toEqual also compares constructors)
    }
    expect(compactIndex(loadMiniSearchConsuming(compact(), options))).toEqual(compactIndex(built()));
  });

  it('takes documents added and removed after the load as MiniSearch’s own index does (leaf nodes and postings made Maps on write)', () => {
    // New terms under leaf-only nodes (abc → abcd…, 創業者 → 創業者様), a new field for a term,
    // a term whose only document goes (its leaf-only node removed, its parent merged).
    const more = [
      { id: 'f', title: 'abcde 創業者様', text: '輸出 abdx' },
      { id: 'g', title: 'ab', text: '創業者 海外' },
    ];
    const change = (mini: MiniSearch) => {
      mini.addAll(more);
      mini.remove(docs.find((d) => d.id === 'c')!);
      mini.discard('e');
      return mini;
    };
    const got = change(loadMiniSearchConsuming(compact(), options));
    const expected = change(MiniSearch.loadJS(plain(), options));
    expect(new Map(JSON.parse(JSON.stringify(got)).index)).toEqual(new Map(JSON.parse(JSON.stringify(expected)).index));
    for (const q of ['創業', '創業者', '創業者様', 'abc', 'abcde', 'abdx', '輸出', '海外']) expect(got.search(q)).toEqual(expected.search(q));
    for (const q of ['ab', '創']) expect(got.search(q, { prefix: true })).toEqual(expected.search(q, { prefix: true }));
    expect(got.search('abcdf', { fuzzy: 1 })).toEqual(expected.search('abcdf', { fuzzy: 1 }));
  });

  it('empties the serialised postings it loaded, in either form', () => {
    const json = plain();
    expect(json.index.length).toBeGreaterThan(5);
    loadMiniSearchConsuming(json, options);
    expect(json.index).toEqual([]);
    const small = compact();
    loadMiniSearchConsuming(small, options);
    expect(small.postings).toHaveLength(0);
    expect(small.tree).toEqual([]);
  });
});
