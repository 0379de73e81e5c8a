/**
 * index-build.ts keeps MiniSearch's postings as arrays of pairs while an index is built (issue
 * 13: the build's peak). What it packs must be what compactIndex packs from the Maps MiniSearch
 * would have built (the index file byte for byte the same), and the index must answer as one
 * built the ordinary way.
 */
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { encodeIndexFile } from '../../src/search/index-file.js';
import { compactPacked, PostingsPacker } from '../../src/search/index-build.js';
import { compactIndex } from '../../src/search/index-load.js';

const options = { idField: 'id', fields: ['title', 'text', 'extra'], storeFields: [] as string[] };
const docs = [
  { id: 'a', title: '創業 支援', text: '創業 補助金 創業 相談' },
  { id: 'b', title: '事業承継', text: '事業承継 相談 補助金', extra: '相談' },
  // A term first seen in a later field of another document: its fields in first-seen order.
  { id: 'c', title: '輸出', text: '海外 展開 輸出 商談会 輸出 輸出', extra: '補助金 補助金' },
  { id: 'd', title: '相談 相談', text: '' },
  // Terms sharing prefixes: the radix tree splits and merges edges for them.
  { id: 'e', title: 'abc abd', text: 'ab a abcd b 創業者 創 創業' },
  { id: 'f', title: '補助金', text: '補助金 創業 創業 創業', extra: 'abc' },
  // Term frequencies around 64, where the packer writes a posting in two numbers, and after it.
  { id: 'g', title: 'x '.repeat(63), text: '創業 '.repeat(64), extra: '相談 '.repeat(200) + '補助金 '.repeat(62) },
  { id: 'h', title: 'x '.repeat(65), text: '創業', extra: '相談 '.repeat(64) },
];

function ordinary(): MiniSearch {
  const mini = new MiniSearch(options);
  mini.addAll(docs);
  return mini;
}

/** Built as SearchEngine.build does: the packer from the start, documents in batches, then finish. */
function packed(batch = 2) {
  const mini = new MiniSearch(options);
  const packer = new PostingsPacker(mini);
  for (let at = 0; at < docs.length; at += batch) mini.addAll(docs.slice(at, at + batch));
  const terms = packer.finish(options);
  return { mini, terms };
}

describe('PostingsPacker', () => {
  it('packs what compactIndex packs from the Maps MiniSearch builds, to the byte', () => {
    const expected = compactIndex(ordinary());
    for (const batch of [1, 2, 4, docs.length]) {
      const { mini, terms } = packed(batch);
      expect(compactPacked(mini, terms)).toEqual(expected);
      expect(encodeIndexFile({ index: compactPacked(mini, terms) }).equals(encodeIndexFile({ index: expected }))).toBe(true);
    }
  });

  it('leaves an index that answers as the ordinary one and serialises as it (its leaves read as its Maps)', () => {
    const expected = ordinary();
    const { mini } = packed();
    for (const q of ['創業', '相談', '輸出', '補助金', 'ない', 'ab', 'abd', '創']) expect(mini.search(q)).toEqual(expected.search(q));
    for (const q of ['a', 'ab', '創']) expect(mini.search(q, { prefix: true })).toEqual(expected.search(q, { prefix: true }));
    expect(mini.search('abe', { fuzzy: 1 })).toEqual(expected.search('abe', { fuzzy: 1 }));
    expect(JSON.stringify(mini)).toBe(JSON.stringify(expected));
  });

  it('gives a copy of its tree each time (a loader consumes the one it is given)', () => {
    const { mini, terms } = packed();
    const first = compactPacked(mini, terms);
    first.tree.length = 0;
    expect(compactPacked(mini, terms)).toEqual(compactIndex(ordinary()));
  });

  it('refuses an index that already holds documents', () => {
    const mini = new MiniSearch(options);
    mini.add(docs[0]!);
    expect(() => new PostingsPacker(mini)).toThrow(/not empty/);
  });
});
