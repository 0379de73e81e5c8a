/**
 * Synonyms and intents from seeds/synonyms.yaml: they add recall (起業 finds 創業), never
 * outrank what was asked as written, read colloquial questions, and are listed to the user.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { SynonymsFileSchema, vocabularyFromObject } from '../../src/search/synonyms-file.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids, program, readableText, SHOKEI_BY_NAME, SOGYO_BY_NAME, tinyEngines } from './support.js';

const YUSHI_SEIDO = 'p-9d3e207403'; // 県中小企業融資制度運営事業
const KINYU_SHIDO = 'p-b121366c16'; // 金融指導事業
const EXPORT_PURPOSE = '販路拡大・海外展開をしたい';

let analyzer: Analyzer;
let engines: Engines;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engines = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

describe('synonym groups (hand-made catalogs, both engines)', () => {
  it('an exact hit ranks above a synonym-only hit, even a much stronger one', async () => {
    const tiny = await tinyEngines(
      analyzer,
      [
        program('sogyo', '創業支援セミナー', { overview: '創業を目指す人に創業の基礎を教える。創業計画の作り方。' }),
        program('kigyo', '相談窓口', { overview: '起業の相談に応じる。' }),
        program('other', '販路開拓相談会', { overview: '商品の販路について相談に応じる。' }),
      ],
      { groups: [['創業', '起業']] },
    );
    for (const kind of ENGINE_KINDS) {
      expect(ids(tiny[kind].search('起業')), kind).toEqual(['kigyo', 'sogyo']);
      expect(ids(tiny[kind].search('創業')), kind).toEqual(['sogyo', 'kigyo']);
    }
  });

  it('without the group, the synonym finds nothing (the vocabulary is what widens the search)', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('sogyo', '創業支援セミナー', { overview: '創業を目指す人に創業の基礎を教える。' }),
      program('kigyo', '相談窓口', { overview: '起業の相談に応じる。' }),
    ]);
    for (const kind of ENGINE_KINDS) {
      const r = tiny[kind].search('起業');
      expect(ids(r), kind).toEqual(['kigyo']);
      expect(r.expandedWith, kind).toEqual([]);
    }
  });

  it('expandedWith lists the synonyms that found something, as staff wrote them', async () => {
    const tiny = await tinyEngines(
      analyzer,
      [
        program('sogyo', '創業支援セミナー', { overview: '創業を目指す人の講座。' }),
        program('kigyo', '相談窓口', { overview: '起業の相談に応じる。' }),
        program('venture', 'ベンチャー交流会', { overview: '若手経営者が集まる。' }),
      ],
      // 開業 is in the group but in no program.
      { groups: [['創業', '起業', '開業', 'ベンチャー']] },
    );
    for (const kind of ENGINE_KINDS) {
      const r = tiny[kind].search('起業');
      expect([...r.expandedWith].sort(), kind).toEqual(['ベンチャー', '創業'].sort());
      expect(ids(r)[0], kind).toBe('kigyo');
      expect([...ids(r)].sort(), kind).toEqual(['kigyo', 'sogyo', 'venture'].sort());
    }
  });

  it('an intent reads a question the programs do not word that way', async () => {
    const tiny = await tinyEngines(
      analyzer,
      [
        program('loan', '設備資金の融資制度', { overview: '中小企業に設備資金を融資する。' }),
        program('fair', '物産展', { overview: '県産品を販売する。' }),
      ],
      { intents: [{ says: ['お金を借り'], means: ['融資'] }] },
    );
    for (const kind of ENGINE_KINDS) {
      const r = tiny[kind].search('お金を借りたい');
      expect(ids(r), kind).toEqual(['loan']);
      expect(r.expandedWith, kind).toEqual(['融資']);
    }
  });
  it("an intent's purposes add programs that answer it in other words, after the ones that say it", async () => {
    const tiny = await tinyEngines(
      analyzer,
      [
        program('shop', 'アンテナショップ運営', { overview: '東京の店舗で県産品を紹介する。', purposes: ['販路拡大・海外展開をしたい'] }),
        program('fair', '物産展', { overview: '県外の百貨店で物産展を開く。', purposes: ['販路拡大・海外展開をしたい'] }),
        program('loan', '融資制度', { overview: '設備資金を融資する。', purposes: ['資金繰りを改善したい'] }),
      ],
      { intents: [{ says: ['東京で売'], means: ['物産展'], purposes: ['販路拡大・海外展開をしたい'] }] },
    );
    for (const kind of ENGINE_KINDS) {
      const r = tiny[kind].search('東京で売りたい');
      expect(ids(r), kind).toEqual(['fair', 'shop']);
    }
  });
  it("an intent's several purposes add each program having any of them once, in catalog order", async () => {
    const tiny = await tinyEngines(
      analyzer,
      [
        program('cash', '甲事業', { overview: '乙を行う。', purposes: ['資金繰りを改善したい'] }),
        program('both', '丙事業', { overview: '丁を行う。', purposes: ['販路拡大・海外展開をしたい', '資金繰りを改善したい'] }),
        program('none', '戊事業', { overview: '己を行う。', purposes: ['人材育成を行いたい'] }),
        program('sell', '庚事業', { overview: '辛を行う。', purposes: ['販路拡大・海外展開をしたい'] }),
      ],
      { intents: [{ says: ['困って'], means: ['融資'], purposes: ['販路拡大・海外展開をしたい', '資金繰りを改善したい', '販路拡大・海外展開をしたい'] }] },
    );
    for (const kind of ENGINE_KINDS) {
      const r = tiny[kind].search('困っています', { limit: 10 });
      expect(ids(r), kind).toEqual(['cash', 'both', 'sell']);
      expect(new Set(r.hits.map((h) => h.score)).size, kind).toBe(1);
    }
  });
});

describe.each(ENGINE_KINDS)('bundled catalog, %s engine', (kind) => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engines[kind];
  });

  describe('synonym groups', () => {
    it('起業 also finds the 創業 programs and says it searched with 創業', () => {
      const r = engine.search('起業');
      expect(ids(r).filter((id) => SOGYO_BY_NAME.includes(id)).length).toBeGreaterThanOrEqual(4);
      expect(r.expandedWith).toContain('創業');
      // Programs that say 起業 come before the ones found only through 創業.
      const says = r.hits.map((h) => readableText(h.program).includes('起業'));
      const firstSynonymOnly = says.indexOf(false);
      expect(firstSynonymOnly).toBeGreaterThan(0);
      expect(says.lastIndexOf(true)).toBeLessThan(firstSynonymOnly);
    });

    it('expandedWith holds only members of the query word’s group, and nothing for a word without synonyms', () => {
      const r = engine.search('起業');
      const group = ['創業', '開業', 'スタートアップ', '新規創業', '独立開業', '起業家', 'ベンチャー'];
      expect(r.expandedWith.length).toBeGreaterThan(0);
      for (const word of r.expandedWith) expect(group).toContain(word);
      expect(engine.search('ドローン').expandedWith).toEqual([]);
    });
  });

  describe('intents: colloquial questions', () => {
    it('お金を借りたい lists the 融資 programs in the top 5 and says it searched for 融資', () => {
      const r = engine.search('お金を借りたい');
      expect(r.mode).not.toBe('none');
      const top = ids(r).slice(0, 5);
      expect(top).toContain(YUSHI_SEIDO);
      expect(top).toContain(KINYU_SHIDO);
      expect(r.expandedWith).toEqual(expect.arrayContaining(['融資', '資金繰り']));
    });

    it('後継ぎがいない lists the 事業承継 programs first', () => {
      const r = engine.search('後継ぎがいない');
      const top = ids(r).slice(0, 5);
      expect(top.filter((id) => SHOKEI_BY_NAME.includes(id)).length).toBeGreaterThanOrEqual(4);
      for (const hit of r.hits.slice(0, 5)) expect(readableText(hit.program)).toMatch(/事業承継|後継者|引継ぎ/);
      expect(r.expandedWith).toContain('事業承継');
    });

    it('海外に売りたい lists export programs first', () => {
      const r = engine.search('海外に売りたい');
      expect(r.hits.length).toBeGreaterThanOrEqual(5);
      for (const hit of r.hits.slice(0, 5)) {
        expect(hit.program.purposes, hit.program.name).toContain(EXPORT_PURPOSE);
        expect(readableText(hit.program), hit.program.name).toMatch(/輸出|海外|貿易/);
      }
      expect(r.expandedWith).toEqual(expect.arrayContaining(['輸出', '海外展開']));
    });

    it('銀行に断られた lists the 融資 programs first, not the bank’s own programs or a 相談例 saying 断る', () => {
      // Before: 企業立地促進補助事業 and サービス業販路開拓 (断る in their 相談例), then programs naming 銀行.
      const top = engine.search('銀行に断られた', { limit: 5 }).hits.map((h) => h.program);
      expect(top.slice(0, 3).map((p) => p.purposes ?? []), top.map((p) => p.name).join(',')).toEqual(Array(3).fill(expect.arrayContaining(['資金繰りを改善したい'])));
    });

    it('会社を誰かに買ってもらいたい is selling the company (事業承継), not selling goods', () => {
      const r = engine.search('会社を誰かに買ってもらいたい', { limit: 5 });
      expect(r.expandedWith).toContain('事業承継');
      const top = r.hits.map((h) => h.program);
      expect(top.slice(0, 3).every((p) => SHOKEI_BY_NAME.includes(p.id)), top.map((p) => p.name).join(',')).toBe(true);
      // Goods someone should buy are still sales: 誰かに買って alone is no 事業承継.
      for (const sales of ['焼酎を誰かに買ってほしい', '作った野菜を誰かに買ってほしい']) {
        const r2 = engine.search(sales, { limit: 5 });
        expect(r2.expandedWith, sales).not.toContain('事業承継');
        expect(r2.hits.some((h) => SHOKEI_BY_NAME.includes(h.program.id)), sales).toBe(false);
      }
    });

    it('closing the shop (店をたたみたい, 閉店) is 事業承継 (廃業 too); 借金が返せない is 経営の立て直し', () => {
      // Before: 閉店 0 件, 会社を畳みたい listed そうしん求人相談会 and ASEAN on 会社 alone.
      for (const q of ['店をたたみたい', '閉店', '会社を畳みたい']) {
        const r = engine.search(q, { limit: 5 });
        expect(r.expandedWith, q).toContain('事業承継');
        expect(r.hits.slice(0, 3).every((h) => SHOKEI_BY_NAME.includes(h.program.id)), q).toBe(true);
      }
      expect(engine.search('借金が返せない').expandedWith).toContain('事業再生');
      // 会社を辞めて独立したい is leaving a job to start one: not 事業承継.
      expect(engine.search('会社を辞めて独立したい').expandedWith).not.toContain('事業承継');
    });

    it('an intent matches whatever the kana script: 後継ぎがイナイ reads as 後継ぎがいない', () => {
      expect(engine.search('後継ぎがイナイ').expandedWith).toContain('事業承継');
      expect(ids(engine.search('後継ぎがイナイ')).slice(0, 5)).toEqual(ids(engine.search('後継ぎがいない')).slice(0, 5));
    });

    it('plain words that no intent reads expand with nothing', () => {
      expect(engine.search('ドローン 実証').expandedWith).toEqual([]);
    });
  });
});

// 借りたい said 融資 whatever was borrowed: 空き店舗を借りたい and 知恵を貸してほしい listed
// the loan programs first, and 会社を売り込みたい (会社を売) listed 事業承継. `unless` names the
// phrases after which an intent's phrase means something else.
describe('intents not said (unless)', () => {
  const vocabulary = () =>
    vocabularyFromObject({ intents: [{ says: ['借りたい', '貸して'], unless: ['店舗を借り', '知恵を貸'], means: ['融資'] }, { says: ['会社を売'], unless: ['売り込'], means: ['事業承継'] }] }, analyzer);
  const labels = (q: string) => vocabulary().intentsOf(q).means.map((m) => m.label);

  it('a phrase of `unless` in the question keeps the intent from being said', () => {
    expect(labels('お金を借りたい')).toEqual(['融資']);
    expect(labels('空き店舗を借りたい')).toEqual([]);
    expect(labels('知恵を貸してほしい')).toEqual([]);
    expect(labels('会社を売りたい')).toEqual(['事業承継']);
    expect(labels('会社を売り込みたい')).toEqual([]);
  });

  it('a phrase matches with its particle dropped before a verb written with its ending, not before a noun', () => {
    // 会社売りたい listed ASEAN 販路 programs first (the walk-through).
    expect(labels('会社売りたい')).toEqual(['事業承継']);
    expect(labels('会社売り込みたい')).toEqual([]);
    // 会社売上 is the company's sales; 売れ行き, 売れる are selling well (review).
    expect(labels('会社売上を伸ばしたい')).toEqual([]);
    expect(labels('会社売れ行きが悪い')).toEqual([]);
    expect(labels('会社売れる商品を作りたい')).toEqual([]);
  });

  it('is read from synonyms.yaml, validated like the rest', () => {
    expect(SynonymsFileSchema.safeParse({ intents: [{ says: ['借りたい'], unless: [''], means: ['融資'] }] }).success).toBe(false);
    expect(SynonymsFileSchema.safeParse({ intents: [{ says: ['借りたい'], unless: ['店舗を借り'], means: ['融資'] }] }).success).toBe(true);
  });

  it('on the bundled vocabulary: a shop or an office to rent, advice, goods to sell are not loans or succession', () => {
    for (const kind of ENGINE_KINDS) {
      const engine = engines[kind];
      for (const q of ['空き店舗を借りたい', '事務所を借りたい', '知恵を貸してほしい']) expect(engine.search(q).expandedWith, `${kind} ${q}`).not.toContain('融資');
      expect(engine.search('会社を売り込みたい').expandedWith, kind).not.toContain('事業承継');
      // A shop's closing time, or a closure for a while, is no closing down (review).
      for (const q of ['店を閉める時間を延ばしたい', '店閉める時間', '臨時休業で店を閉めた']) expect(engine.search(q).expandedWith, `${kind} ${q}`).not.toContain('事業承継');
      expect(engine.search('店を閉めたい').expandedWith, kind).toContain('事業承継');
      expect(engine.search('お金を借りたい').expandedWith, kind).toContain('融資');
    }
  });
});

// Issue 16: 始めたい said 開業 whatever was to be started: 輸出を始めたいけど何からやれば listed
// 創業塾 first. A phrase under `saysAlone` says its intent only when the question names nothing
// else staff listed (a group's word or another intent).
describe('intents said alone (saysAlone)', () => {
  const vocabulary = () =>
    vocabularyFromObject(
      {
        groups: [['輸出', '海外展開'], ['ec', 'ネットショップ']],
        intents: [
          { says: ['店を始め'], saysAlone: ['始めたい'], means: ['創業'] },
          { says: ['海外で売'], means: ['輸出'] },
        ],
      },
      analyzer,
    );
  const labels = (q: string) => vocabulary().intentsOf(q).means.map((m) => m.label);

  it('a question that names nothing else means the intent', () => {
    expect(labels('カフェを始めたい')).toEqual(['創業']);
  });

  it('a question naming a group’s word or saying another intent does not', () => {
    expect(labels('輸出を始めたい')).toEqual([]);
    expect(labels('ネットショップを始めたい')).toEqual([]);
    expect(labels('海外で売るのを始めたい')).toEqual(['輸出']);
  });

  it('a Latin word counts only whole (ec is not inside "check")', () => {
    expect(labels('checkを始めたい')).toEqual(['創業']);
    expect(labels('ECを始めたい')).toEqual([]);
  });

  it('the phrases under says are never held back', () => {
    expect(labels('輸出の店を始めたい')).toEqual(['創業']);
  });

  it.each(ENGINE_KINDS)('bundled catalog, %s: 輸出を始めたい answers with export programs, カフェを始めたい with start-up ones', (kind) => {
    const exportFirst = engines[kind].search('輸出を始めたいけど何からやれば', { limit: 3 }).hits.map((h) => `${h.program.name}${h.program.overview}`);
    expect(exportFirst[0]).toMatch(/輸出|海外|貿易/);
    expect(exportFirst.some((t) => /創業|起業/.test(t)), exportFirst.join('\n')).toBe(false);
    const cafe = engines[kind].search('カフェを始めたい', { limit: 3 });
    expect(cafe.expandedWith).toContain('創業');
  });
});

describe('the words a search also looked for, as shown (both engines, bundled catalog)', () => {
  it('are written as people write them: M&A, DX, IT導入, EC (seeds/synonyms.yaml; they showed as m&a, dx, it導入)', () => {
    for (const kind of ENGINE_KINDS) {
      expect(engines[kind].search('事業承継').expandedWith, kind).toContain('M&A');
      expect(engines[kind].search('IT化したい').expandedWith, kind).toEqual(expect.arrayContaining(['DX', 'IT導入']));
      expect(engines[kind].search('ネットで売りたい').expandedWith, kind).toContain('EC');
      for (const q of ['事業承継', 'IT化したい', 'ネットで売りたい']) {
        expect(engines[kind].search(q).expandedWith.filter((w) => /^[a-z]{2,4}(?:[^a-z]|$)/u.test(w) || w === 'm&a'), `${kind} ${q}`).toEqual([]);
      }
    }
  });
});
