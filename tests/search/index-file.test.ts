/**
 * The index file's container (src/search/index-file.ts): the packed postings as raw int32s, then
 * the JSON in sections. What is written is read back the same, for every padding of the JSON; a
 * file of another kind (an older all-JSON index, an older container) or a cut or broken one is
 * refused, naming the file, so a start analyses the catalog instead of serving a broken index.
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
    const read = decodeIndexFile<typeof content>(Buffer.concat(chunks));
    expect(JSON.stringify({ ...read, index: {} })).toBe(JSON.stringify({ ...content, index: {} }));
  });
});

/** The sections after the header and the postings: where each one's JSON starts, its length in bytes and its encoding. */
function sectionsOf(file: Buffer): Array<{ at: number; length: number; encoding: number }> {
  const sections = [];
  for (let at = 16 + file.readUInt32LE(8) * 4; at < file.length; ) {
    const length = file.readUInt32LE(at);
    sections.push({ at: at + 5, length, encoding: file[at + 4]! });
    at += 5 + length;
  }
  return sections;
}

/** Section `n`'s JSON, parsed. */
function sectionJson(file: Buffer, n: number): unknown {
  const { at, length, encoding } = sectionsOf(file)[n]!;
  return JSON.parse(file.toString(encoding === 16 ? 'utf16le' : 'utf8', at, at + length));
}

/** `file` with section `n` replaced by `json` in UTF-8 (its length written to match), or with an encoding byte of `encoding`. */
function withSection(file: Buffer, n: number, json: string, encoding = 8): Buffer {
  const { at, length } = sectionsOf(file)[n]!;
  const body = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(5);
  header.writeUInt32LE(body.length);
  header[4] = encoding;
  return Buffer.concat([file.subarray(0, at - 5), header, body, file.subarray(at + length)]);
}

describe('index file sections (issue 13: a start never holds the whole JSON as one string)', () => {
  const programs = Array.from({ length: 6_000 }, (_, i) => ({ id: `p-${i}`, name: `創業支援事業${i}`, overview: '事業承継と創業の相談'.repeat(40) }));
  const content = { index: { postings: Int32Array.from([7, 8]), tree: Array.from({ length: 1_500 }, (_, i) => i) }, lexicon: ['創業'], sources: { programs } };
  const file = encodeIndexFile(content);

  it('holds the long arrays in sections of a few MB, none of them the whole JSON', () => {
    const json = Buffer.byteLength(JSON.stringify({ ...content, index: { ...content.index, postings: null } }));
    expect(json).toBeGreaterThan(6 * 1024 * 1024);
    const sections = sectionsOf(file);
    expect(sections.length).toBeGreaterThan(3);
    expect(Math.max(...sections.map((s) => s.length))).toBeLessThan(4 * 1024 * 1024);
    // Section 0 lists the long arrays; their places in it are null.
    const table = sectionJson(file, 0) as { arrays: unknown; value: { sources: { programs: unknown } } };
    expect(table.arrays).toEqual([
      [['index', 'tree'], 1_500],
      [['sources', 'programs'], 6_000],
    ]);
    expect(table.value.sources.programs).toBeNull();
    // Numbers in UTF-8; Japanese text in UTF-16LE (Node decodes it many times faster); section 0 in UTF-8.
    expect(sections.map((s) => s.encoding)).toEqual([8, 8, ...sections.slice(2).map(() => 16)]);
    const read = decodeIndexFile<typeof content>(file);
    expect(read.sources.programs).toEqual(programs);
    expect([...read.index.postings]).toEqual([7, 8]);
  });

  it('reads a file of several blocks (8 MB each: sections run across their ends) as from memory', async () => {
    const more = { ...content, sources: { programs: [1, 2, 3, 4].flatMap((n) => programs.map((p) => ({ ...p, id: `${p.id}-${n}` }))) } };
    const bytes = encodeIndexFile(more);
    expect(bytes.length).toBeGreaterThan(2 * 8 * 1024 * 1024);
    const dir = await tempDir('index-file-blocks');
    const big = path.join(dir, 'big.bin');
    await writeFile(big, bytes);
    const read = await readIndexFileContent<typeof more>(big);
    expect(read.sources.programs).toEqual(more.sources.programs);
    expect(read).toEqual(decodeIndexFile<typeof more>(bytes));
  });

  it('refuses, naming the file, one cut in the middle of a section, between sections or in a section’s length', async () => {
    const dir = await tempDir('index-file-sections');
    const cut = path.join(dir, 'cut.bin');
    const sections = sectionsOf(file);
    const cuts = [sections[2]!.at + 100, sections[2]!.at - 4, sections[2]!.at - 2, sections[sections.length - 1]!.at + sections[sections.length - 1]!.length - 1];
    for (const length of cuts) {
      await writeFileAtomic(cut, file.subarray(0, length));
      await expect(readIndexFileContent(cut), String(length)).rejects.toThrow(`${cut} は途中で切れています`);
      expect(() => decodeIndexFile(file.subarray(0, length), 'cut.bin')).toThrow(/cut\.bin は途中で切れています/);
    }
  });

  it('refuses a section of the wrong length: items more or fewer than section 0 lists, or trailing bytes', async () => {
    const sections = sectionsOf(file);
    const table = sectionJson(file, 0) as { arrays: unknown[] };
    const listing = (programs: number) => withSection(file, 0, JSON.stringify({ ...table, arrays: [table.arrays[0], [['sources', 'programs'], programs]] }));
    // Fewer listed than written: a section runs past the count.
    expect(() => decodeIndexFile(listing(5_999), 'x.bin')).toThrow(/x\.bin の第 \d+ 区画の長さが合いません \(sources\.programs: 目録では 5999 件/);
    // More listed than written: the file ends first.
    expect(() => decodeIndexFile(listing(6_001), 'x.bin')).toThrow(/x\.bin は途中で切れています/);
    // A section with an item fewer.
    const last = sections.length - 1;
    const items = sectionJson(file, last) as unknown[];
    expect(() => decodeIndexFile(withSection(file, last, JSON.stringify(items.slice(1))), 'x.bin')).toThrow(/x\.bin は途中で切れています/);
    // Not an array where items are due, and bytes after the last section.
    expect(() => decodeIndexFile(withSection(file, 1, '{}'), 'x.bin')).toThrow(/x\.bin の第 1 区画の長さが合いません/);
    expect(() => decodeIndexFile(Buffer.concat([file, Buffer.from([1, 0, 0, 0, 0x30])]), 'x.bin')).toThrow(/x\.bin の終わりに余分なデータがあります/);
    // A table whose array has no place in the content, and a broken section.
    expect(() => decodeIndexFile(withSection(file, 0, JSON.stringify({ ...table, arrays: [[['sources', 'nowhere'], 6_000]] })), 'x.bin')).toThrow(/x\.bin の目録 \(第 0 区画\) が壊れています/);
    expect(() => decodeIndexFile(withSection(file, 2, '[{"id":'), 'x.bin')).toThrow(/x\.bin の第 2 区画が壊れています/);
    // An encoding other than UTF-8 (8) and UTF-16LE (16), and UTF-16LE of an odd length.
    expect(() => decodeIndexFile(withSection(file, 2, '[1]', 7), 'x.bin')).toThrow(/x\.bin の第 2 区画が壊れています \(符号化 7/);
    expect(() => decodeIndexFile(withSection(file, 2, '[1]', 16), 'x.bin')).toThrow(/x\.bin の第 2 区画が壊れています \(符号化 16、長さ 3/);
    const dir = await tempDir('index-file-length');
    const wrong = path.join(dir, 'wrong.bin');
    await writeFile(wrong, listing(5_999));
    await expect(readIndexFileContent(wrong)).rejects.toThrow(`${wrong} の第`);
  });

  it('refuses another version of the container (SHIENIX2: the JSON in one piece), saying so', async () => {
    const older = Buffer.from(file);
    // SHIENIX3: sections all in UTF-8, each without its encoding byte.
    older.write('SHIENIX3', 0, 'latin1');
    expect(() => decodeIndexFile(older, 'old.bin')).toThrow('old.bin は別の形式の検索索引です (SHIENIX3、必要 SHIENIX4)');
    older.write('SHIENIX2', 0, 'latin1');
    expect(() => decodeIndexFile(older, 'old.bin')).toThrow('old.bin は別の形式の検索索引です (SHIENIX2、必要 SHIENIX4)');
    const dir = await tempDir('index-file-version');
    const old = path.join(dir, 'old.bin');
    await writeFile(old, older);
    await expect(readIndexFileContent(old)).rejects.toThrow(`${old} は別の形式の検索索引です`);
  });
});
