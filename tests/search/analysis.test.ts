/**
 * How queries are read: width and case folding, compounds, kana readings. What is asserted is
 * what an advisor sees (which programs, in which order), on the bundled catalog with both
 * engines (kuromoji, and as served from the prebuilt index), and on small hand-made catalogs
 * where a property needs proving.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { ANALYZER_TIMEOUT, bundledEngines, DRONE, ENGINE_KINDS, type Engines, ids, names, program, readableText, SHOKEI_BY_NAME, SOGYO_BY_NAME, tinyEngines } from './support.js';

const DX_PLATFORM = 'p-717cb164da'; // 中小企業ＤＸ支援プラットフォーム事業 (written with full-width ＤＸ)
const KADAI_PITCH = 'p-3cfc5f67d6'; // 大学発ベンチャービジネスプランコンテスト「KADAI STARTER's PITCH 2022」の開催
const CARRY_BAG = 'p-66afb38727'; // 産学官連携事業「３日間社長のカバン持ち体験」 (full-width ３)
const SOSHIN_BRAIN = ['p-967d95f223', 'p-f89885a017']; // そうしんブレーン21…
const UI_TURN = 'p-7d74aeba4c'; // ふるさと鹿児島UIターン就活応援事業
const STARTUP = 'p-370b1f94cd'; // スタートアップ推進事業

/** Programs that say インターンシップ. */
const INTERNSHIP = ['p-7d74aeba4c', 'p-6156bd8942', 'p-032d7062fe', 'p-f298ad3bd5'];

let analyzer: Analyzer;
let engines: Engines;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engines = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

const sorted = (list: string[]) => [...list].sort();

describe.each(ENGINE_KINDS)('bundled catalog, %s engine', (kind) => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engines[kind];
  });
  /** What a surface shows for a query: ids in order, the mode and the total. */
  const answer = (q: string) => {
    const r = engine.search(q);
    return { ids: ids(r), mode: r.mode, total: r.total };
  };

  describe('normalisation: width, case and script variants find the same programs', () => {
    it('ＤＸ, ｄｘ, DX and dx give the same answer, led by the program written ＤＸ', () => {
      const dx = answer('DX');
      expect(dx.ids[0]).toBe(DX_PLATFORM);
      expect(dx.total).toBeGreaterThan(1);
      expect(answer('ＤＸ')).toEqual(dx);
      expect(answer('ｄｘ')).toEqual(dx);
      expect(answer('dx')).toEqual(dx);
    });

    it('half-width katakana ﾄﾞﾛｰﾝ finds the ドローン program, as ドローン and どろーん do', () => {
      const drone = answer('ドローン');
      expect(drone.ids).toEqual([DRONE]);
      expect(answer('ﾄﾞﾛｰﾝ')).toEqual(drone);
      expect(answer('どろーん').ids[0]).toBe(DRONE);
    });

    it('full-width letters and digits equal their ASCII forms', () => {
      expect(answer('ＫＡＤＡＩ')).toEqual(answer('kadai'));
      expect(answer('ＫＡＤＡＩ').ids).toEqual([KADAI_PITCH]);
      expect(answer('２０２２')).toEqual(answer('2022'));
      expect(answer('ブレーン２１')).toEqual(answer('ブレーン21'));
      expect(sorted(answer('ブレーン２１').ids)).toEqual(sorted(SOSHIN_BRAIN));
      expect(answer('ＡＳＥＡＮ')).toEqual(answer('asean'));
      expect(answer('ＡＳＥＡＮ').ids[0]).toBe('p-abbf70b9a9'); // ASEANマーケット販路開拓・拡大事業
    });

    it('mixed full-width Latin and katakana (ＵＩターン, ｕｉターン) equal UIターン', () => {
      const ui = answer('UIターン');
      expect(ui.ids[0]).toBe(UI_TURN);
      expect(answer('ＵＩターン')).toEqual(ui);
      expect(answer('ｕｉターン')).toEqual(ui);
    });

    it('a full-width space separates words like an ASCII one', () => {
      expect(answer('ドローン　実証')).toEqual(answer('ドローン 実証'));
      expect(answer('ドローン　実証')).toMatchObject({ ids: [DRONE], mode: 'all' });
    });
  });

  describe('compounds', () => {
    it('スタートアップ lists スタートアップ推進事業 first', () => {
      expect(answer('スタートアップ').ids[0]).toBe(STARTUP);
    });

    it('a part of a compound finds the programs that use the compound (承継 → 事業承継…)', () => {
      const top = answer('承継').ids.slice(0, 5);
      expect(top.filter((id) => SHOKEI_BY_NAME.includes(id)).length).toBeGreaterThanOrEqual(4);
    });
  });

  describe('kana readings', () => {
    it('そうぎょう finds the 創業 programs', () => {
      const r = engine.search('そうぎょう');
      const top = ids(r).slice(0, 5);
      expect(top.filter((id) => SOGYO_BY_NAME.includes(id)).length).toBeGreaterThanOrEqual(4);
      for (const hit of r.hits.slice(0, 5)) expect(readableText(hit.program)).toContain('創業');
    });

    it('じぎょうしょうけい finds the 事業承継 programs, as 事業承継 does', () => {
      const kana = answer('じぎょうしょうけい');
      expect(sorted(kana.ids.slice(0, 5))).toEqual(sorted(SHOKEI_BY_NAME));
      expect(kana).toEqual(answer('事業承継'));
    });

    it('katakana インターンシップ finds the programs that offer internships, and いんたーんしっぷ the same', () => {
      expect(sorted(answer('インターンシップ').ids.slice(0, INTERNSHIP.length))).toEqual(sorted(INTERNSHIP));
      expect(sorted(answer('いんたーんしっぷ').ids.slice(0, INTERNSHIP.length))).toEqual(sorted(INTERNSHIP));
    });

    it('a hiragana reading of a catalog word (しょうてんがい) finds the 商店街 programs', () => {
      const r = engine.search('しょうてんがい');
      expect(r.hits.length).toBeGreaterThan(0);
      for (const name of names(r).slice(0, 5)) expect(name).toContain('商店街');
    });
  });
});

describe('numbers', () => {
  it('as served, a number printed in a name (2022, ３日間) finds the program', () => {
    expect(ids(engines.served.search('2022'))).toEqual([KADAI_PITCH]);
    expect(ids(engines.served.search('3日間'))).toEqual([CARRY_BAG]);
  });

  // KNOWN DIFFERENCE between the engines: kuromoji drops numbers (名詞,数) and the suffix 日間,
  // so with kuromoji 2022 and 3日間 are empty queries (mode none), while the served engine finds
  // the programs. `npm run eval` measures the kuromoji engine, the bot serves the other.
  it.fails('with kuromoji, a number printed in a name (2022, ３日間) finds the program too', () => {
    expect(ids(engines.kuromoji.search('2022'))).toEqual([KADAI_PITCH]);
    expect(ids(engines.kuromoji.search('3日間'))).toEqual([CARRY_BAG]);
  });
});

describe('compounds (hand-made catalogs, both engines)', () => {
  it('事業承継 ranks a program that says 事業承継 above one that says 事業 and 承継 apart', async () => {
    const tiny = await tinyEngines(analyzer, [
      // Listed first so that catalog order alone would put it on top.
      program('apart', '経営相談会', { overview: '事業の拡大と技術の承継について、経営者の相談に応じる。' }),
      program('whole', '事業承継相談会', { overview: '事業承継に悩む経営者の相談に応じる。' }),
      program('other', '販路開拓相談会', { overview: '商品の販路について、経営者の相談に応じる。' }),
    ]);
    // The parts apart still count (with less weight), so both are listed, the compound first.
    for (const kind of ENGINE_KINDS) expect(ids(tiny[kind].search('事業承継')), kind).toEqual(['whole', 'apart']);
  });

  it('the compound wins when the parts apart stand in the same field, however often', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('apart', '経営相談会', { overview: '事業を続けるため、事業の技術の承継を支援する。事業の承継計画を作る。' }),
      program('whole', '相談窓口', { overview: '事業承継に悩む経営者の相談に応じる。' }),
      program('other', '販路開拓相談会', { overview: '商品の販路について相談に応じる。' }),
    ]);
    for (const kind of ENGINE_KINDS) expect(ids(tiny[kind].search('事業承継')), kind).toEqual(['whole', 'apart']);
  });

  // KNOWN DEFECT (ranking): 事業 and 承継 apart in a program's *name* outrank 事業承継 said in
  // another program's overview (name boost 4 × partsWeight 0.5 beats overview boost 2), so
  // 「事業と技術の承継セミナー」 (about handing down skills) is listed above the program that is
  // about 事業承継. Observed: search('事業承継') → apart (score 7.20), whole (2.81).
  it.fails('the compound wins even when the parts apart stand in a name', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('apart', '事業と技術の承継セミナー', { overview: '技術の承継を支援する。' }),
      program('whole', '相談窓口', { overview: '事業承継に悩む経営者の相談に応じる。' }),
      program('other', '販路開拓相談会', { overview: '商品の販路について相談に応じる。' }),
    ]);
    expect(ids(tiny.kuromoji.search('事業承継'))[0]).toBe('whole');
  });

  it('スタートアップ does not match a program that has only スタート and アップ apart', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('levelup', '技能講座', { overview: 'スタート時にレベルアップを目指す。' }),
      program('startup', 'スタートアップ支援', { overview: '起業家を支援する。' }),
      program('neither', '販路開拓相談会', { overview: '商品の販路について相談に応じる。' }),
    ]);
    for (const kind of ENGINE_KINDS) {
      expect(ids(tiny[kind].search('スタートアップ')), kind).toEqual(['startup']);
      // The words of the other program still find it.
      expect(ids(tiny[kind].search('レベルアップ')), kind).toEqual(['levelup']);
    }
  });

  it('ドローン is one word, not ド + ローン: it does not find a loan program', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('loan', '設備資金ローン', { overview: '設備資金のローンを取り扱う。' }),
      program('drone', 'ドローン講座', { overview: 'ドローンの操縦を学ぶ。' }),
    ]);
    for (const kind of ENGINE_KINDS) {
      expect(ids(tiny[kind].search('ドローン')), kind).toEqual(['drone']);
      expect(ids(tiny[kind].search('ローン')), kind).toEqual(['loan']);
    }
  });
});
