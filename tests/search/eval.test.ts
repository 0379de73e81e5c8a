/**
 * The floor under search quality: recall@5 and MRR on tests/fixtures/queries.yaml (written
 * from the catalog's content, see the file's header) against the bundled catalog. The floors
 * are the figures measured when this test was written (`npm run eval`, kuromoji: overall
 * recall@5 0.887, MRR 0.942, keyword 0.890, agency 1.000, filter 0.961; `--lexicon`, as
 * served: 0.890, 0.948, 0.896, 1.000, 0.961), rounded down to 0.01. Raise them when the
 * engine gets better; a change that lowers them needs a reason.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { evaluate, loadEvalQueries, type EvalQuery, type EvalReport } from '../../src/search/evaluate.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, QUERIES_FILE, type Engines } from './support.js';

const FLOORS = {
  overallRecall: 0.88,
  overallMrr: 0.94,
  keywordRecall: 0.88,
  agencyRecall: 1.0,
  filterRecall: 0.96,
};

let engines: Engines;
let queries: EvalQuery[];
const reports = {} as Record<(typeof ENGINE_KINDS)[number], EvalReport>;

beforeAll(async () => {
  engines = await bundledEngines(await loadAnalyzer());
  queries = await loadEvalQueries(QUERIES_FILE);
  for (const kind of ENGINE_KINDS) reports[kind] = evaluate(engines[kind], queries);
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

  it('agency recall@5 = 1: every name and alias of a body lists its programs', () => {
    expect(reports[kind].byKind.agency!.recallAt5, misses(reports[kind], 'agency')).toBe(FLOORS.agencyRecall);
  });

  it(`filter recall@5 ≥ ${FLOORS.filterRecall}`, () => {
    expect(reports[kind].byKind.filter!.recallAt5, misses(reports[kind], 'filter')).toBeGreaterThanOrEqual(FLOORS.filterRecall);
  });
});
