/**
 * 相談例 (consultations): how a client would put a program's need, stored in the catalog and
 * searched as their own field; and a sentence's words fill a page when few programs have all.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProgramSchema } from '../../src/catalog/schema.js';
import { responseJson } from '../../src/cli/search.js';
import { renderResponseText } from '../../src/render/text.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids, program, tinyEngines } from './support.js';

let analyzer: Analyzer;
let bundled: Engines;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  bundled = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

describe('the consultations field', () => {
  it('is validated: at most 20, each at most 80 characters, none blank', () => {
    const base = { name: '相談窓口', agency: 'テスト機関' };
    expect(ProgramSchema.safeParse({ ...base, consultations: ['返済が苦しい'] }).success).toBe(true);
    expect(ProgramSchema.safeParse({ ...base, consultations: ['あ'.repeat(81)] }).success).toBe(false);
    expect(ProgramSchema.safeParse({ ...base, consultations: Array(20).fill('返済が苦しい') }).success).toBe(true);
    expect(ProgramSchema.safeParse({ ...base, consultations: Array(21).fill('返済が苦しい') }).success).toBe(false);
    expect(ProgramSchema.safeParse({ ...base, consultations: [' '] }).success).toBe(false);
  });

  it('every program of the bundled catalog has some', () => {
    for (const p of bundled.kuromoji.programs) expect(p.consultations?.length, p.name).toBeGreaterThan(0);
  });

  it('a question in a client’s words finds the program whose consultations say it (both engines)', async () => {
    const programs = [
      program('antei', '経営安定特別相談事業', { overview: '資金繰り等に悩む事業者に助言する。', consultations: ['売上が減って借金の返済が苦しい'] }),
      program('other', '経営セミナー', { overview: '経営の講座を開く。' }),
    ];
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) expect(ids(e[kind].search('返済が苦しい')), kind).toEqual(['antei']);
    const without = await tinyEngines(analyzer, programs.map((p) => ({ ...p, consultations: undefined })));
    for (const kind of ENGINE_KINDS) expect(ids(without[kind].search('返済が苦しい')), kind).toEqual([]);
  });
});

describe('the 相談例 a hit shows (both engines)', () => {
  const programs = [
    program('antei', '経営安定特別相談事業', { overview: '資金繰り等に悩む事業者に助言する。', consultations: ['新しい店を出したい', '売上が減って借金の返済が苦しい', '返済の相談をしたい'] }),
    program('seminar', '経営セミナー', { overview: '経営の講座を開く。売上と返済の話もする。', consultations: ['経営を学びたい'] }),
  ];

  it('is the one that says most of the question, on the engine’s hit, the console and --json', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('売上が減って返済が苦しい');
      const antei = r.hits.find((h) => h.program.id === 'antei');
      expect(antei?.consultation, kind).toBe('売上が減って借金の返済が苦しい');
      // Found by its overview's words, with no 相談例 saying half the question: none shown.
      const seminar = r.hits.find((h) => h.program.id === 'seminar');
      expect(seminar, kind).toBeDefined();
      expect(seminar?.consultation, kind).toBeUndefined();
      expect(renderResponseText(r, 5), kind).toContain('検索に使った相談例: 「売上が減って借金の返済が苦しい」');
      expect(responseJson(r, 5).results.find((x) => x.id === 'antei')?.consultation, kind).toBe('売上が減って借金の返済が苦しい');
      // Words typed apart are not a client's sentence: no 相談例.
      expect(e[kind].search('返済').hits.every((h) => h.consultation === undefined), kind).toBe(true);
    }
  });
});

describe('a client’s word typed alone (both engines)', () => {
  // お金 is in no program's name or overview, only in 相談例: お金がない listed サテライト・ゼミ
  // (人材育成) first, on one 相談例 saying お金, and the loan programs after it.
  it('is read as a client’s question: the purpose its 相談例 lean to ranks first', () => {
    for (const kind of ENGINE_KINDS) {
      const r = bundled[kind].search('お金がない', { limit: 5 });
      expect(r.hits.length, kind).toBe(5);
      expect(r.hits.slice(0, 3).map((h) => h.program.purposes ?? []), kind).toEqual(Array(3).fill(expect.arrayContaining(['資金繰りを改善したい'])));
    }
  });

  it('leaves a word the programs themselves say as it was: a keyword, not a client’s question', () => {
    for (const kind of ENGINE_KINDS) {
      const r = bundled[kind].search('創業', { limit: 10 });
      expect(r.hits.every((h) => h.consultation === undefined && h.byCategory === undefined), kind).toBe(true);
      expect(r.categoryRead, kind).toBeUndefined();
    }
  });
});

describe('a sentence fills the page (both engines)', () => {
  const programs = [
    program('a', '補助金申請支援', { overview: '補助金の申請を手伝う。' }),
    program('b', '補助金情報', { overview: '補助金の情報を載せる。' }),
    program('c', '申請窓口', { overview: '各種の申請に応じる。' }),
    program('d', '物産展', { overview: '県産品を売る。' }),
  ];

  it('programs with every word first, then those with some, and the answer says how many had all', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('補助金の申請を手伝ってほしい');
      expect(ids(r)[0], kind).toBe('a');
      expect([...ids(r)].sort(), kind).toEqual(['a', 'b', 'c']);
    }
    // As served, the lexicon does not know 手伝って (conjugated verbs are kuromoji's), so only
    // kuromoji reads all three words here.
    expect(e.kuromoji.search('補助金の申請を手伝ってほしい').allCount).toBe(1);
  });

  it('words typed apart are all required, as asked', async () => {
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('補助金 申請 手伝う');
      expect(ids(r), kind).toEqual(['a']);
      expect(r.allCount, kind).toBeUndefined();
    }
  });
});

describe('ConsultationMatcher: the closest 相談例 of each program', () => {
  it('rewards one example that says most of the question over words spread across examples', async () => {
    const { ConsultationMatcher } = await import('../../src/search/consultation-match.js');
    const words = (text: string) => text.split(' ');
    const programs = [
      { id: 'one', consultations: ['売上 減る 返済 苦しい'] },
      { id: 'spread', consultations: ['売上 伸ばす', '返済 相談', '苦しい 経営'] },
      { id: 'none', consultations: ['海外 売る'] },
    ];
    const m = new ConsultationMatcher(programs, words);
    // Programs are named by their position among those given (the catalog's order in the engine).
    const at = (id: string) => programs.findIndex((p) => p.id === id);
    const q = [new Set(['売上']), new Set(['返済']), new Set(['苦しい'])];
    const scores = m.match(q, 10);
    expect(scores.get(at('one'))?.score).toBe(10);
    expect(scores.has(at('spread'))).toBe(false); // its best example says one word of three
    expect(scores.has(at('none'))).toBe(false);
    // A synonym of a question word counts as it.
    expect(m.match([new Set(['売上']), new Set(['借金', '返済'])], 10).get(at('one'))?.score).toBe(10);
    // One word is no question.
    expect(m.match([new Set(['売上'])], 10).size).toBe(0);
  });

  it('finds through each word’s examples what trying every example of every program found (issue 13)', async () => {
    const { ConsultationMatcher } = await import('../../src/search/consultation-match.js');
    /** The matcher as it was: every example of every program, each word's forms tried in order. */
    function reference(programs: Array<{ consultations?: string[] }>, question: Array<Set<string>>, score: number, minCover = 0.5) {
      const examples = programs.map((p) => (p.consultations ?? []).map((c) => new Set(c.split(' '))));
      const frequency = new Map<string, number>();
      let count = 0;
      for (const sets of examples) for (const set of sets) {
        count++;
        for (const w of set) frequency.set(w, (frequency.get(w) ?? 0) + 1);
      }
      const weight = (w: string) => Math.log(1 + count / (1 + (frequency.get(w) ?? 0)));
      const out: Array<[number, number, string[], number]> = [];
      if (question.length < 2) return out;
      const weights = question.map((forms) => Math.max(...[...forms].map(weight)));
      const total = weights.reduce((a, b) => a + b, 0);
      examples.forEach((sets, doc) => {
        let best = 0;
        let bestTerms: string[] = [];
        let bestAt = -1;
        for (const [at, set] of sets.entries()) {
          let covered = 0;
          const terms: string[] = [];
          question.forEach((forms, i) => {
            const hit = [...forms].find((f) => set.has(f));
            if (hit) {
              covered += weights[i]!;
              terms.push(hit);
            }
          });
          if (covered > best) {
            best = covered;
            bestTerms = terms;
            bestAt = at;
          }
        }
        const cover = best / total;
        if (sets.length && cover >= minCover) out.push([doc, cover * cover * score, [...new Set(bestTerms)], bestAt]);
      });
      return out;
    }
    const word = fc.constantFrom('売上', '返済', '苦しい', '海外', '売る', '人材', '採用', '資金');
    const example = fc.array(word, { minLength: 1, maxLength: 5 }).map((ws) => ws.join(' '));
    const programs = fc.array(fc.record({ consultations: fc.option(fc.array(example, { maxLength: 4 }), { nil: undefined }) }), { maxLength: 12 });
    const question = fc.array(fc.uniqueArray(word, { minLength: 1, maxLength: 3 }).map((forms) => new Set(forms)), { maxLength: 4 });
    fc.assert(
      fc.property(programs, question, fc.double({ min: 0.01, max: 1, noNaN: true }), (ps, q, minCover) => {
        const m = new ConsultationMatcher(ps, (text) => text.split(' '));
        const got = [...m.match(q, 20, minCover).entries()].map(([doc, s]) => [doc, s.score, [...s.terms]]);
        const want = reference(ps, q, 20, minCover);
        expect(got).toEqual(want.map(([doc, score, terms]) => [doc, score, terms]));
        // The example a card shows (closest) is the one that gave the program its score, and a
        // program not listed shows none.
        const listed = new Map(want.map(([doc, , , at]) => [doc, at]));
        if (q.length >= 2) ps.forEach((_, doc) => expect(m.closest(doc, q, minCover), `doc ${doc}`).toBe(listed.get(doc)));
        // At 0 every program with an example would be listed, saying the question or not: refused.
        expect(() => m.match(q, 20, 0)).toThrow(RangeError);
      }),
      { numRuns: 500 },
    );
  });
});
