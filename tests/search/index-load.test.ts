/**
 * index-load.ts loads a serialised MiniSearch index term by term, dropping each term's plain
 * form as it goes (issue 13: the parsed and the loaded index no longer peak together). The
 * result must be the index MiniSearch.loadJS makes, and the plain index must be consumed.
 */
import MiniSearch, { type AsPlainObject } from 'minisearch';
import { describe, expect, it } from 'vitest';
import { loadMiniSearchConsuming } from '../../src/search/index-load.js';

const options = { idField: 'id', fields: ['title', 'text'], storeFields: [] as string[] };
const docs = [
  { id: 'a', title: '創業 支援', text: '創業 補助金 創業 相談' },
  { id: 'b', title: '事業承継', text: '事業承継 相談 補助金' },
  { id: 'c', title: '輸出', text: '海外 展開 輸出 商談会 輸出 輸出' },
  { id: 'd', title: '相談', text: '' },
];

/** A fresh plain copy of the index, as JSON.parse gives it. */
function plain(): AsPlainObject {
  const mini = new MiniSearch(options);
  mini.addAll(docs);
  mini.discard('d'); // a discarded document leaves its mark (dirtCount) in the plain form
  return JSON.parse(JSON.stringify(mini)) as AsPlainObject;
}

describe('loadMiniSearchConsuming', () => {
  it('makes the index MiniSearch.loadJS makes', () => {
    const expected = MiniSearch.loadJS(plain(), options);
    const got = loadMiniSearchConsuming(plain(), options);
    expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
    for (const q of ['創業', '相談', '輸出', '補助金', 'ない']) expect(got.search(q)).toEqual(expected.search(q));
    expect(got.documentCount).toBe(3);
  });

  it('empties the plain index it loaded', () => {
    const json = plain();
    expect(json.index.length).toBeGreaterThan(5);
    loadMiniSearchConsuming(json, options);
    expect(json.index).toEqual([]);
  });
});
