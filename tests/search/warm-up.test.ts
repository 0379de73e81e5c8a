/**
 * The serving process's warm-up (src/search/warm-up.ts): questions made from the catalog and
 * vocabulary that take every path a question can take, asked one per turn of the event loop,
 * within their bounds, and without changing any answer (the per-query memory of scores.ts is
 * reused from one question to the next, warm-up questions included).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import type { SearchEngine, SearchResponse } from '../../src/search/engine.js';
import { readSources } from '../../src/search/load.js';
import { startWarmUp, warmUp, warmUpQuestions, WARM_UP_MS, WARM_UP_QUESTIONS, type WarmUpResult } from '../../src/search/warm-up.js';
import { ANALYZER_TIMEOUT, bundledEngines, bundledPaths, servedFrom, type Engines } from './support.js';

let engines: Engines;
beforeAll(async () => {
  engines = await bundledEngines(await loadAnalyzer());
}, ANALYZER_TIMEOUT);

/** Everything a user is shown of an answer, in order. */
const seen = (r: SearchResponse) => ({
  total: r.total,
  mode: r.mode,
  step: r.step,
  errors: r.errors,
  notFound: r.notFound,
  usedInstead: r.usedInstead,
  expandedWith: r.expandedWith,
  suggestions: r.suggestions,
  hits: r.hits.map((h) => [h.program.id, h.program.name, h.score, h.terms, h.snippet]),
});

// First in this file: the answers asked cold must come before any other question of the file.
// (A leak of the per-query memory piles up: after hundreds of questions every answer may be
// equally wrong, and then cold and warm answers would agree.)
describe('answers are the same with and without a warm-up before them', () => {
  // Hand-written questions of every kind (not the evaluation sets), and the warm-up's own first ones.
  const HAND_WRITTEN = ['お金を借りたい', '機関:商工会議所 セミナー', '"事業承継"', '海外に売りたい', '創業 補助金', 'IT化したい', 'そうぎょう', '目的:資金繰り', 'クワガタの飼育', 'ドローソ'];

  it('both engines: each question asked cold (before any warm-up) and again right after a warm-up', async () => {
    const sources = await readSources(bundledPaths());
    // The served engine: a second one from the same index, never warmed up, answers cold.
    // The kuromoji engine (slow to build twice): its own answers before its first warm-up.
    const cases = [
      { kind: 'served', engine: engines.served, cold: await servedFrom(engines.kuromoji, sources) },
      { kind: 'kuromoji', engine: engines.kuromoji, cold: engines.kuromoji },
    ];
    const questions = [...HAND_WRITTEN, ...warmUpQuestions(engines.served).filter((q) => !q.similarTo).slice(0, 25).map((q) => q.text)];
    const before = cases.map(({ cold }) => questions.map((q) => seen(cold.search(q, { limit: 5 }))));
    for (const [c, { kind, engine }] of cases.entries()) {
      for (const [i, q] of questions.entries()) {
        // A warm-up of another length each time, so that another warm-up question came last.
        await warmUp(engine, { maxQuestions: 10 + i });
        expect(seen(engine.search(q, { limit: 5 })), `${kind}: ${q}`).toEqual(before[c]![i]);
      }
      // And a whole default warm-up, then every question again.
      await warmUp(engine);
      expect(questions.map((q) => seen(engine.search(q, { limit: 5 }))), kind).toEqual(before[c]);
    }
  }, ANALYZER_TIMEOUT);
});

describe('the warm-up questions', () => {
  it('are made from the catalog and vocabulary, the same each time, and take every path a question can take', () => {
    const engine = engines.served;
    const questions = warmUpQuestions(engine);
    expect(questions).toEqual(warmUpQuestions(engine));
    expect(questions.length).toBeGreaterThan(100);
    const answers = questions.filter((q) => !q.similarTo).map((q) => engine.search(q.text, { limit: 5, ...(q.offset ? { offset: q.offset } : {}) }));
    const steps = new Set(answers.map((r) => `${r.mode}/${r.step ?? '-'}`));
    // Every word found; the question's meaning (an intent); any word; words near a misspelt one;
    // filters alone; nothing (answered with suggestions).
    for (const step of ['all/all', 'all/intent', 'any/any', 'all/nearby', 'filters/-', 'none/-']) expect(steps, step).toContain(step);
    expect(answers.some((r) => r.mode === 'none' && r.suggestions)).toBe(true);
    const parsed = answers.map((r) => r.parsed);
    expect(parsed.some((p) => p.phrases.length > 0)).toBe(true);
    expect(parsed.some((p) => p.agencies.length > 0)).toBe(true);
    expect(parsed.some((p) => p.purposes.length > 0)).toBe(true);
    expect(parsed.some((p) => p.budgets.length > 0)).toBe(true);
    expect(parsed.some((p) => p.keyProjects.length > 0)).toBe(true);
    expect(parsed.some((p) => p.period?.accepting && p.period.deadlineWithinDays !== undefined)).toBe(true);
    // Kana questions (a reading staff listed, readings run together), a 相談例 of the catalog, the next page, 似た事業.
    expect(questions.some((q) => /^[ぁ-ゖー]+$/.test(q.text))).toBe(true);
    const consultations = new Set(engine.programs.flatMap((p) => p.consultations ?? []));
    expect(questions.some((q) => consultations.has(q.text))).toBe(true);
    expect(questions.some((q) => q.offset === 5)).toBe(true);
    expect(questions.filter((q) => q.similarTo).every((q) => engine.get(q.similarTo!))).toBe(true);
    expect(questions.some((q) => q.similarTo)).toBe(true);
    // Every intent, by its first phrase: its list is kept once made (intent-lists.ts).
    const said = new Set(questions.filter((q) => q.kind === 'every intent').map((q) => q.text));
    expect([...said].sort()).toEqual([...new Set(engine.vocabulary.source.intents.map((i) => i.says[0]))].sort());
    // The kinds that cost much in a large catalog come once, last (a time limit leaves them out there).
    expect(questions.slice(-2).map((q) => q.kind)).toEqual(['period', '似た事業']);
    expect(questions.filter((q) => q.kind === 'period' || q.similarTo)).toHaveLength(2);
  });

  it('an empty catalog gives none, and a warm-up of it asks nothing', async () => {
    const empty = { programs: [], agencies: engines.served.agencies, vocabulary: engines.served.vocabulary };
    expect(warmUpQuestions(empty)).toEqual([]);
  });
});

describe('warmUp', () => {
  it('asks no more than its number of questions, the list again from its start', async () => {
    const engine = engines.served;
    const search = vi.spyOn(engine, 'search');
    const similar = vi.spyOn(engine, 'similar');
    try {
      const made = warmUpQuestions(engine).length;
      const result = await warmUp(engine, { maxQuestions: made + 3 });
      expect(result).toMatchObject({ questions: made + 3, made, ended: 'done' });
      expect(search.mock.calls.length + similar.mock.calls.length).toBe(made + 3);
      expect(search.mock.calls.every(([, options]) => options?.limit === 5)).toBe(true);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('stops at its time limit (a clock that moves 10 ms a question)', async () => {
    let t = 0;
    const result = await warmUp(engines.served, { maxMs: 100, now: () => (t += 10) });
    expect(result.ended).toBe('time');
    expect(result.longestMs).toBe(10); // one tick of that clock per question
    expect(result.questions).toBeLessThan(10);
    expect(result.questions).toBeGreaterThan(0);
  });

  it('is bounded by default: at most 1000 questions, and 2 s', async () => {
    expect([WARM_UP_QUESTIONS, WARM_UP_MS]).toEqual([1000, 2000]);
    // A clock that stands still: the count ends it.
    expect(await warmUp(engines.served, { now: () => 0 })).toMatchObject({ questions: WARM_UP_QUESTIONS, ended: 'done' });
    // A clock that moves 1 ms a reading (3 readings a question): 2 s end it first.
    let t = 0;
    const timed = await warmUp(engines.served, { now: () => t++ });
    expect(timed.ended).toBe('time');
    expect(timed.questions).toBe(Math.ceil((WARM_UP_MS - 1) / 3));
  });

  it('asks one question per turn of the event loop: something waiting goes after at most one of them', async () => {
    const engine = engines.served;
    let asked = 0;
    const search = vi.spyOn(engine, 'search').mockImplementation(() => {
      asked++;
      return { query: '', shortened: false, parsed: { words: [], phrases: [], agencies: [], keyProjects: [], budgets: [], purposes: [], needs: [], errors: [] }, hits: [], total: 0, mode: 'empty', errors: [], expandedWith: [] };
    });
    vi.spyOn(engine, 'similar').mockImplementation(() => (asked++, []));
    try {
      const running = warmUp(engine, { maxQuestions: 20 });
      // Something queued while it runs (as a request read in the same turn of the loop would be):
      // each time, it runs after at most one more warm-up question.
      const seenAt: number[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        seenAt.push(asked);
      }
      await running;
      // Each turn let at most one warm-up question in before what was waiting.
      seenAt.forEach((n, i) => expect(n - (seenAt[i - 1] ?? 0), `turn ${i}`).toBeLessThanOrEqual(1));
      expect(asked).toBe(20);
      expect(search).toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('stops before its next question once stopped, and reports (never throws)', async () => {
    const reports: Array<WarmUpResult | { error: unknown }> = [];
    const running = startWarmUp(engines.served, (r) => reports.push(r));
    running.stop();
    const result = await running.done;
    expect(result).toMatchObject({ questions: 0, ended: 'aborted' });
    expect(reports).toEqual([result]);

    const broken = { ...engines.served, programs: engines.served.programs, agencies: engines.served.agencies, vocabulary: engines.served.vocabulary, prepareTables: async () => undefined, search: () => {
      throw new Error('boom');
    } } as unknown as SearchEngine;
    const failed: Array<WarmUpResult | { error: unknown }> = [];
    await startWarmUp(broken, (r) => failed.push(r)).done.catch(() => undefined);
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as { error: unknown }).error)).toContain('boom');
  });
});
