/**
 * Issue 16: a question put as a sentence has its first programs ordered again by how much their
 * 相談例 look like it, character by character (consultation-grams.ts), fused with the engine's
 * order. Measured on the tuning sets (engine-defaults.ts); here: what it reads, how it fuses,
 * and that it only reorders the engine's own first programs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsultationGrams, fuseOrders, pairCounts } from '../../src/search/consultation-grams.js';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids, program } from './support.js';

const pairs = (text: string) => [...pairCounts(text)].map(([pair, n]) => [String.fromCharCode(Math.floor(pair / 0x10000), pair % 0x10000), n]);

describe('pairCounts', () => {
  it('counts adjacent kanji, katakana, Latin letters and digits; pairs with hiragana, spaces or punctuation are left out', () => {
    expect(pairs('資金繰りが苦しい')).toEqual([['資金', 1], ['金繰', 1]]);
    expect(pairs('融資、融資')).toEqual([['融資', 2]]);
    expect(pairs('ネット販売')).toEqual([['ネッ', 1], ['ット', 1], ['ト販', 1], ['販売', 1]]);
    // 誰かに買ってほしい: how it is asked, not what (a 相談例 of selling a company said it too).
    expect(pairs('誰かに買ってほしい')).toEqual([]);
  });

  it('reads full-width and upper case as NFKC lower case', () => {
    expect(pairs('ＤＸ')).toEqual(pairs('dx'));
  });
});

describe('fuseOrders', () => {
  it('keeps the order with no weight or no difference in similarity', () => {
    expect(fuseOrders([10, 20, 30], Float64Array.from([0, 0.5, 1]), 0)).toEqual([10, 20, 30]);
    expect(fuseOrders([10, 20, 30], Float64Array.from([0.3, 0.3, 0.3]), 1)).toEqual([10, 20, 30]);
  });

  it('moves up what the similarity ranks first, as far as its weight carries it', () => {
    expect(fuseOrders([10, 20, 30], Float64Array.from([0, 0.5, 1]), 2)).toEqual([30, 20, 10]);
    // Half the weight: one place's difference in the engine's order outweighs it.
    expect(fuseOrders([10, 20, 30], Float64Array.from([0, 0.5, 1]), 0.5)).toEqual([10, 20, 30]);
  });
});

describe('ConsultationGrams.similarities', () => {
  const programs = [
    program('loan', '融資制度', { consultations: ['給料日前に口座が空っぽになる', '運転資金を借りたい'] }),
    program('fair', '物産展', { consultations: ['東京の百貨店で売りたい'] }),
    program('none', '何もない'),
  ];
  const grams = new ConsultationGrams(programs);

  it('is highest for the program whose 相談例 share the question’s characters, 0 for one without 相談例', () => {
    const s = grams.similarities('給料日前なのに口座が空っぽ', [0, 1, 2]);
    expect(s[0]).toBeGreaterThan(0.3);
    expect(s[1]).toBe(0);
    expect(s[2]).toBe(0);
  });

  it('is 0 for a question with no pair to read (hiragana only)', () => {
    expect([...grams.similarities('どうしたらいいの', [0, 1])]).toEqual([0, 0]);
  });
});

describe('on the bundled catalog (both engines)', () => {
  let engines: Engines;
  beforeAll(async () => {
    engines = await bundledEngines(await loadAnalyzer());
  }, ANALYZER_TIMEOUT);
  const withoutGrams = <T>(engine: Engines['kuromoji'], run: () => T): T => {
    const options = (engine as unknown as { options: { gramWeight: number } }).options;
    const saved = options.gramWeight;
    options.gramWeight = 0;
    try {
      return run();
    } finally {
      options.gramWeight = saved;
    }
  };
  const sentences = ['給料日前に口座が空っぽで困っている', '工場の機械が古くなって生産が追いつかない', '新商品を東京の百貨店で売ってみたい'];

  it('reorders a sentence’s first programs, only among the engine’s own first 30, the count unchanged', () => {
    for (const kind of ENGINE_KINDS) {
      const engine = engines[kind];
      let changed = 0;
      for (const q of sentences) {
        const fused = engine.search(q, { limit: 5 });
        const plain = withoutGrams(engine, () => engine.search(q, { limit: 30 }));
        expect(fused.total, q).toBe(plain.total);
        for (const id of ids(fused)) expect(ids(plain), `${kind} ${q}`).toContain(id);
        if (ids(fused).join() !== ids(plain).slice(0, 5).join()) changed++;
      }
      expect(changed, kind).toBeGreaterThan(0);
    }
  });

  it('pages agree with one another: pages 1 and 2 are the first 10, each program once', () => {
    for (const kind of ENGINE_KINDS) {
      for (const q of sentences) {
        const engine = engines[kind];
        const ten = ids(engine.search(q, { limit: 10 }));
        const pages = [...ids(engine.search(q, { limit: 5 })), ...ids(engine.search(q, { offset: 5, limit: 5 }))];
        expect(pages, `${kind} ${q}`).toEqual(ten);
        expect(new Set(pages).size).toBe(pages.length);
      }
    }
  });

  it('leaves short questions and words typed apart as the engine orders them', () => {
    for (const kind of ENGINE_KINDS) {
      const engine = engines[kind];
      for (const q of ['お金を借りたい', '事業承継 補助金 相談 窓口 鹿児島 支援']) {
        expect(ids(engine.search(q, { limit: 10 })), `${kind} ${q}`).toEqual(withoutGrams(engine, () => ids(engine.search(q, { limit: 10 }))));
      }
    }
  });
});
