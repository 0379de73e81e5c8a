/**
 * Answers in steps (src/search/fallback.ts): common words never widen or decide an answer,
 * words that match nothing are named, a suffix stands for its stem, and a word that matches
 * nothing is searched by the nearest catalog words before the answer comes back empty.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { describeStep } from '../../src/search/fallback.js';
import { renderResponseText } from '../../src/render/text.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids, program, SHOKEI_BY_NAME, SOGYO_BY_NAME, tinyEngines } from './support.js';

let analyzer: Analyzer;
let bundled: Engines;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  bundled = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

/** 25 programs, all of them in 鹿児島 (a common word); few about 焼酎, 輸出 or IT. */
function catalog(): Program[] {
  const out: Program[] = [
    program('shochu', '焼酎の販路開拓', { overview: '鹿児島の焼酎を県外に売り込む。' }),
    program('export', '輸出商談会', { overview: '鹿児島の産品の輸出を支援する。' }),
    program('it', 'IT導入の相談会', { overview: '鹿児島の中小企業のIT導入を支援する。' }),
    program('succession', '事業承継の相談窓口', { overview: '鹿児島の後継者問題に応じる。' }),
    program('intern', '学生の就業体験', { overview: '鹿児島の企業でインターンシップを行う。' }),
  ];
  for (let i = 0; i < 20; i++) out.push(program(`other-${i}`, `地域振興事業${i}`, { overview: `鹿児島の地域の催し${i}を開く。` }));
  return out;
}

describe('common words (a catalog of 24 programs, both engines)', () => {
  it('a common word does not widen an any-word answer when a rarer word matched', async () => {
    const e = await tinyEngines(analyzer, catalog());
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('鹿児島 焼酎 輸出');
      expect(r.mode, kind).toBe('any');
      expect([...ids(r)].sort(), kind).toEqual(['export', 'shochu']);
    }
  });

  it('when only the common word matched, the answer says which word was not found', async () => {
    const e = await tinyEngines(analyzer, catalog());
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('鹿児島 黒豚');
      expect(r.mode, kind).toBe('any');
      expect(r.notFound, kind).toEqual(['黒豚']);
      expect(describeStep(r), kind).toContain('「黒豚」');
      expect(renderResponseText(r, 5), kind).toContain('見つからなかった言葉: 「黒豚」');
    }
  });

  it('an intent answer is not widened by a common word of the question', async () => {
    const e = await tinyEngines(analyzer, catalog(), { intents: [{ says: ['輸出したい'], means: ['輸出'] }] });
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('鹿児島の焼酎を輸出したい');
      expect(r.step, kind).toBe('intent');
      expect([...ids(r)].sort(), kind).toEqual(['export', 'shochu']);
    }
  });
});

describe('a word typed apart that only 相談例 say (both engines)', () => {
  /** catalog() and one program whose 相談例 alone say 黒豚, another whose 相談例 say 焼酎 too. */
  const withConsultations = () => [
    ...catalog(),
    program('food', '食品加工の相談会', { overview: '鹿児島の食品加工を支援する。', consultations: ['黒豚の加工品を県外に売りたい'] }),
    program('fair', '県産品フェア', { overview: '鹿児島の産品を紹介する。', consultations: ['焼酎をフェアで売りたい'] }),
  ];

  it('is looked up in the 相談例, instead of an empty answer (黒豚)', async () => {
    const e = await tinyEngines(analyzer, withConsultations());
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('黒豚');
      expect(ids(r), kind).toEqual(['food']);
      expect(r.notFound ?? [], kind).toEqual([]);
      // With another word: every word found, no word named as not found.
      const both = e[kind].search('黒豚 食品加工');
      expect(ids(both), kind).toEqual(['food']);
      expect(both.notFound ?? [], kind).toEqual([]);
    }
  });

  it('is not looked up in the 相談例 when a name or overview says it (焼酎)', async () => {
    const e = await tinyEngines(analyzer, withConsultations());
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('焼酎')), kind).toEqual(['shochu']);
  });
});

describe('suffixes and nearby words (both engines)', () => {
  it('a compound the catalog lacks is found by its parts (事業承継者)', async () => {
    const e = await tinyEngines(analyzer, catalog());
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('事業承継者'))[0], kind).toBe('succession');
  });

  it('IT化 finds what IT finds', async () => {
    const e = await tinyEngines(analyzer, catalog());
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('IT化')), kind).toEqual(['it']);
  });

  it('a word that matches nothing is searched by the nearest catalog word, and the answer says so', async () => {
    const e = await tinyEngines(analyzer, catalog());
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('インターンシツプ');
      expect(r.step, kind).toBe('nearby');
      expect(ids(r), kind).toEqual(['intern']);
      expect(r.usedInstead, kind).toEqual([{ word: 'インターンシツプ', used: ['インターンシップ'] }]);
      expect(renderResponseText(r, 5), kind).toContain('「インターンシツプ」→「インターンシップ」');
      // Nothing near: still no answer, with suggestions.
      expect(e[kind].search('ふがふがほげ').mode, kind).toBe('none');
    }
  });
});

describe('verbal forms and questions on the bundled catalog (kuromoji)', () => {
  const YUSHI_SEIDO = 'p-9d3e207403'; // 県中小企業融資制度運営事業
  const KEIEI_ANTEI = 'p-076b2e7b77'; // 経営安定特別相談事業
  const BCP = ['p-f0b4ed3dd8', 'p-e306f5489d']; // 事業継続力強化支援事業, 中小企業経営バックアップ強化事業

  it('貸してほしい is read as 融資, and the verb is never named as a word not found', () => {
    const r = bundled.kuromoji.search('お金を貸してほしい');
    expect(ids(r).slice(0, 3)).toContain(YUSHI_SEIDO);
    expect(r.notFound ?? []).toEqual([]);
  });

  it('始めたい is read as 創業・開業', () => {
    // A shop the catalog never names (パン屋 is in a 相談例 since session 22).
    const r = bundled.kuromoji.search('ラーメン屋を始めたい');
    expect(ids(r).slice(0, 5).filter((id) => SOGYO_BY_NAME.includes(id)).length).toBeGreaterThanOrEqual(3);
    expect(r.notFound).toEqual(['ラーメン屋']);
  });

  it('コロナで売上が落ちた lists 経営安定特別相談事業 in the top 3, before the BCP programs', () => {
    const top = ids(bundled.kuromoji.search('コロナで売上が落ちた'));
    expect(top.slice(0, 3)).toContain(KEIEI_ANTEI);
    for (const bcp of BCP) if (top.includes(bcp)) expect(top.indexOf(bcp)).toBeGreaterThan(top.indexOf(KEIEI_ANTEI));
  });
});

describe('a question typed all in kana (both engines)', () => {
  it('is cut into the readings of catalog words: じぎょうしょうけいについてしりたい lists the 事業承継 programs', () => {
    for (const kind of ENGINE_KINDS) {
      const r = bundled[kind].search('じぎょうしょうけいについてしりたい');
      expect(ids(r).slice(0, 3).every((id) => SHOKEI_BY_NAME.includes(id)), kind).toBe(true);
    }
  });

  it('a single reading still reads as before, and kana that match nothing stay nothing', () => {
    for (const kind of ENGINE_KINDS) {
      expect(ids(bundled[kind].search('そうぎょう')).slice(0, 3).every((id) => SOGYO_BY_NAME.includes(id)), kind).toBe(true);
      expect(bundled[kind].search('ふがふがほげ').mode, kind).toBe('none');
    }
  });
});

describe('describeStep', () => {
  it('says that programs with some of the words follow only when some do', () => {
    expect(describeStep({ step: 'all', allCount: 2, total: 5 })).toBe('すべての語を含む事業は 2 件です。その後にいずれかの語を含む事業を表示します');
    expect(describeStep({ step: 'all', allCount: 2, total: 2 })).toBe('すべての語を含む事業は 2 件です');
  });
});
