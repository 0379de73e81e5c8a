import { open, type FileHandle } from 'node:fs/promises';

/**
 * The index file's container: a short header, the terms' postings as raw little-endian int32s
 * (index-load.ts packs them), then the rest of the index as JSON in sections.
 *
 *     bytes 0–7    "SHIENIX4" (the container's version is its last character)
 *     bytes 8–11   number of int32s (uint32 LE)
 *     bytes 12–15  zero
 *     the int32s
 *     sections to the end of the file, each its length in bytes (uint32 LE), its encoding (one
 *     byte: 8 UTF-8, 16 UTF-16LE) and that many bytes of JSON:
 *       section 0   {"value": <the content, each long array as null>, "arrays": [[<path>, <items>], …]}
 *       then        each long array in the order listed, as JSON arrays of its items, one after
 *                   another, their items together exactly as many as listed.
 *
 * Why not JSON throughout: the postings are most of the index (17 of 35 MB at 10,000
 * programs); as JSON numbers JSON.parse reads them one by one, as base64 they double a start's
 * peak (the file's text is a UTF-16 string, since the catalog is Japanese). Read here, they go
 * from the file straight into their Int32Array.
 *
 * Why sections (issue 13, a start's peak): the rest was one JSON text, 258 MB at 100,000
 * programs, read whole into a buffer, made one string and parsed, so the bytes, the string and
 * the parsed objects all stood in memory together (1220 MiB peak for 658 MiB served). Long
 * arrays (the programs, each program's terms, the lexicon, the 相談例 word lists) now come in
 * sections of about 0.5 MB, each read, parsed and dropped before the next.
 *
 * Why UTF-16LE: Node 20 turns UTF-8 with kanji into a string at well under 100 MB/s, which was
 * half of reading a 100,000-program index (about 1.5 s); UTF-16LE is copied as it is, and for
 * Japanese text it is no longer (2 bytes a character, against 3 for a kanji in UTF-8). Sections
 * whose JSON is ASCII (numbers, ids) stay UTF-8, half the size and as fast; so does section 0,
 * where `"code":"<build>"` is rewritten in place by the bench (bench-child.mjs restampBuild).
 *
 * The file is written as a stream (`indexFileChunks`), section by section, so writing a
 * 100,000-program index never holds its JSON whole either (issue 13: the build's peak).
 * In section 0 the postings stand as `{"int32s": <count>}`.
 */
const MAGIC = Buffer.from('SHIENIX4', 'latin1');
/** What every version of the container starts with (SHIENIX2: the JSON in one piece; SHIENIX3: sections all UTF-8). */
const MAGIC_FAMILY = MAGIC.subarray(0, 7);
const HEADER_BYTES = 16;
/** A section's length (uint32 LE) and its encoding (a byte). */
const SECTION_HEADER_BYTES = 5;
const UTF8 = 8;
const UTF16LE = 16;
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What the container holds: any JSON object whose `index.postings` is the packed postings. */
export interface IndexFileContent {
  index: { postings: Int32Array } | unknown;
}

/** A file that is not an index container (an older JSON index, another version, a cut or broken file): no index in it. */
export class NotAnIndexFileError extends Error {
  override name = 'NotAnIndexFileError';
}

function postingsOf(content: IndexFileContent): Int32Array | undefined {
  const postings = (content.index as { postings?: unknown } | undefined)?.postings;
  return postings instanceof Int32Array ? postings : undefined;
}

/** Arrays longer than this (down to DEPTH levels) get sections of their own. */
const SLICE = 1000;
/** How deep in the content long arrays are looked for (content → sources → programs). */
const DEPTH = 3;
/**
 * UTF-16 units of JSON gathered into one section (and then an item more): 512 KB in UTF-16LE.
 * Below about 1 MB, Node makes the decoded text an ordinary string in V8's heap; past it, a
 * string of its own memory outside it, which at 100,000 programs left 30–50 MB more RSS after
 * the load (memory freed but kept by the process).
 */
const SECTION_UNITS = 1 << 18;
/** Bytes read from the file at a time: many sections each. */
const READ_BYTES = 8 << 20;

interface LongArray {
  path: string[];
  items: unknown[];
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) && !('toJSON' in value);

/** `value` with each long array (down to `depth` levels) as null, the arrays listed in `arrays` in the order written. */
function skeletonOf(value: unknown, depth: number, path: string[], arrays: LongArray[]): unknown {
  if (depth <= 0) return value;
  if (Array.isArray(value) && value.length > SLICE) {
    arrays.push({ path, items: value });
    return null;
  }
  if (!isPlainObject(value)) return value;
  // No prototype: a key named __proto__ stays a key.
  const skeleton: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value)) skeleton[key] = skeletonOf(item, depth - 1, [...path, key], arrays);
  return skeleton;
}

/**
 * A long array's JSON, as sections of about SECTION_UNITS each. Arrays or objects one item at a
 * time (a thousand 相談例 word lists [word, examples] were a string of a hundred MB or more),
 * numbers and strings a thousand at a time.
 */
function* arraySections(items: unknown[]): Generator<string> {
  const structured = items.some((item) => item !== null && typeof item === 'object');
  const step = structured ? 1 : SLICE;
  let pending: string[] = [];
  let pendingLength = 0;
  for (let at = 0; at < items.length; at += step) {
    // An item JSON leaves out (undefined, a function) is null in an array, as JSON.stringify writes it.
    const piece = structured ? (JSON.stringify(items[at]) ?? 'null') : JSON.stringify(items.slice(at, at + step)).slice(1, -1);
    pending.push(piece);
    pendingLength += piece.length;
    if (pendingLength >= SECTION_UNITS) {
      yield `[${pending.join(',')}]`;
      pending = [];
      pendingLength = 0;
    }
  }
  if (pending.length) yield `[${pending.join(',')}]`;
}

/** A section's bytes: its length and encoding, then its JSON. */
function section(json: string, utf16: boolean): Buffer {
  const encoding = utf16 ? 'utf16le' : 'utf8';
  const bytes = Buffer.allocUnsafe(SECTION_HEADER_BYTES + Buffer.byteLength(json, encoding));
  bytes.writeUInt32LE(bytes.length - SECTION_HEADER_BYTES, 0);
  bytes[4] = utf16 ? UTF16LE : UTF8;
  bytes.write(json, SECTION_HEADER_BYTES, encoding);
  return bytes;
}

/** A long array's section: UTF-16LE unless its JSON is ASCII (see the top of this file). */
const arraySection = (json: string): Buffer => section(json, Buffer.byteLength(json, 'utf8') !== json.length);

/**
 * The file's bytes, made as they are consumed (a writer takes one chunk, then the next).
 * `content` must not change until the last chunk is taken; it is not changed.
 */
export function* indexFileChunks(content: IndexFileContent): Generator<Uint8Array> {
  const postings = postingsOf(content) ?? new Int32Array(0);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(postings.length, 8);
  yield header;
  if (IS_LITTLE_ENDIAN) {
    yield new Uint8Array(postings.buffer, postings.byteOffset, postings.byteLength);
  } else {
    const le = Buffer.alloc(postings.length * 4);
    postings.forEach((v, i) => le.writeInt32LE(v, i * 4));
    yield le;
  }
  const arrays: LongArray[] = [];
  const value = skeletonOf(content, DEPTH, [], arrays) as { index?: unknown };
  // The postings stand in section 0 as their count.
  if (postingsOf(content) && isPlainObject(value.index)) value.index.postings = { int32s: postings.length };
  yield section(JSON.stringify({ value, arrays: arrays.map((a) => [a.path, a.items.length]) }), false);
  for (const { items } of arrays) for (const json of arraySections(items)) yield arraySection(json);
}

/** The whole file in memory (tests, tools): Buffer.concat of indexFileChunks. */
export function encodeIndexFile(content: IndexFileContent): Buffer {
  return Buffer.concat([...indexFileChunks(content)]);
}

/** The header's count of int32s, or NotAnIndexFileError when `header` is not this container's. */
function int32Count(header: Uint8Array, size: number, name: string): number {
  const bytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC_FAMILY.length).equals(MAGIC_FAMILY)) throw new NotAnIndexFileError(`${name} は検索索引のファイルではありません`);
  const version = bytes.subarray(0, MAGIC.length);
  if (!version.equals(MAGIC)) throw new NotAnIndexFileError(`${name} は別の形式の検索索引です (${version.toString('latin1').replace(/[^\x20-\x7e]/g, '?')}、必要 ${MAGIC.toString('latin1')})`);
  const count = bytes.readUInt32LE(8);
  if (HEADER_BYTES + count * 4 > size) throw new NotAnIndexFileError(`${name} は途中で切れています (postings)`);
  return count;
}

/** Puts the file's sections together, one at a time, into the content they were written from. */
class Assembler<T> {
  #content: T | undefined;
  /** The long arrays still to fill, in the file's order: where each goes and how many items it has. */
  #arrays: Array<{ parent: Record<string, unknown>; key: string; path: string; count: number; items: unknown[] }> = [];
  #sections = 0;

  constructor(
    private readonly name: string,
    private readonly postings: Int32Array,
  ) {}

  /** Whether every section listed has been taken. */
  get done(): boolean {
    return this.#content !== undefined && this.#arrays.length === 0;
  }

  get content(): T {
    if (!this.done) throw new NotAnIndexFileError(`${this.name} は途中で切れています (第 ${this.#sections} 区画の前)`);
    return this.#content!;
  }

  /** The next section: its bytes `start` to `end` of `bytes`, in `encoding` (its header's byte). */
  take(bytes: Buffer, start: number, end: number, encoding: number): void {
    const at = this.#sections++;
    if (encoding !== UTF8 && !(encoding === UTF16LE && (end - start) % 2 === 0)) throw new NotAnIndexFileError(`${this.name} の第 ${at} 区画が壊れています (符号化 ${encoding}、長さ ${end - start})`);
    const json = bytes.toString(encoding === UTF8 ? 'utf8' : 'utf16le', start, end);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new NotAnIndexFileError(`${this.name} の第 ${at} 区画が壊れています (${(error as Error).message})`);
    }
    if (this.#content === undefined) this.#table(parsed);
    else this.#fill(parsed, at);
  }

  #table(parsed: unknown): void {
    const broken = (why: string) => new NotAnIndexFileError(`${this.name} の目録 (第 0 区画) が壊れています (${why})`);
    const { value, arrays } = (isPlainObject(parsed) ? parsed : {}) as { value?: unknown; arrays?: unknown };
    if (!isPlainObject(value) || !Array.isArray(arrays)) throw broken('value と arrays がありません');
    for (const entry of arrays) {
      const [path, count] = Array.isArray(entry) ? (entry as unknown[]) : [];
      if (!Array.isArray(path) || path.length === 0 || !path.every((k) => typeof k === 'string') || !Number.isSafeInteger(count) || (count as number) < 0) throw broken(JSON.stringify(entry));
      // The array's place: an object's own key, null in section 0.
      let parent: unknown = value;
      for (const key of path.slice(0, -1)) parent = isPlainObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
      const key = path[path.length - 1] as string;
      if (!isPlainObject(parent) || !Object.hasOwn(parent, key) || parent[key] !== null) throw broken(`${path.join('.')} の場所がありません`);
      const items: unknown[] = [];
      parent[key] = items;
      if (count !== 0) this.#arrays.push({ parent, key, path: path.join('.'), count: count as number, items });
    }
    const index = value.index;
    if (isPlainObject(index) && isPlainObject(index.postings)) index.postings = this.postings;
    this.#content = value as T;
  }

  #fill(parsed: unknown, at: number): void {
    const array = this.#arrays[0];
    if (!array) throw new NotAnIndexFileError(`${this.name} の第 ${at} 区画は目録にありません`);
    if (!Array.isArray(parsed) || parsed.length === 0 || array.items.length + parsed.length > array.count) {
      const got = Array.isArray(parsed) ? `${array.items.length + parsed.length} 件目まで` : '配列ではありません';
      throw new NotAnIndexFileError(`${this.name} の第 ${at} 区画の長さが合いません (${array.path}: 目録では ${array.count} 件、${got})`);
    }
    if (parsed.length === array.count) {
      array.parent[array.key] = parsed; // the whole array in one section: taken as parsed
    } else {
      for (let i = 0; i < parsed.length; i++) array.items.push(parsed[i]);
    }
    if (parsed.length === array.count || array.items.length === array.count) this.#arrays.shift();
  }
}

function fromLittleEndian(postings: Int32Array): void {
  if (IS_LITTLE_ENDIAN) return;
  const view = new DataView(postings.buffer);
  for (let i = 0; i < postings.length; i++) postings[i] = view.getInt32(i * 4, true);
}

/**
 * Reads an index container: the JSON parsed section by section, with `index.postings` an
 * Int32Array read from the file into its own buffer. Throws NotAnIndexFileError (naming the
 * file) for a file of another kind or version, a cut or broken one, and the file system's
 * error when it cannot be read.
 */
export async function readIndexFileContent<T extends IndexFileContent>(file: string): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const header = new Uint8Array(HEADER_BYTES);
    await readFully(handle, header, 0, file);
    const count = int32Count(header, size, file);
    const postings = new Int32Array(count);
    await readFully(handle, new Uint8Array(postings.buffer), HEADER_BYTES, file);
    fromLittleEndian(postings);
    const assembler = new Assembler<T>(file, postings);
    // Each section is parsed before the next is read, so only one of them is ever held as a
    // string, and only a block of the file as bytes.
    const reader = new BlockReader(handle, size, file);
    let position = HEADER_BYTES + count * 4;
    while (!assembler.done && position < size) {
      if (position + SECTION_HEADER_BYTES > size) throw new NotAnIndexFileError(`${file} は途中で切れています (区画の長さ)`);
      const header = await reader.bytes(position, SECTION_HEADER_BYTES);
      const length = header.buffer.readUInt32LE(header.at);
      const encoding = header.buffer[header.at + 4]!;
      position += SECTION_HEADER_BYTES;
      if (position + length > size) throw new NotAnIndexFileError(`${file} は途中で切れています (区画の途中)`);
      const body = await reader.bytes(position, length);
      position += length;
      assembler.take(body.buffer, body.at, body.at + length, encoding);
    }
    if (position !== size) throw new NotAnIndexFileError(`${file} の終わりに余分なデータがあります`);
    return assembler.content;
  } finally {
    await handle.close();
  }
}

/** A file read a block (READ_BYTES) at a time, handed out as views into the block. */
class BlockReader {
  #buffer = Buffer.allocUnsafe(READ_BYTES);
  /** The file position of the block's first byte, and how many bytes of the file the block holds. */
  #start = 0;
  #held = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
    private readonly file: string,
  ) {}

  /** Bytes `position` to `position + length` of the file (within its size): valid until the next call. */
  async bytes(position: number, length: number): Promise<{ buffer: Buffer; at: number }> {
    if (position < this.#start || position + length > this.#start + this.#held) {
      // What the block holds from `position` on moves to its front; the rest is read after it.
      const kept = position >= this.#start && position < this.#start + this.#held ? this.#start + this.#held - position : 0;
      const into = length > this.#buffer.length ? Buffer.allocUnsafe(length) : this.#buffer;
      if (kept) this.#buffer.copy(into, 0, position - this.#start, position - this.#start + kept);
      this.#buffer = into;
      this.#start = position;
      this.#held = kept;
      const wanted = Math.min(into.length, this.size - position);
      while (this.#held < length) {
        const { bytesRead } = await this.handle.read(into, this.#held, wanted - this.#held, position + this.#held);
        if (bytesRead === 0) throw new NotAnIndexFileError(`${this.file} は途中で切れています`);
        this.#held += bytesRead;
      }
    }
    return { buffer: this.#buffer, at: position - this.#start };
  }
}

/** readIndexFileContent of bytes in memory (tests, tools). */
export function decodeIndexFile<T extends IndexFileContent>(bytes: Uint8Array, name = '検索索引'): T {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = int32Count(buffer.subarray(0, HEADER_BYTES), buffer.length, name);
  const postings = new Int32Array(count);
  new Uint8Array(postings.buffer).set(buffer.subarray(HEADER_BYTES, HEADER_BYTES + count * 4));
  fromLittleEndian(postings);
  const assembler = new Assembler<T>(name, postings);
  let position = HEADER_BYTES + count * 4;
  while (!assembler.done && position < buffer.length) {
    if (position + SECTION_HEADER_BYTES > buffer.length) throw new NotAnIndexFileError(`${name} は途中で切れています (区画の長さ)`);
    const length = buffer.readUInt32LE(position);
    const encoding = buffer[position + 4]!;
    position += SECTION_HEADER_BYTES;
    if (position + length > buffer.length) throw new NotAnIndexFileError(`${name} は途中で切れています (区画の途中)`);
    assembler.take(buffer, position, position + length, encoding);
    position += length;
  }
  if (position !== buffer.length) throw new NotAnIndexFileError(`${name} の終わりに余分なデータがあります`);
  return assembler.content;
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  for (let done = 0; done < into.byteLength; ) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) throw new NotAnIndexFileError(`${file} は途中で切れています`);
    done += bytesRead;
  }
}

/**
 * Whether `file` may be replaced by an index: absent, empty, an index container of any version,
 * or an index of the JSON form written before the container. Anything else is someone's file
 * that SHIEN_INDEX_FILE names by mistake (README.md, agencies.yaml): writing the index over it
 * destroyed it, and the next start then refused the broken YAML.
 */
export async function mayReplaceWithIndex(file: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    // Absent: nothing to lose. Unreadable (a directory, no permission): the write says why.
    return true;
  }
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    return bytesRead === 0 || start.subarray(0, MAGIC_FAMILY.length).equals(MAGIC_FAMILY) || start.toString('latin1').startsWith(JSON_INDEX_START);
  } catch {
    return true;
  } finally {
    await handle.close();
  }
}

/** How an index of the JSON form (before the container) began: SerializedSearchIndex's first field. */
const JSON_INDEX_START = '{"version":';
