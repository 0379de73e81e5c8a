/**
 * The purpose model (src/search/purpose-model.ts): which purpose a question's words lean to,
 * from the 相談例 pooled by purpose, and the programs of that purpose it brings to the answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProgramSchema } from '../../src/catalog/schema.js';
import { loadPaths } from '../../src/config.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { readSources } from '../../src/search/load.js';
import { SearchEngine } from '../../src/search/engine.js';
import { PurposeModel } from '../../src/search/purpose-model.js';
import { describeStep } from '../../src/search/fallback.js';
import { responseJson } from '../../src/cli/search.js';
import { renderResponseText } from '../../src/render/text.js';
import { CATEGORY_FILL, categoryFill } from '../../src/search/client-words.js';
import { constantScores, ScoresBuilder } from '../../src/search/scores.js';
import { MessageSchema } from '../../src/slack/blocks.js';
import { renderResults } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, ENGINE_KINDS, ids, program, tinyEngines, tinyInput, exampleSource } from './support.js';

/** Examples as word lists, each with its program. */
const source = exampleSource;
const q = (...words: string[]) => words.map((w) => new Set([w]));

describe('PurposeModel', () => {
  // Programs 0–3 are about sales (4 programs, many examples), program 4 about cash flow.
  const purposes = ['販路拡大・海外展開をしたい', '販路拡大・海外展開をしたい', '販路拡大・海外展開をしたい', '販路拡大・海外展開をしたい', '資金繰りを改善したい'];
  const model = PurposeModel.build(
    source([
      { doc: 0, words: ['物産展', '売る'] },
      { doc: 1, words: ['海外', '売る'] },
      { doc: 2, words: ['商談会', '売る'] },
      { doc: 3, words: ['通販', '売る', '口座'] },
      { doc: 4, words: ['口座', '給料'] },
      { doc: 4, words: ['返済', '苦しい'] },
    ]),
    (doc) => [purposes[doc]!],
  );

  it('reads the purpose whose examples say the question’s words', () => {
    expect(model.likeliest(q('給料', '口座'), 0.5)?.purpose).toBe('資金繰りを改善したい');
    expect(model.likeliest(q('物産展', '売る'), 0.5)?.purpose).toBe('販路拡大・海外展開をしたい');
  });

  it('does not favour a purpose for having more programs: a word both say equally is a tie', () => {
    // 口座 is said by one example of each purpose; the sales purpose has four times the programs.
    const post = model.posterior(q('口座'))!;
    const sales = post[model.purposes.indexOf('販路拡大・海外展開をしたい')]!;
    const cash = post[model.purposes.indexOf('資金繰りを改善したい')]!;
    // Each purpose's words are smoothed over its own total: the smaller purpose (fewer words) leans more.
    expect(cash).toBeGreaterThan(sales);
  });

  it('leaves out words no example says, and reads nothing from a question of only such words', () => {
    expect(model.posterior(q('宇宙', '衛星'))).toBeUndefined();
    expect(model.likeliest(q('宇宙', '給料'), 0.5)?.purpose).toBe('資金繰りを改善したい');
  });

  it('a second form of a word stands for it when the first is said by none', () => {
    expect(model.likeliest([new Set(['サラリー', '給料'])], 0.5)?.purpose).toBe('資金繰りを改善したい');
  });

  it('reads nothing below the minimum', () => {
    expect(model.likeliest(q('口座'), 0.99)).toBeUndefined();
  });

  it('a program of two purposes counts half for each', () => {
    const two = PurposeModel.build(source([{ doc: 0, words: ['承継'] }]), () => ['事業を引き継ぎたい', '経営改善・経営相談をしたい']);
    const post = two.posterior(q('承継'))!;
    expect(post[0]).toBeCloseTo(0.5);
    expect(post[1]).toBeCloseTo(0.5);
  });
});

describe('the purpose a question leans to, in the answer (both engines)', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await loadAnalyzer();
  }, ANALYZER_TIMEOUT);

  // 融資制度 answers the question but says none of its words; its sibling's 相談例 say them.
  const programs = [
    program('soudan', '経営安定相談', { overview: '資金繰りに悩む事業者に助言する。', purposes: ['資金繰りを改善したい'], consultations: ['給料日前に口座のお金が足りない', '給料が払えるか心配'] }),
    program('yushi', '融資制度', { overview: '運転資金を低利で融資する。', purposes: ['資金繰りを改善したい'], consultations: ['運転資金を借りたい', '返済を先に延ばしたい'] }),
    program('fair', '物産展', { overview: '県産品を百貨店で売る。', purposes: ['販路拡大・海外展開をしたい'], consultations: ['百貨店で商品を売りたい', '催事に出たい'] }),
  ];

  it('brings in the purpose’s programs that say nothing of the question, and says so', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('給料日前に口座が空っぽ');
      expect(ids(r), kind).toEqual(['soudan', 'yushi']);
      expect(r.categoryRead, kind).toBe('資金繰りを改善したい');
      // The program the purpose alone brought says so; the one its words found does not.
      expect(r.hits.map((h) => h.byCategory), kind).toEqual([undefined, '資金繰りを改善したい']);
      // Alone, or after the count of programs with every word (the served lexicon splits 空っぽ apart).
      expect(describeStep(r), kind).toMatch(r.allCount === undefined ? /^ご相談の言葉から「資金繰りを改善したい」に当たる事業も含めています$/ : /^すべての語を含む事業は 1 件です。その後にいずれかの語を含む事業と、ご相談の言葉から「資金繰りを改善したい」に当たる事業を表示します$/);
      const json = responseJson(r, 5);
      expect(json.categoryRead, kind).toBe('資金繰りを改善したい');
      expect(json.results.map((x) => x.byCategory), kind).toEqual([undefined, '資金繰りを改善したい']);
      expect(renderResponseText(r, 5), kind).toContain('ご相談の言葉から「資金繰りを改善したい」に当たる事業として表示');
      const slack = JSON.stringify(renderResults(r));
      expect(slack, kind).toContain('ご相談の言葉から「資金繰りを改善したい」に当たる事業として表示');
      expect(MessageSchema.safeParse(renderResults(r)).success, kind).toBe(true);
    }
  });

  it('without it (purposeModelScore 0) only the program whose words match is found', async () => {
    const off = await SearchEngine.build({ ...tinyInput(analyzer, programs), options: { purposeModelScore: 0 } });
    const r = off.search('給料日前に口座が空っぽ');
    expect(ids(r)).toEqual(['soudan']);
    expect(r.categoryRead).toBeUndefined();
  });

  it('says nothing when the purpose added no program the words had not found', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      // 給料 finds one program of the purpose, 返済 the other.
      const r = e[kind].search('給料と返済が心配');
      expect([...ids(r)].sort(), kind).toEqual(['soudan', 'yushi']);
      expect(r.categoryRead, kind).toBeUndefined();
    }
  });

  it('adds no more than two pages’ worth, and says nothing on a page that shows none of them', async () => {
    // One program the words find, twelve of the same purpose that say nothing of the question.
    const many = [
      programs[0]!,
      ...Array.from({ length: 12 }, (_, i) => program(`fund${i}`, `資金制度${i}`, { overview: '運転資金を融資する。', purposes: ['資金繰りを改善したい'], consultations: ['運転資金を借りたい'] })),
    ];
    const e = await tinyEngines(analyzer, many);
    for (const kind of ENGINE_KINDS) {
      const first = e[kind].search('給料日前に口座が空っぽ', { limit: 5 });
      expect(first.total, kind).toBe(CATEGORY_FILL);
      expect(first.categoryRead, kind).toBe('資金繰りを改善したい');
      const third = e[kind].search('給料日前に口座が空っぽ', { offset: 5, limit: 5 });
      expect(third.hits.every((h) => h.byCategory), kind).toBe(true);
      expect(e[kind].search('給料日前に口座が空っぽ', { offset: 10, limit: 5 }).hits, kind).toEqual([]);
    }
  });

  it('a word typed alone is not read for a purpose (keyword search stays as typed)', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('給料')), kind).toEqual(['soudan']);
  });
});

describe('categoryFill', () => {
  const list = (pairs: Array<[number, number]>) => {
    const b = new ScoresBuilder(pairs.length);
    for (const [doc, score] of pairs) b.add(doc, score);
    return b.build({ kind: 'same', terms: new Set() });
  };
  // Made in each test: lists live in the memory of one query (scores.ts), and the engine tests reuse it.
  const categoryOnly = () => constantScores(Int32Array.from([10, 11, 12, 13]), 3, new Set());

  it('keeps what fits in the first pages after the programs that outrank them, in catalog order', () => {
    // Two found programs score above 3, one below: two places of four are taken.
    const found = list([[0, 9], [1, 5], [2, 1]]);
    expect([...categoryFill(found, categoryOnly(), () => false, 4).docs]).toEqual([10, 11]);
    expect([...categoryFill(found, categoryOnly(), () => false, 10).docs]).toEqual([10, 11, 12, 13]);
  });

  it('a found program with every word or more words as written outranks them whatever its score', () => {
    const found = list([[0, 1], [1, 1], [2, 1]]);
    expect([...categoryFill(found, categoryOnly(), () => false, 4).docs]).toEqual([10, 11, 12, 13]);
    expect([...categoryFill(found, categoryOnly(), (doc) => doc < 2, 4).docs]).toEqual([10, 11]);
    expect(categoryFill(found, categoryOnly(), () => true, 3).size).toBe(0);
  });
});

describe('categoryFill with a need and a purpose (two scores)', () => {
  it('ranks the higher score first and fills what is left with the lower', () => {
    const b = new ScoresBuilder(3);
    for (const [doc, score] of [[20, 7], [21, 2], [22, 6]] as const) b.add(doc, score);
    const found = b.build({ kind: 'same', terms: new Set() });
    const both = new ScoresBuilder(4);
    for (const [doc, score] of [[1, 3], [2, 8], [3, 3], [4, 8]] as const) both.add(doc, score);
    const only = both.build({ kind: 'same', terms: new Set() });
    // 8s come before every found program; the 3s after two of them (7 and 6): five places.
    expect([...categoryFill(found, only, () => false, 5).docs]).toEqual([1, 2, 4]);
    expect([...categoryFill(found, only, () => false, 2).docs]).toEqual([2, 4]);
  });
});

describe('the finer needs (相談の種類)', () => {
  let analyzer: Analyzer;
  beforeAll(async () => {
    analyzer = await loadAnalyzer();
  }, ANALYZER_TIMEOUT);

  it('are validated: at most 10 per program, each at most 30 characters, none blank', () => {
    const base = { name: '相談窓口', agency: 'テスト機関' };
    expect(ProgramSchema.safeParse({ ...base, needs: ['運転資金を借りたい'] }).success).toBe(true);
    expect(ProgramSchema.safeParse({ ...base, needs: ['あ'.repeat(31)] }).success).toBe(false);
    expect(ProgramSchema.safeParse({ ...base, needs: Array(11).fill('運転資金を借りたい') }).success).toBe(false);
    expect(ProgramSchema.safeParse({ ...base, needs: [' '] }).success).toBe(false);
  });

  it('every program of the bundled catalog has one', async () => {
    const { programs } = await readSources(loadPaths({}));
    for (const p of programs) expect(p.needs?.length, p.name).toBeGreaterThan(0);
  });

  // Three programs of one purpose, two needs: the question's words lean to the loan need.
  const programs = [
    program('soudan', '経営安定相談', { overview: '資金繰りに悩む事業者に助言する。', purposes: ['資金繰りを改善したい'], needs: ['運転資金を借りたい'], consultations: ['給料日前に口座のお金が足りない', '給料が払えるか心配'] }),
    program('yushi', '融資制度', { overview: '運転資金を低利で融資する。', purposes: ['資金繰りを改善したい'], needs: ['運転資金を借りたい'], consultations: ['運転資金を借りたい'] }),
    program('saisei', '再生支援', { overview: '返済条件の見直しを支援する。', purposes: ['資金繰りを改善したい'], needs: ['返済を見直したい'], consultations: ['返済を先に延ばしたい', '借入の条件を変えたい'] }),
  ];

  it('bring the programs of the need the question leans to before the rest of its purpose, and say the need', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('給料日前に口座が空っぽ');
      expect(ids(r), kind).toEqual(['soudan', 'yushi', 'saisei']);
      expect(r.hits.map((h) => h.byCategory), kind).toEqual([undefined, '運転資金を借りたい', '資金繰りを改善したい']);
      expect(r.categoryRead, kind).toBe('運転資金を借りたい');
    }
    const off = await SearchEngine.build({ ...tinyInput(analyzer, programs), options: { needModelScore: 0 } });
    // Without them the purpose brings both others alike, in catalog order.
    expect(off.search('給料日前に口座が空っぽ').hits.map((h) => h.byCategory)).toEqual([undefined, '資金繰りを改善したい', '資金繰りを改善したい']);
  });
});
