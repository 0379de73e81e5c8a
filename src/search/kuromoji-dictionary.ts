import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type kuromoji from 'kuromoji';

/**
 * kuromoji's IPADIC dictionary loaded into less memory, for the same tokens.
 *
 * kuromoji's own loader (`kuromoji.builder().build()`) leaves a process at about 380 MiB RSS:
 * its files are padded to powers of two (unk.dat holds 398 bytes in 10 MiB, tid_pos.dat 36 MB
 * in 40 MiB), all of them are unpacked at once (each twice: the unzipped buffer and a copy),
 * and the surface → token map becomes a JavaScript object of 325,871 keys (about 60 MiB of
 * heap). That was why a sync could not rebuild the index in a small container, and what most
 * of `rebuildNeedsMiB` is.
 *
 * Here the files are unpacked one after the other, each into one buffer used in place, the padding is cut off,
 * and the map is two typed arrays (offsets and token ids, 3 MB) behind the object kuromoji's
 * lattice builder reads (`target_map[trie_id]` → a list of ids). The dictionaries, the
 * connection costs and the tokenizer are kuromoji's own classes, so the tokens are kuromoji's:
 * tests/search/kuromoji-dictionary.test.ts compares both loaders on the whole catalog.
 */

/** Bytes kept after a padded file's last non-zero byte: a record or string may end in zeros (none is longer). */
const PADDING_KEPT = 16;
/** The largest file (tid_pos.dat) is 40 MiB unpacked. */
const MAX_CHUNK = 64 * 1024 * 1024;

interface DynamicDictionaries {
  loadTrie(base: Int32Array, check: Int32Array): void;
  loadConnectionCosts(costs: Int16Array): void;
  loadUnknownDictionaries(unk: Uint8Array, unkPos: Uint8Array, unkMap: Uint8Array, charMap: Uint8Array, compatCharMap: Uint32Array, invokeDef: Uint8Array): void;
  token_info_dictionary: {
    loadDictionary(buffer: Uint8Array): void;
    loadPosVector(buffer: Uint8Array): void;
    target_map: unknown;
  };
}

const require = createRequire(import.meta.url);
const unzip = promisify(gunzip) as (packed: Buffer, options: { chunkSize: number }) => Promise<Buffer>;

/** One dictionary file unpacked; `trim`: its zero padding cut off. */
async function unpack(dicPath: string, name: string, trim = false): Promise<Uint8Array> {
  const packed = await readFile(path.join(dicPath, name));
  // Unpacked into one buffer of the size gzip's trailer states: in zlib's default 16 KiB chunks
  // a file was thousands of allocations, concatenated, and the freed ones kept about 60 MiB of
  // the process's RSS. A wrong trailer only means more chunks.
  const stated = packed.length >= 4 ? packed.readUInt32LE(packed.length - 4) : 0;
  const unzipped = await unzip(packed, { chunkSize: Math.min(Math.max(stated, 64), MAX_CHUNK) });
  const bytes = new Uint8Array(unzipped.buffer, unzipped.byteOffset, unzipped.byteLength);
  if (!trim) return bytes;
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  const kept = Math.min(bytes.length, end + PADDING_KEPT);
  // A copy costs a second buffer while it is made: worth it for mostly padding (unk.dat, tid.dat),
  // not for tid_pos.dat (36 of 40 MiB used), which is then read where it lies.
  return kept * 2 <= bytes.length ? bytes.slice(0, kept) : bytes.subarray(0, kept);
}

/**
 * The bytes as an ArrayBuffer of their own, for an Int32Array or Int16Array over all of it: a
 * copy only when they are a view into a larger buffer (a typed array must start at a multiple
 * of its element size, and would see the rest of the buffer).
 */
function whole(bytes: Uint8Array): ArrayBuffer {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return (own ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
}

/**
 * tid_map.dat (an int32 count, then records: key, n, n token ids; little-endian, zero padded)
 * as offsets and ids, read through an object that answers `map[key]` with the key's ids.
 */
export function compactTargetMap(bytes: Uint8Array): Record<number, Int32Array | undefined> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records = (each: (key: number, count: number, at: number) => void) => {
    for (let at = 4; at + 8 <= bytes.length; ) {
      const key = view.getInt32(at, true);
      const count = view.getInt32(at + 4, true);
      if (count > 0) each(key, count, at + 8);
      at += 8 + 4 * Math.max(count, 0);
    }
  };
  let maxKey = -1;
  let total = 0;
  records((key, count) => {
    maxKey = Math.max(maxKey, key);
    total += count;
  });
  const offsets = new Int32Array(maxKey + 2);
  records((key, count) => (offsets[key + 1]! += count));
  for (let k = 0; k <= maxKey; k++) offsets[k + 1]! += offsets[k]!;
  const ids = new Int32Array(total);
  const next = offsets.slice(0, maxKey + 1);
  records((key, count, at) => {
    for (let i = 0; i < count; i++) ids[next[key]!++] = view.getInt32(at + 4 * i, true);
  });
  return new Proxy({} as Record<number, Int32Array | undefined>, {
    get(_, property) {
      const key = typeof property === 'string' ? Number(property) : NaN;
      return Number.isInteger(key) && key >= 0 && key <= maxKey ? ids.subarray(offsets[key]!, offsets[key + 1]!) : undefined;
    },
  });
}

/** kuromoji's tokenizer on the dictionary in `dicPath` (kuromoji's dict/ layout), loaded compactly. */
export async function loadCompactTokenizer(dicPath: string): Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>> {
  const DynamicDictionaries = require('kuromoji/src/dict/DynamicDictionaries') as new () => DynamicDictionaries;
  const Tokenizer = require('kuromoji/src/Tokenizer') as new (dic: DynamicDictionaries) => kuromoji.Tokenizer<kuromoji.IpadicFeatures>;
  const dic = new DynamicDictionaries();
  // One file at a time: the transient copies are one file's at most.
  const base = new Int32Array(whole(await unpack(dicPath, 'base.dat.gz')));
  dic.loadTrie(base, new Int32Array(whole(await unpack(dicPath, 'check.dat.gz'))));
  const tokens = dic.token_info_dictionary;
  tokens.loadDictionary(await unpack(dicPath, 'tid.dat.gz', true));
  tokens.loadPosVector(await unpack(dicPath, 'tid_pos.dat.gz', true));
  tokens.target_map = compactTargetMap(await unpack(dicPath, 'tid_map.dat.gz'));
  dic.loadConnectionCosts(new Int16Array(whole(await unpack(dicPath, 'cc.dat.gz'))));
  dic.loadUnknownDictionaries(
    await unpack(dicPath, 'unk.dat.gz', true),
    await unpack(dicPath, 'unk_pos.dat.gz', true),
    await unpack(dicPath, 'unk_map.dat.gz'),
    await unpack(dicPath, 'unk_char.dat.gz'),
    new Uint32Array(whole(await unpack(dicPath, 'unk_compat.dat.gz'))),
    await unpack(dicPath, 'unk_invoke.dat.gz'),
  );
  return new Tokenizer(dic);
}
