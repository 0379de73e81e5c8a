/**
 * The floor under search quality: recall@5 and MRR on tests/fixtures/queries.yaml (written
 * from the catalog's content, see the file's header) against the bundled catalog. The floors
 * are the figures last measured (`npm run eval`, with 18–20 相談例 per program, consultationScore
 * 20 (session 23) and words typed apart searched without them; kuromoji: overall recall@5 0.917,
 * MRR 0.973, keyword 0.890, colloquial 0.879 (MRR 0.917), kana 0.920, agency 1.000, filter 0.961, phrase 0.880,
 * normalisation 0.980; `--lexicon`, as served, since kana endings left the lexicon (session
 * 22): 0.921, 0.977, 0.900, colloquial 0.879 (MRR 0.932)), the lower of the two rounded down
 * to 0.01. Raise them when the engine gets better;
 * a change that lowers them needs a reason. Lowered:
 * - filter 0.97 → 0.96 with 8–10 相談例 (one query, 「機関:商工会議所 セミナー」, now lists a
 *   newsletter that announces seminars in its top 5 instead of one expected program; the
 *   held-out set gained 0.05–0.07 recall@5 and 0.10–0.12 MRR);
 * - keyword 0.89 → 0.88, colloquial 0.85 → 0.84 (MRR 0.93 → 0.91), normalisation 0.99 →
 *   0.98 with 14–16 相談例 (session 21): words typed apart no longer search the 相談例
 *   (創業, 採用, 物産展, セミナー, ＩＴ lost one expected program each, 融資, 商談会, 販路開拓,
 *   商品開発 gained one), and 新しく店を始めたい and 地元の学生を採用したい put their first
 *   expected program second; the held-out set gained 0.05 recall@5 and 0.05–0.08 MRR, the
 *   blind tuning set 0.03–0.04 and 0.02.
 * - keyword 0.88 → 0.89 with the needs (session 24): 0.900 with both engines.
 * - overall 0.91 → 0.92, colloquial 0.87 → 0.89 with the 相談例 read by characters (session
 *   25, consultation-grams.ts): kuromoji 0.924 / 0.973, colloquial 0.893 / 0.917; served
 *   0.926 / 0.977, colloquial 0.901 / 0.932. Every other kind unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { evaluate, loadEvalQueries, type EvalQuery, type EvalReport } from '../../src/search/evaluate.js';
import { ANALYZER_TIMEOUT, BLIND_FILE, bundledEngines, ENGINE_KINDS, HELD_OUT_FILE, QUERIES_FILE, type Engines } from './support.js';

const FLOORS = {
  overallRecall: 0.92,
  overallMrr: 0.97,
  keywordRecall: 0.89,
  colloquialRecall: 0.89,
  colloquialMrr: 0.91,
  kanaRecall: 0.92,
  agencyRecall: 1.0,
  filterRecall: 0.96,
  phraseRecall: 0.88,
  normalisationRecall: 0.98,
};

/**
 * The held-out set (tests/fixtures/queries-heldout.yaml: colloquial questions written by
 * someone who read only the catalog) is never tuned on: only its aggregate figures are
 * checked, and a failure names no query.
 */
// Session 25, then the 相談例 read by characters (consultation-grams.ts; chosen on the two tuning
// sets): kuromoji 0.754 / 0.894, served 0.742 / 0.888. Looked at twice: first reading pairs with
// hiragana too (0.757 / 0.904, served 0.750 / 0.913), which were then left out for a wrong
// answer they gave (焼酎を誰かに買ってほしい), not for these figures.
// Before it, session 25 (kana verbs read as the catalog writes them, intents for 銀行に断られた and 会社を
// (誰かに)買ってもらいたい, `unless`, a client's word alone): kuromoji 0.729 / 0.879, served
// 0.733 / 0.882. Recall's floor lowered 0.73 → 0.72: measured per commit, the kana verbs moved
// kuromoji 0.737 / 0.866 → 0.733 / 0.879 and the review's kana fixes → 0.729 / 0.879 (one
// question each); they were made for users typing in kana, not chosen here.
// With the purpose model and the needs (session 24): kuromoji 0.737 / 0.866, served 0.734 / 0.872;
// the purpose model alone: kuromoji 0.721 / 0.865, served 0.721 / 0.871.
// Measured with 18–20 相談例 per program and consultationScore 20 (session 23): kuromoji 0.712
// / 0.855, served 0.710 / 0.870. With consultationScore 30 (session 22): kuromoji 0.712 / 0.851,
// served 0.707 / 0.866. MRR's floor lowered 0.86 → 0.85 with them: the lever was chosen on the two tuning
// sets (both engines gained there), and here recall@5 gained 0.016 / 0.003 while kuromoji's MRR
// lost 0.017. With 14–16: kuromoji 0.696 / 0.868, served 0.704 / 0.863 once kana endings
// (たい, で) left the served lexicon (0.679 / 0.829 before; with
// 8–10 and this session's other levers: 0.645 / 0.786 and 0.617 / 0.776; with 8–10 before
// them: 0.639 / 0.781 and 0.613 / 0.775; with 2–4: 0.568 / 0.682 and 0.562 / 0.650; before
// issue 16: 0.430 / 0.493; the naive kuromoji + MiniSearch build of scripts/naive-search.ts:
// 0.344 / 0.445).
const HELD_OUT_FLOORS = { recall: 0.74, mrr: 0.88 };

/**
 * The second tuning set (tests/fixtures/queries-blind.yaml: 80 colloquial questions written
 * blind from the catalog in session 21). Measured at 0.632 / 0.777 when it was written; with
 * session 21's levers and 14–16 相談例: kuromoji 0.714 / 0.831, served 0.686 / 0.808; served
 * 0.703 / 0.840 once kana endings left its lexicon (session 22); with 18–20 相談例: kuromoji
 * 0.717 / 0.872, served 0.715 / 0.866; and consultationScore 20 (session 23): kuromoji 0.726 /
 * 0.875, served 0.716 / 0.864; with the purpose model (session 24): kuromoji 0.750 / 0.880,
 * served 0.742 / 0.866; and the needs: kuromoji 0.754 / 0.887, served 0.744 / 0.872; session
 * 25: kuromoji 0.763 / 0.892, served 0.754 / 0.881 (an intent for 会社を誰かに買ってもらいたい,
 * a question of this set, gave most of it); with the 相談例 read by characters: kuromoji 0.785 /
 * 0.898, served 0.779 / 0.894.
 */
const BLIND_FLOORS = { recall: 0.77, mrr: 0.89 };

let engines: Engines;
let queries: EvalQuery[];
const reports = {} as Record<(typeof ENGINE_KINDS)[number], EvalReport>;
const heldOut = {} as Record<(typeof ENGINE_KINDS)[number], EvalReport>;
const blind = {} as Record<(typeof ENGINE_KINDS)[number], EvalReport>;

beforeAll(async () => {
  engines = await bundledEngines(await loadAnalyzer());
  queries = await loadEvalQueries(QUERIES_FILE);
  const heldOutQueries = await loadEvalQueries(HELD_OUT_FILE);
  for (const kind of ENGINE_KINDS) reports[kind] = evaluate(engines[kind], queries);
  for (const kind of ENGINE_KINDS) heldOut[kind] = evaluate(engines[kind], heldOutQueries);
  const blindQueries = await loadEvalQueries(BLIND_FILE);
  for (const kind of ENGINE_KINDS) blind[kind] = evaluate(engines[kind], blindQueries);
}, ANALYZER_TIMEOUT);

describe('the evaluation set', () => {
  it('holds the 144 queries, every kind, and only ids of the bundled catalog', () => {
    expect(queries).toHaveLength(144);
    const kinds = new Set(queries.map((q) => q.kind));
    for (const kind of ['keyword', 'colloquial', 'kana', 'agency', 'filter', 'phrase', 'normalisation']) expect(kinds).toContain(kind);
    const known = new Set(engines.kuromoji.programs.map((p) => p.id));
    for (const q of queries) for (const id of q.expect) expect(known.has(id), `${q.query}: ${id}`).toBe(true);
  });
});

/** Misses listed in the assertion message, so a failure says which queries slipped. */
const misses = (report: EvalReport, kind?: string) =>
  report.outcomes
    .filter((o) => o.recallAt5 < 1 && (!kind || o.query.kind === kind))
    .map((o) => `${o.query.query} (${o.recallAt5.toFixed(2)})`)
    .join(', ');

describe.each(ENGINE_KINDS)('%s engine on the held-out set (aggregates only)', (kind) => {
  it(`recall@5 ≥ ${HELD_OUT_FLOORS.recall} and MRR ≥ ${HELD_OUT_FLOORS.mrr}`, () => {
    const { overall } = heldOut[kind];
    expect(overall.count).toBeGreaterThanOrEqual(60);
    expect(overall.recallAt5, 'held-out recall@5').toBeGreaterThanOrEqual(HELD_OUT_FLOORS.recall);
    expect(overall.mrr, 'held-out MRR').toBeGreaterThanOrEqual(HELD_OUT_FLOORS.mrr);
  });
});

describe.each(ENGINE_KINDS)('%s engine on the second tuning set (written blind)', (kind) => {
  it(`recall@5 ≥ ${BLIND_FLOORS.recall} and MRR ≥ ${BLIND_FLOORS.mrr}`, () => {
    const { overall } = blind[kind];
    expect(overall.count).toBe(80);
    expect(overall.recallAt5, misses(blind[kind])).toBeGreaterThanOrEqual(BLIND_FLOORS.recall);
    expect(overall.mrr, misses(blind[kind])).toBeGreaterThanOrEqual(BLIND_FLOORS.mrr);
  });

  it('names only programs of the bundled catalog', () => {
    const known = new Set(engines.kuromoji.programs.map((p) => p.id));
    for (const o of blind[kind].outcomes) for (const id of o.query.expect) expect(known.has(id), `${o.query.query}: ${id}`).toBe(true);
  });
});

describe.each(ENGINE_KINDS)('%s engine', (kind) => {
  it(`overall recall@5 ≥ ${FLOORS.overallRecall} and MRR ≥ ${FLOORS.overallMrr}`, () => {
    const { overall } = reports[kind];
    expect(overall.count).toBe(144);
    expect(overall.recallAt5, misses(reports[kind])).toBeGreaterThanOrEqual(FLOORS.overallRecall);
    expect(overall.mrr).toBeGreaterThanOrEqual(FLOORS.overallMrr);
  });

  it(`keyword recall@5 ≥ ${FLOORS.keywordRecall}`, () => {
    expect(reports[kind].byKind.keyword!.recallAt5, misses(reports[kind], 'keyword')).toBeGreaterThanOrEqual(FLOORS.keywordRecall);
  });

  it(`colloquial MRR ≥ ${FLOORS.colloquialMrr}`, () => {
    expect(reports[kind].byKind.colloquial!.mrr, misses(reports[kind], 'colloquial')).toBeGreaterThanOrEqual(FLOORS.colloquialMrr);
  });

  it('agency recall@5 = 1: every name and alias of a body lists its programs', () => {
    expect(reports[kind].byKind.agency!.recallAt5, misses(reports[kind], 'agency')).toBe(FLOORS.agencyRecall);
  });

  it(`filter recall@5 ≥ ${FLOORS.filterRecall}`, () => {
    expect(reports[kind].byKind.filter!.recallAt5, misses(reports[kind], 'filter')).toBeGreaterThanOrEqual(FLOORS.filterRecall);
  });

  it.each([
    ['colloquial', FLOORS.colloquialRecall],
    ['kana', FLOORS.kanaRecall],
    ['phrase', FLOORS.phraseRecall],
    ['normalisation', FLOORS.normalisationRecall],
  ] as const)('%s recall@5 ≥ %s', (queryKind, floor) => {
    expect(reports[kind].byKind[queryKind]!.recallAt5, misses(reports[kind], queryKind)).toBeGreaterThanOrEqual(floor);
  });
});
