import { open, type FileHandle } from 'node:fs/promises';

/**
 * The index file's container: a short header, the terms' postings as raw little-endian int32s
 * (index-load.ts packs them), then the rest of the index as JSON.
 *
 *     bytes 0–7    "SHIENIX2"
 *     bytes 8–11   number of int32s (uint32 LE)
 *     bytes 12–15  zero
 *     the int32s, then the JSON (UTF-8) to the end of the file
 *
 * Why not JSON throughout: the postings are most of the index (17 of 35 MB at 10,000
 * programs); as JSON numbers JSON.parse reads them one by one, as base64 they double a start's
 * peak (the file's text is a UTF-16 string, since the catalog is Japanese). Read here, they go
 * from the file straight into their Int32Array, and only the JSON part becomes a string.
 * In the JSON the postings stand as `{"int32s": <count>}`.
 *
 * The postings come first because their size is known before writing: the file is written as
 * a stream (`indexFileChunks`), the JSON piece by piece, so writing a 100,000-program index
 * never holds its JSON whole, as one string or as bytes (issue 13: the build's peak).
 */
const MAGIC = Buffer.from('SHIENIX2', 'latin1');
const HEADER_BYTES = 16;
const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What the container holds: any JSON object whose `index.postings` is the packed postings. */
export interface IndexFileContent {
  index: { postings: Int32Array } | unknown;
}

/** A file that is not an index container (an older JSON index, another file): no index in it. */
export class NotAnIndexFileError extends Error {
  override name = 'NotAnIndexFileError';
}

function postingsOf(content: IndexFileContent): Int32Array | undefined {
  const postings = (content.index as { postings?: unknown } | undefined)?.postings;
  return postings instanceof Int32Array ? postings : undefined;
}

/** Bytes of JSON gathered before they are handed on: few writes, none of them large. */
const CHUNK_BYTES = 1 << 20;

/**
 * The file's bytes, made as they are consumed (a writer takes one chunk, then the next).
 * `content` must not change until the last chunk is taken; its postings stand in for the
 * JSON only while it is being written, and are put back afterwards.
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
  const index = content.index as { postings?: unknown } | undefined;
  const hasPostings = index !== undefined && postingsOf(content) !== undefined;
  // The postings stand in the JSON as their count (swapped in and back: a replacer function
  // would be called for each of the millions of values of a large index).
  if (hasPostings) index.postings = { int32s: postings.length };
  try {
    let pending: string[] = [];
    let pendingLength = 0;
    for (const piece of jsonPieces(content, 3)) {
      pending.push(piece);
      pendingLength += piece.length;
      // UTF-16 units, not bytes (a kanji is 3 bytes): about 1–3 MB per chunk.
      if (pendingLength >= CHUNK_BYTES) {
        yield Buffer.from(pending.join(''), 'utf8');
        pending = [];
        pendingLength = 0;
      }
    }
    if (pending.length) yield Buffer.from(pending.join(''), 'utf8');
  } finally {
    if (hasPostings) index.postings = postings;
  }
}

/** The whole file in memory (tests, tools): Buffer.concat of indexFileChunks. */
export function encodeIndexFile(content: IndexFileContent): Buffer {
  return Buffer.concat([...indexFileChunks(content)]);
}

/** Items of a long array stringified at a time: pieces of a few MB, never one string of the whole. */
const SLICE = 1000;

/**
 * `JSON.stringify(value)` in pieces, for plain data: objects down to `depth` levels are
 * written key by key and their long arrays slice by slice. At 100,000 programs the index's
 * JSON is a few hundred MB; as one string (UTF-16, the catalog being Japanese) it was twice
 * that in the build's peak.
 */
function* jsonPieces(value: unknown, depth: number): Generator<string> {
  if (depth > 0 && Array.isArray(value) && value.length > SLICE && value.some((item) => item !== null && typeof item === 'object')) {
    // Items that are arrays or objects one at a time: a thousand of them may be large (the
    // 相談例's word lists, [word, examples]: 9 million numbers at 100,000 programs, so a slice
    // of them was a string of a hundred MB or more).
    yield '[';
    for (let at = 0; at < value.length; at++) yield (at ? ',' : '') + (JSON.stringify(value[at]) ?? 'null');
    yield ']';
  } else if (depth > 0 && Array.isArray(value) && value.length > SLICE) {
    yield '[';
    for (let at = 0; at < value.length; at += SLICE) yield (at ? ',' : '') + JSON.stringify(value.slice(at, at + SLICE)).slice(1, -1);
    yield ']';
  } else if (depth > 0 && value !== null && typeof value === 'object' && !Array.isArray(value) && !('toJSON' in value)) {
    let first = true;
    yield '{';
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      yield `${first ? '' : ','}${JSON.stringify(key)}:`;
      first = false;
      yield* jsonPieces(item, depth - 1);
    }
    yield '}';
  } else {
    yield JSON.stringify(value) ?? 'null';
  }
}

/** The header's count of int32s, or NotAnIndexFileError when `header` is not this container's. */
function int32Count(header: Uint8Array, size: number, what: string): number {
  const bytes = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new NotAnIndexFileError(`${what} は検索索引のファイルではありません`);
  const count = bytes.readUInt32LE(8);
  if (HEADER_BYTES + count * 4 > size) throw new NotAnIndexFileError(`${what} は途中で切れているか、壊れています`);
  return count;
}

/** The JSON with its postings put in (an Int32Array, little-endian bytes read into it). */
function withPostings<T extends IndexFileContent>(json: string, postings: Int32Array): T {
  if (!IS_LITTLE_ENDIAN) {
    const view = new DataView(postings.buffer);
    for (let i = 0; i < postings.length; i++) postings[i] = view.getInt32(i * 4, true);
  }
  let content: T;
  try {
    content = JSON.parse(json) as T;
  } catch (error) {
    throw new NotAnIndexFileError(`検索索引のファイルが途中で切れているか、壊れています (${(error as Error).message})`);
  }
  const index = content.index as { postings?: unknown } | undefined;
  if (index && typeof index === 'object' && index.postings && typeof index.postings === 'object') index.postings = postings;
  return content;
}

/**
 * Reads an index container: the JSON parsed, with `index.postings` an Int32Array read from
 * the file into its own buffer. Throws NotAnIndexFileError for a file of another kind or a
 * cut one, and the file system's error when it cannot be read.
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
    const json = Buffer.alloc(size - HEADER_BYTES - count * 4);
    await readFully(handle, json, HEADER_BYTES + count * 4, file);
    return withPostings<T>(json.toString('utf8'), postings);
  } finally {
    await handle.close();
  }
}

/** readIndexFileContent of bytes in memory (tests, tools). */
export function decodeIndexFile<T extends IndexFileContent>(bytes: Uint8Array): T {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = int32Count(buffer.subarray(0, HEADER_BYTES), buffer.length, '検索索引');
  const postings = new Int32Array(count);
  new Uint8Array(postings.buffer).set(buffer.subarray(HEADER_BYTES, HEADER_BYTES + count * 4));
  return withPostings<T>(buffer.toString('utf8', HEADER_BYTES + count * 4), postings);
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number, file: string): Promise<void> {
  for (let done = 0; done < into.byteLength; ) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) throw new NotAnIndexFileError(`${file} は途中で切れています`);
    done += bytesRead;
  }
}
