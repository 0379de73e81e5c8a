/**
 * The compact dictionary loader (src/search/kuromoji-dictionary.ts) gives kuromoji's own
 * tokens: every field of every token of the whole bundled catalog, and of text kuromoji only
 * knows as unknown words, compared with kuromoji's own loader.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import kuromoji from 'kuromoji';
import { describe, expect, it } from 'vitest';
import { defaultDictionaryPath, loadAnalyzer } from '../../src/search/analyzer.js';
import { compactTargetMap, loadCompactTokenizer } from '../../src/search/kuromoji-dictionary.js';
import { ANALYZER_TIMEOUT } from './support.js';

type Tokenizer = kuromoji.Tokenizer<kuromoji.IpadicFeatures>;

function stockTokenizer(): Promise<Tokenizer> {
  return new Promise((resolve, reject) => kuromoji.builder({ dicPath: defaultDictionaryPath() }).build((error, t) => (error ? reject(error) : resolve(t))));
}

async function catalogLines(): Promise<string[]> {
  const dir = path.resolve('seeds/catalog');
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.yaml'));
  const texts = await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
  return texts.join('\n').split('\n').filter((line) => line.trim());
}

describe('kuromoji dictionary, loaded compactly', () => {
  it(
    'tokenises the whole catalog and unknown words exactly as kuromoji’s own loader does',
    async () => {
      const [stock, compact] = await Promise.all([stockTokenizer(), loadCompactTokenizer(defaultDictionaryPath())]);
      const lines = [
        ...(await catalogLines()),
        'ｘｙｚｚｙ　ドローンで𠮷野家のスタートアップ！ 12,345円 😀 abc-def ＡＢＣ',
        'ぎんこうとつきあいたい。かいしゃをうりたい、ﾊﾝｶｸｶﾀｶﾅ',
        '朝鮮語 한국어 中文简体 Ελληνικά',
      ];
      expect(lines.length).toBeGreaterThan(5000);
      let tokens = 0;
      for (const line of lines) {
        const expected = stock.tokenize(line);
        expect(compact.tokenize(line), line).toEqual(expected);
        tokens += expected.length;
      }
      expect(tokens).toBeGreaterThan(50_000);
    },
    ANALYZER_TIMEOUT,
  );

  it(
    'holds every dictionary entry kuromoji’s own loader holds: each surface’s token ids, and each token’s costs and features',
    async () => {
      type Dictionary = { target_map: Record<string, ArrayLike<number> | undefined>; dictionary: { getShort(i: number): number }; getFeatures(id: string): string };
      type Internals = { token_info_dictionary: Dictionary; unknown_dictionary: Dictionary };
      const internals = (t: Tokenizer) => t as unknown as Internals;
      const [stock, compact] = (await Promise.all([stockTokenizer(), loadCompactTokenizer(defaultDictionaryPath())])).map(internals);
      for (const which of ['token_info_dictionary', 'unknown_dictionary'] as const) {
        const [a, b] = [stock![which], compact![which]];
        const keys = Object.keys(a.target_map);
        expect(keys.length).toBeGreaterThan(which === 'token_info_dictionary' ? 300_000 : 5);
        let entries = 0;
        for (const key of keys) {
          const ids = Array.from(a.target_map[key]!, Number);
          expect(Array.from(b.target_map[key] ?? [], Number), `${which}[${key}]`).toEqual(ids);
          for (const id of ids) {
            for (const at of [0, 2, 4]) if (a.dictionary.getShort(id + at) !== b.dictionary.getShort(id + at)) expect.fail(`${which} ${id}+${at}`);
            if (a.getFeatures(String(id)) !== b.getFeatures(String(id))) expect.fail(`${which} features of ${id}`);
            entries++;
          }
        }
        expect(entries).toBeGreaterThan(which === 'token_info_dictionary' ? 390_000 : 30);
      }
    },
    ANALYZER_TIMEOUT,
  );

  it('the surface → token map answers each key with its ids, in order, and nothing for keys it lacks', () => {
    // An int32 count, then records (key, n, ids…), then zero padding, as in tid_map.dat.
    const ints = [3, 0, 2, 10, 20, 5, 1, 30, 2, 3, 40, 50, 60, 0, 0, 0, 0];
    const bytes = new Uint8Array(new Int32Array(ints).buffer);
    const map = compactTargetMap(bytes);
    expect([...map[0]!]).toEqual([10, 20]);
    expect([...map[5]!]).toEqual([30]);
    expect([...map[2]!]).toEqual([40, 50, 60]);
    expect([...map[1]!]).toEqual([]);
    expect(map[6]).toBeUndefined();
    expect(map[-1]).toBeUndefined();
  });

  it('a dictionary directory that is not one is refused with its path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shien-dic-'));
    await expect(loadAnalyzer({ dicPath: dir })).rejects.toThrow(`kuromoji の辞書を読み込めません (${dir})`);
    await writeFile(path.join(dir, 'base.dat.gz'), gzipSync(Buffer.from('not a dictionary')));
    await expect(loadAnalyzer({ dicPath: dir })).rejects.toThrow(/kuromoji の辞書を読み込めません/);
  });
});
