/**
 * The index file's container (src/search/index-file.ts): JSON, then the packed postings as raw
 * int32s. What is written is read back the same, for every padding of the JSON; a file of
 * another kind (an older all-JSON index) or a cut one is refused, so a start analyses the
 * catalog instead of serving a broken index.
 */
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeIndexFile, encodeIndexFile, indexFileChunks, NotAnIndexFileError, readIndexFileContent } from '../../src/search/index-file.js';
import { writeFileAtomic } from '../../src/write-atomic.js';
import { tempDir } from './support.js';

interface Content {
  index: { postings: Int32Array; note: string };
  lexicon: string[];
}

const content = (note: string): Content => ({
  index: { postings: Int32Array.from([3, -1, 0, 2 ** 31 - 1, -(2 ** 31), 42]), note },
  lexicon: ['創業', '事業承継', 'ｶﾅ'],
});

describe('index file container', () => {
  it('reads back what it wrote (as a stream of chunks), postings as an Int32Array, whatever the JSON’s length', async () => {
    const dir = await tempDir('index-file');
    for (const note of ['', 'a', 'ab', 'abc', '相談']) {
      const file = path.join(dir, `index-${note.length}.bin`);
      await writeFileAtomic(file, indexFileChunks(content(note)));
      expect(await readFile(file)).toEqual(encodeIndexFile(content(note)));
      const read = await readIndexFileContent<Content>(file);
      expect(read.index.postings).toBeInstanceOf(Int32Array);
      expect([...read.index.postings]).toEqual([...content(note).index.postings]);
      expect({ ...read, index: { ...read.index, postings: [] } }).toEqual({ ...content(note), index: { ...content(note).index, postings: [] } });
      expect(decodeIndexFile<Content>(await readFile(file))).toEqual(read);
    }
  });

  it('leaves the content it wrote as it was (the postings are swapped back after writing the JSON)', () => {
    const c = content('x');
    const postings = c.index.postings;
    encodeIndexFile(c);
    expect(c.index.postings).toBe(postings);
  });

  it('refuses an older all-JSON index, an empty file and a cut one', async () => {
    const dir = await tempDir('index-file-bad');
    const json = path.join(dir, 'old.json');
    await writeFile(json, JSON.stringify({ version: 3, index: { postings: [] } }));
    await expect(readIndexFileContent(json)).rejects.toBeInstanceOf(NotAnIndexFileError);
    const empty = path.join(dir, 'empty');
    await writeFile(empty, '');
    await expect(readIndexFileContent(empty)).rejects.toBeInstanceOf(NotAnIndexFileError);
    const cut = path.join(dir, 'cut.bin');
    const whole = encodeIndexFile(content('cut'));
    // Cut in the JSON, and cut in the postings.
    for (const length of [whole.length - 4, 16 + 8]) {
      await writeFileAtomic(cut, whole);
      await truncate(cut, length);
      await expect(readIndexFileContent(cut)).rejects.toBeInstanceOf(NotAnIndexFileError);
      expect(() => decodeIndexFile(whole.subarray(0, length))).toThrow(NotAnIndexFileError);
    }
    expect(() => decodeIndexFile(Buffer.from('{"version":3}'))).toThrow(NotAnIndexFileError);
  });
});

describe('index file JSON, written in pieces', () => {
  it('is the JSON.stringify of the content, for long arrays nested in objects and every kind of value', async () => {
    const long = Array.from({ length: 2_345 }, (_, i) => (i % 3 ? { id: `p-${i}`, name: '事業\n"引用"', n: i, none: undefined, list: [1, null] } : [i, '創業']));
    const content = {
      index: { postings: Int32Array.from([1, 2, 3]), tree: Array.from({ length: 3_001 }, (_, i) => (i % 2 ? i : `k${i}`)) },
      lexicon: long,
      sources: { programs: long, agencies: [], nested: { deeper: { list: long.slice(0, 1_500) } } },
      skipped: undefined,
      empty: {},
      flag: false,
    };
    const read = decodeIndexFile<typeof content>(encodeIndexFile(content));
    // Written in many chunks, none of them the whole JSON.
    const chunks = [...indexFileChunks(content)];
    expect(chunks.length).toBeGreaterThan(2);
    const { postings, ...index } = read.index;
    expect([...postings]).toEqual([1, 2, 3]);
    expect(JSON.stringify({ ...read, index })).toBe(JSON.stringify({ ...content, index: { ...content.index, postings: undefined } }));
  });

  it('writes a long array of large items (the 相談例 word lists) an item at a time, and items JSON leaves out as null', () => {
    // 1,500 words × 2,000 examples: a slice of a thousand of them was one string of about 12 MB.
    const examplesWith = Array.from({ length: 1_500 }, (_, i) => [`語${i}`, Array.from({ length: 2_000 }, (_, k) => k * 7 + i)]);
    const odd = Array.from({ length: 1_200 }, (_, i) => (i % 4 === 0 ? undefined : i % 4 === 1 ? () => i : i % 4 === 2 ? { i, none: undefined } : [i]));
    const content = { index: { postings: Int32Array.from([5]) }, consultations: { programOf: [0, 1], examplesWith }, odd };
    const chunks = [...indexFileChunks(content)];
    expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThan(4 * 1024 * 1024);
    const json = Buffer.concat(chunks.slice(2)).toString('utf8');
    expect(json).toBe(JSON.stringify({ ...content, index: { postings: { int32s: 1 } } }));
  });
});
