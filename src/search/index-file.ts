import { open } from 'node:fs/promises';

/**
 * The index file's container: a short header, the index as JSON, then the terms' postings as
 * raw little-endian int32s (index-load.ts packs them).
 *
 *     bytes 0–7    "SHIENIX1"
 *     bytes 8–11   length of the JSON in bytes (uint32 LE)
 *     bytes 12–15  number of int32s (uint32 LE)
 *     JSON (UTF-8), zero bytes up to a multiple of 4, the int32s
 *
 * Why not JSON throughout: the postings are most of the index (17 of 35 MB at 10,000
 * programs); as JSON numbers JSON.parse reads them one by one, as base64 they double a start's
 * peak (the file's text is a UTF-16 string, since the catalog is Japanese). Read here, they go
 * from the file straight into their Int32Array, and only the JSON part becomes a string.
 * In the JSON the postings stand as `{"int32s": <count>}`.
 */
const MAGIC = Buffer.from('SHIENIX1', 'latin1');
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

/** The file's bytes, as chunks to write one after the other (no copy of the postings). */
export function encodeIndexFile(content: IndexFileContent): Uint8Array[] {
  const postings = postingsOf(content);
  // The postings stand in the JSON as their count (swapped in and back: a replacer function
  // would be called for each of the millions of values of a large index).
  const index = content.index as { postings?: unknown };
  const pieces = (): Buffer[] => Array.from(jsonPieces(content, 3), (text) => Buffer.from(text, 'utf8'));
  const json = postings ? swapped(index, { int32s: postings.length }, pieces) : pieces();
  const jsonBytes = encodedSize(json);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(jsonBytes, 8);
  header.writeUInt32LE(postings?.length ?? 0, 12);
  const padding = Buffer.alloc((4 - (jsonBytes % 4)) % 4);
  if (!postings) return [header, ...json, padding];
  let ints: Uint8Array = new Uint8Array(postings.buffer, postings.byteOffset, postings.byteLength);
  if (!IS_LITTLE_ENDIAN) {
    const le = Buffer.alloc(postings.length * 4);
    postings.forEach((v, i) => le.writeInt32LE(v, i * 4));
    ints = le;
  }
  return [header, ...json, padding, ints];
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
  if (depth > 0 && Array.isArray(value) && value.length > SLICE) {
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

function swapped<T>(index: { postings?: unknown }, stand: unknown, run: () => T): T {
  const postings = index.postings;
  index.postings = stand;
  try {
    return run();
  } finally {
    index.postings = postings;
  }
}

/** Size in bytes of what encodeIndexFile gave. */
export function encodedSize(chunks: Uint8Array[]): number {
  return chunks.reduce((n, c) => n + c.byteLength, 0);
}

/**
 * Reads an index container: the JSON parsed, with `index.postings` an Int32Array read from
 * the file into its own buffer. Throws NotAnIndexFileError for a file of another kind and
 * the file system's error when it cannot be read.
 */
export async function readIndexFileContent<T extends IndexFileContent>(file: string): Promise<T> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (bytesRead < HEADER_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) throw new NotAnIndexFileError(`${file} は検索索引のファイルではありません`);
    const jsonBytes = header.readUInt32LE(8);
    const count = header.readUInt32LE(12);
    const { size } = await handle.stat();
    const intsAt = HEADER_BYTES + jsonBytes + ((4 - (jsonBytes % 4)) % 4);
    if (intsAt + count * 4 !== size) throw new NotAnIndexFileError(`${file} は途中で切れているか、壊れています`);
    const json = Buffer.alloc(jsonBytes);
    await readFully(handle, json, HEADER_BYTES);
    const content = JSON.parse(json.toString('utf8')) as T;
    const postings = new Int32Array(count);
    await readFully(handle, new Uint8Array(postings.buffer), intsAt);
    if (!IS_LITTLE_ENDIAN) {
      const view = new DataView(postings.buffer);
      for (let i = 0; i < count; i++) postings[i] = view.getInt32(i * 4, true);
    }
    const index = content.index as { postings?: unknown } | undefined;
    if (index && typeof index === 'object' && index.postings && typeof index.postings === 'object') index.postings = postings;
    return content;
  } finally {
    await handle.close();
  }
}

/** decode of what encodeIndexFile gave, from bytes in memory (tests, tools): as readIndexFileContent. */
export function decodeIndexFile<T extends IndexFileContent>(bytes: Uint8Array): T {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) throw new NotAnIndexFileError('検索索引のファイルではありません');
  const jsonBytes = buffer.readUInt32LE(8);
  const count = buffer.readUInt32LE(12);
  const intsAt = HEADER_BYTES + jsonBytes + ((4 - (jsonBytes % 4)) % 4);
  if (intsAt + count * 4 !== buffer.length) throw new NotAnIndexFileError('検索索引のファイルが途中で切れているか、壊れています');
  const content = JSON.parse(buffer.toString('utf8', HEADER_BYTES, HEADER_BYTES + jsonBytes)) as T;
  const postings = new Int32Array(count);
  for (let i = 0; i < count; i++) postings[i] = buffer.readInt32LE(intsAt + i * 4);
  const index = content.index as { postings?: unknown } | undefined;
  if (index && typeof index === 'object' && index.postings && typeof index.postings === 'object') index.postings = postings;
  return content;
}

async function readFully(handle: import('node:fs/promises').FileHandle, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.byteLength; ) {
    const { bytesRead } = await handle.read(into, done, into.byteLength - done, position + done);
    if (bytesRead === 0) throw new NotAnIndexFileError('検索索引のファイルが途中で切れています');
    done += bytesRead;
  }
}
