/**
 * Query filters (機関: 重点: 予算: 目的: 相談: "phrase") on the bundled catalog: every form, what it
 * lets through (checked against the catalog itself, not the engine), and the message when it
 * cannot be read — after which the rest of the query still runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AgencyDirectory } from '../../src/catalog/agencies.js';
import { loadAgencies } from '../../src/catalog/load.js';
import { PURPOSES, type Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { ANALYZER_TIMEOUT, bundledEngines, bundledPaths, ENGINE_KINDS, ids, program, readableText, tinyEngines, type Engines } from './support.js';

let analyzer: Analyzer;
let engines: Engines;
let agencies: AgencyDirectory;
let catalog: readonly Program[];
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engines = await bundledEngines(analyzer);
  agencies = new AgencyDirectory(await loadAgencies(bundledPaths().agenciesFile));
  catalog = engines.kuromoji.programs;
}, ANALYZER_TIMEOUT);

/** Ids of the catalog's programs that satisfy `test`, in catalog order. */
const catalogIds = (test: (p: Program) => boolean) => catalog.filter(test).map((p) => p.id);
const kindOf = (p: Program) => agencies.resolve(p.agency)?.kind;
const sorted = (list: string[]) => [...list].sort();

describe.each(ENGINE_KINDS)('bundled catalog, %s engine', (kind) => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engines[kind];
  });

  describe('機関: (agency)', () => {
    it('機関:ジェトロ lists all 11 programs of ジェトロ鹿児島, in catalog order, and nothing else', () => {
      const r = engine.search('機関:ジェトロ');
      const jetro = catalogIds((p) => p.agency === 'ジェトロ鹿児島');
      expect(jetro).toHaveLength(11);
      expect(r.mode).toBe('filters');
      expect(r.errors).toEqual([]);
      expect(ids(r)).toEqual(jetro);
      expect(r.total).toBe(11);
    });

    it('any spelling of the body (JETRO, jetro, ＪＥＴＲＯ, full-width colon) gives the same list', () => {
      const jetro = ids(engine.search('機関:ジェトロ'));
      for (const q of ['機関:JETRO', '機関:jetro', '機関:ＪＥＴＲＯ', '機関：ジェトロ', '機関:ジェトロ鹿児島', '実施機関:ジェトロ']) {
        expect(ids(engine.search(q)), q).toEqual(jetro);
      }
    });

    it('a nickname: 機関:かしん lists the programs of 鹿児島信用金庫', () => {
      const r = engine.search('機関:かしん');
      expect(ids(r)).toEqual(catalogIds((p) => p.agency === '鹿児島信用金庫'));
      expect(r.hits.length).toBeGreaterThan(0);
    });

    it('a kind: 機関:商工会議所 lists every program of a 商工会議所', () => {
      const expected = catalogIds((p) => kindOf(p) === '商工会議所');
      expect(expected.length).toBeGreaterThan(10);
      expect(ids(engine.search('機関:商工会議所'))).toEqual(expected);
    });

    it('a kind: 機関:金融機関 lists every program of a bank or shinkin, from all three of them', () => {
      const r = engine.search('機関:金融機関');
      const expected = catalogIds((p) => kindOf(p) === '金融機関');
      expect(ids(r)).toEqual(expected);
      expect(new Set(r.hits.map((h) => h.program.agency))).toEqual(new Set(['鹿児島信用金庫', '鹿児島相互信用金庫', '鹿児島銀行']));
    });

    // KNOWN DEFECT: 商工会 is one of the kinds the error message offers, but the value is
    // matched as a substring of every spelling, and 「鹿児島商工会議所」 contains 「商工会」, so
    // 機関:商工会 returns the 27 programs of 鹿児島商工会議所 as well as the 10 of かごしま市商工会
    // (37 hits; observed first hits: 中小企業・小規模事業者ワンストップ総合支援事業 [かごしま市商工会],
    // 商工会議所ふるさと物産展 [鹿児島商工会議所], …).
    it('a kind: 機関:商工会 lists the programs of 商工会 only, not those of 商工会議所', () => {
      const expected = catalogIds((p) => kindOf(p) === '商工会');
      expect(expected.length).toBeGreaterThan(0);
      expect(ids(engine.search('機関:商工会'))).toEqual(expected);
    });

    it('an unknown body gives a message naming it and the accepted forms, and no hits', () => {
      const r = engine.search('機関:存在しない機関');
      expect(r.hits).toEqual([]);
      expect(r.mode).toBe('none');
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('「存在しない機関」');
      expect(r.errors[0]).toContain('機関:ジェトロ');
      expect(r.errors[0]).toContain('金融機関');
    });

    it('an unknown body with free words: the words still run', () => {
      const r = engine.search('機関:存在しない機関 ドローン');
      expect(r.errors).toHaveLength(1);
      expect(ids(r)).toEqual(ids(engine.search('ドローン')));
    });
  });

  describe('重点: (key project)', () => {
    it('重点:3, 重点:③, 重点:３ and 重点:海外 all list the programs of key project 3', () => {
      const expected = catalogIds((p) => p.keyProjects?.includes(3) ?? false);
      expect(expected.length).toBeGreaterThan(3);
      for (const q of ['重点:3', '重点:③', '重点:３', '重点:海外', '重点プロジェクト:3']) {
        const r = engine.search(q);
        expect(r.errors, q).toEqual([]);
        expect(ids(r), q).toEqual(expected);
      }
    });

    it('重点:若者 names project 4, 重点:生産性 project 2', () => {
      expect(ids(engine.search('重点:若者'))).toEqual(catalogIds((p) => p.keyProjects?.includes(4) ?? false));
      expect(ids(engine.search('重点:生産性'))).toEqual(catalogIds((p) => p.keyProjects?.includes(2) ?? false));
    });

    it('重点:5 gives a message naming the valid forms, and no hits', () => {
      const r = engine.search('重点:5');
      expect(r.hits).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('重点:5');
      expect(r.errors[0]).toContain('重点:1〜4');
      expect(r.errors[0]).toContain('重点:海外');
    });

    it('重点:5 with a free word: the word still runs', () => {
      const r = engine.search('重点:5 ドローン');
      expect(r.errors).toHaveLength(1);
      expect(ids(r)).toEqual(['p-3a0f629b1f']);
    });
  });

  describe('予算: (budget, catalog amounts in 千円)', () => {
    const cases: Array<{ q: string; min?: number; max?: number }> = [
      { q: '予算:1000万以上', min: 10_000 },
      { q: '予算:500万以下', max: 5_000 },
      { q: '予算:1億以上', min: 100_000 },
      { q: '予算:100万〜500万', min: 1_000, max: 5_000 },
      { q: '予算:100万~500万', min: 1_000, max: 5_000 },
      { q: '予算:100万～500万', min: 1_000, max: 5_000 }, // full-width tilde, as a Windows IME types it
      { q: '予算:１０００万以上', min: 10_000 },
      { q: '予算:1億未満', max: 99_999 },
      { q: '予算:300万超', min: 3_001 },
      { q: '予算:5000千円以上', min: 5_000 },
      { q: '予算:1千万円以上', min: 10_000 },
    ];
    for (const { q, min, max } of cases) {
      it(`${q}: every hit's budget is within the bound, and every program within it is listed`, () => {
        const r = engine.search(q);
        const within = (p: Program) => p.budgetThousandYen != null && (min === undefined || p.budgetThousandYen >= min) && (max === undefined || p.budgetThousandYen <= max);
        expect(r.errors).toEqual([]);
        expect(r.hits.length).toBeGreaterThan(0);
        for (const hit of r.hits) expect(within(hit.program), `${hit.program.name}: ${hit.program.budgetThousandYen}`).toBe(true);
        expect(ids(r)).toEqual(catalogIds(within));
      });
    }

    it('programs without a budget never match a budget filter', () => {
      const r = engine.search('予算:0円以上');
      expect(ids(r)).toEqual(catalogIds((p) => p.budgetThousandYen != null));
      expect(r.hits.length).toBeLessThan(catalog.length);
    });

    for (const bad of ['予算:たくさん', '予算:1000', '予算:1000以上', '予算:500万〜100万']) {
      it(`${bad} gives a message with the valid forms, and the rest of the query still runs`, () => {
        const alone = engine.search(bad);
        expect(alone.hits).toEqual([]);
        expect(alone.errors).toHaveLength(1);
        expect(alone.errors[0]).toContain(bad.replace('予算:', ''));
        expect(alone.errors[0]).toContain('予算:1000万以上');

        const withWord = engine.search(`${bad} 創業`);
        expect(withWord.errors).toEqual(alone.errors);
        expect(withWord.hits.length).toBeGreaterThan(0);
        expect(ids(withWord)).toEqual(ids(engine.search('創業')));
      });
    }

    it('予算: with no value says so', () => {
      const r = engine.search('予算: 創業');
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('値がありません');
      expect(ids(r)).toEqual(ids(engine.search('創業')));
    });
  });

  describe('目的: (purpose)', () => {
    it('目的:資金繰り lists every program with that purpose, and only those', () => {
      const r = engine.search('目的:資金繰り');
      expect(r.errors).toEqual([]);
      expect(r.hits.length).toBeGreaterThan(0);
      for (const hit of r.hits) expect(hit.program.purposes, hit.program.name).toContain('資金繰りを改善したい');
      expect(ids(r)).toEqual(catalogIds((p) => p.purposes?.includes('資金繰りを改善したい') ?? false));
    });

    it('a short name from synonyms.yaml (目的:承継) and the full category name work too', () => {
      const expected = catalogIds((p) => p.purposes?.includes('事業を引き継ぎたい') ?? false);
      expect(ids(engine.search('目的:承継'))).toEqual(expected);
      expect(ids(engine.search('目的:事業を引き継ぎたい'))).toEqual(expected);
    });

    it('目的:存在しない gives a message listing every category, and no hits', () => {
      const r = engine.search('目的:存在しない');
      expect(r.hits).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toContain('「存在しない」');
      for (const purpose of PURPOSES) expect(r.errors[0]).toContain(purpose);
    });
  });

  describe('相談: (相談の種類, the needs of seeds/needs.yaml)', () => {
    const tagged = (need: string) => catalogIds((p) => p.needs?.includes(need) ?? false);

    it('相談:運転資金を借りたい lists exactly the programs tagged with that need, in catalog order', () => {
      const r = engine.search('相談:運転資金を借りたい');
      expect(r.errors).toEqual([]);
      expect(r.mode).toBe('filters');
      expect(tagged('運転資金を借りたい')).toHaveLength(6);
      expect(ids(r)).toEqual(tagged('運転資金を借りたい'));
    });

    it('every need of needs.yaml, written as its list shows it (spaces left out), finds exactly its programs', () => {
      const taxonomy = engine.vocabulary.needs!.needs;
      expect(taxonomy).toHaveLength(70);
      for (const { name } of taxonomy) {
        const r = engine.search(`相談:${name.replace(/\s+/g, '')}`);
        expect(r.errors, name).toEqual([]);
        expect(ids(r), name).toEqual(tagged(name));
      }
    });

    it('a unique beginning or part of a name, any width, the long key and a spelling variant name the need too', () => {
      expect(ids(engine.search('相談:運転資金'))).toEqual(tagged('運転資金を借りたい'));
      for (const q of ['相談:M&A', '相談：ｍ＆ａ', '相談の種類:第三者に譲りたい']) expect(ids(engine.search(q)), q).toEqual(tagged('会社を第三者に譲りたい (M&A)'));
      // variants.yaml folds 子ども to 子供 in the query; the name is folded the same way.
      for (const q of ['相談:子どもや親族', '相談:子供や親族']) expect(ids(engine.search(q)), q).toEqual(tagged('子どもや親族に事業を継がせたい'));
    });

    it('with words: only the tagged programs that match them', () => {
      const r = engine.search('相談:海外に輸出したい 展示会');
      expect(r.hits.length).toBeGreaterThan(0);
      for (const id of ids(r)) expect(tagged('海外に輸出したい'), id).toContain(id);
    });

    it('a value that is part of several names lists the programs of any of them, and says which', () => {
      // Before: 0 件 and a message (the walk-through: 相談:海外, 相談:資金 told an advisor nothing).
      // Then names the value began were preferred, unsaid: オンラインで海外に売りたい was left out.
      const five = ['海外に輸出したい', '海外の商談会・見本市に出たい', '海外の市場を調べたい', '海外展開を専門家に相談したい', 'オンラインで海外に売りたい (越境EC)'];
      const r = engine.search('相談:海外');
      expect(ids(r).sort()).toEqual([...new Set(five.flatMap(tagged))].sort());
      expect(r.errors).toEqual([`相談「海外」は 5 件の相談の種類のいずれかとして絞り込みました: ${five.join(' / ')}。一つに絞るには、例えば 相談:海外に輸出したい と指定してください。`]);
      // 相談:輸出 was 輸出商社を通じて売りたい alone (3 件), since that name begins with 輸出.
      const exports = engine.search('相談:輸出');
      expect(ids(exports).sort()).toEqual([...new Set(['海外に輸出したい', '輸出商社を通じて売りたい'].flatMap(tagged))].sort());
      expect(exports.total).toBeGreaterThan(tagged('輸出商社を通じて売りたい').length);
      // With words: within them.
      const withWords = engine.search('相談:海外 展示会');
      expect(withWords.hits.length).toBeGreaterThan(0);
      for (const id of ids(withWords)) expect(five.some((n) => tagged(n).includes(id)), id).toBe(true);
    });

    it('a value typed in kana is read as the catalog writes it (相談:ゆしゅつ was 0 件 with no name offered)', () => {
      expect(ids(engine.search('相談:ゆしゅつ')).sort()).toEqual(ids(engine.search('相談:輸出')).sort());
      expect(ids(engine.search('相談:うんてんしきん'))).toEqual(tagged('運転資金を借りたい'));
    });

    it('a value that fits too many names (相談:たい) filters nothing and asks for a longer one', () => {
      const r = engine.search('相談:たい');
      expect(r.hits).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^相談「たい」に当たる相談の種類が \d+ 件あり、絞り込めません: .+ ほか \d+ 件。もっと長く \(例 相談:.+\) 指定してください。$/u);
    });

    it('an unknown value gets a message naming it and the closest needs, and how to see them all', () => {
      const r = engine.search('相談:運転資金を借りる');
      expect(r.hits).toEqual([]);
      expect(r.errors).toEqual([
        '相談「運転資金を借りる」に当たる相談の種類がありません。近いもの: 相談:運転資金を借りたい / 相談:創業資金を借りたい。相談の種類の一覧は「相談の種類」と入力すると表示します (コマンドラインでは shien needs)。',
      ]);
      const far = engine.search('相談:ぜんぜん違う');
      expect(far.errors).toEqual(['相談「ぜんぜん違う」に当たる相談の種類がありません。相談の種類の一覧は「相談の種類」と入力すると表示します (コマンドラインでは shien needs)。']);
    });
  });

  describe('"exact phrase"', () => {
    it('"事業承継": every hit contains the phrase, and every program containing it is listed', () => {
      const r = engine.search('"事業承継"');
      expect(r.errors).toEqual([]);
      expect(r.hits.length).toBeGreaterThan(3);
      for (const hit of r.hits) expect(readableText(hit.program), hit.program.name).toContain('事業承継');
      expect(sorted(ids(r))).toEqual(sorted(catalogIds((p) => readableText(p).includes('事業承継'))));
    });

    it('「事業承継」 and “事業承継” are phrases too', () => {
      const plain = ids(engine.search('"事業承継"'));
      expect(ids(engine.search('「事業承継」'))).toEqual(plain);
      expect(ids(engine.search('“事業承継”'))).toEqual(plain);
    });

    it('a phrase is narrower than its words: "生産性向上" only lists programs that say it as written', () => {
      const phrase = engine.search('"生産性向上"');
      expect(phrase.hits.length).toBeGreaterThan(0);
      for (const hit of phrase.hits) expect(readableText(hit.program)).toContain('生産性向上');
      expect(phrase.total).toBeLessThanOrEqual(engine.search('生産性向上').total);
    });

    // KNOWN DEFECT (engine.ts haystack): fields are joined and all whitespace removed, so a
    // phrase matches across the end of the name and the start of the agency. Observed:
    // search('"事業鹿児島商工会議所"') → 15 hits (鹿児島県事業承継・引継ぎ支援センター事業, …), and
    // search('"指導事業鹿児島"') → 金融指導事業, 商店街振興組合指導事業; neither text contains the phrase.
    it('a phrase does not match across the boundary of two fields', () => {
      for (const q of ['"事業鹿児島商工会議所"', '"指導事業鹿児島"']) {
        const r = engine.search(q);
        for (const hit of r.hits) expect(readableText(hit.program), `${q} → ${hit.program.name}`).toContain(q.replace(/"/g, ''));
      }
    });
  });

  describe('free words and filters together', () => {
    it('創業 機関:商工会議所 lists the 創業 hits of 商工会議所 programs, in the order 創業 ranks them', () => {
      const r = engine.search('創業 機関:商工会議所');
      const expected = engine.search('創業').hits.filter((h) => kindOf(h.program) === '商工会議所').map((h) => h.program.id);
      expect(expected.length).toBeGreaterThan(1);
      expect(ids(r)).toEqual(expected);
      expect(r.mode).toBe('all');
    });

    it('輸出 予算:1000万以上 lists the 輸出 hits with such a budget, in the same order', () => {
      const r = engine.search('輸出 予算:1000万以上');
      const expected = engine.search('輸出').hits.filter((h) => (h.program.budgetThousandYen ?? -1) >= 10_000).map((h) => h.program.id);
      expect(expected.length).toBeGreaterThan(1);
      expect(ids(r)).toEqual(expected);
    });

    it('filters combine with AND: 機関:ジェトロ 目的:雇用 is the one JETRO program about employment', () => {
      const r = engine.search('機関:ジェトロ 目的:雇用');
      expect(ids(r)).toEqual(catalogIds((p) => p.agency === 'ジェトロ鹿児島' && (p.purposes?.includes('雇用・職場環境を改善したい') ?? false)));
      expect(r.hits).toHaveLength(1);
    });

    it('filters that nothing satisfies give no hits and no error (機関:ジェトロ 予算:1億以上)', () => {
      const r = engine.search('機関:ジェトロ 予算:1億以上');
      expect(r.hits).toEqual([]);
      expect(r.mode).toBe('none');
      expect(r.errors).toEqual([]);
    });
  });
});

describe('予算: amounts in 円 (hand-made catalog)', () => {
  it('予算:1500円以上 / 以下 compare in yen: 2,000円 is above, 1,000円 below', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('one', '小さな講座', { budgetThousandYen: 1 }),
      program('two', '小さな相談会', { budgetThousandYen: 2 }),
    ]);
    for (const kind of ENGINE_KINDS) {
      expect(ids(tiny[kind].search('予算:1500円以上')), kind).toEqual(['two']);
      expect(ids(tiny[kind].search('予算:1500円以下')), kind).toEqual(['one']);
    }
  });

  // KNOWN DEFECT (query.ts parseBudget): 超 and 未満 add/subtract 1 千円, which is right only
  // for whole thousands. 予算:1500円超 becomes {min: 2.5} and drops a 2千円 (2,000円) budget;
  // 予算:1500円未満 becomes {max: 0.5} and drops a 1千円 (1,000円) budget.
  it('予算:1500円超 includes a budget of 2,000円, and 予算:1500円未満 one of 1,000円', async () => {
    const tiny = await tinyEngines(analyzer, [
      program('one', '小さな講座', { budgetThousandYen: 1 }),
      program('two', '小さな相談会', { budgetThousandYen: 2 }),
    ]);
    expect(ids(tiny.kuromoji.search('予算:1500円超'))).toEqual(['two']);
    expect(ids(tiny.kuromoji.search('予算:1500円未満'))).toEqual(['one']);
  });
});
