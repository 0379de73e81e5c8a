import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import type { SearchEngine } from './engine.js';

/**
 * Offline evaluation of the engine on a set of queries with known good answers
 * (tests/fixtures/queries.yaml). Used by `npm run eval` and by the test that holds the floor.
 */
export const QUERY_KINDS = ['keyword', 'colloquial', 'kana', 'agency', 'filter', 'phrase', 'normalisation'] as const;
export const EvalQuerySchema = z
  .object({ query: z.string().min(1), kind: z.enum(QUERY_KINDS), expect: z.array(z.string()).min(1), note: z.string().optional() })
  .strict();
export type EvalQuery = z.infer<typeof EvalQuerySchema>;

export async function loadEvalQueries(file: string): Promise<EvalQuery[]> {
  return z.array(EvalQuerySchema).parse(parse(await readFile(file, 'utf8')));
}

export interface QueryOutcome {
  query: EvalQuery;
  /** Ids of the first five results. */
  top: string[];
  /** |expected ∩ top 5| / min(|expected|, 5). */
  recallAt5: number;
  /** 1 / rank of the first expected program (0 when none is returned). */
  reciprocalRank: number;
}

export interface Metrics {
  count: number;
  recallAt5: number;
  mrr: number;
}

export interface EvalReport {
  overall: Metrics;
  byKind: Record<string, Metrics>;
  outcomes: QueryOutcome[];
}

export const K = 5;

/** Any search as the evaluation sees it: a query in, program ids out, best first. */
export type Ranker = (query: string) => string[];

export const engineRanker =
  (engine: SearchEngine): Ranker =>
  (query) =>
    engine.search(query).hits.map((h) => h.program.id);

export function evaluateQuery(engine: SearchEngine | Ranker, query: EvalQuery): QueryOutcome {
  const ids = (typeof engine === 'function' ? engine : engineRanker(engine))(query.query);
  const top = ids.slice(0, K);
  const expected = new Set(query.expect);
  const found = top.filter((id) => expected.has(id)).length;
  const rank = ids.findIndex((id) => expected.has(id));
  return { query, top, recallAt5: found / Math.min(expected.size, K), reciprocalRank: rank < 0 ? 0 : 1 / (rank + 1) };
}

function metrics(outcomes: QueryOutcome[]): Metrics {
  const n = outcomes.length || 1;
  return {
    count: outcomes.length,
    recallAt5: outcomes.reduce((s, o) => s + o.recallAt5, 0) / n,
    mrr: outcomes.reduce((s, o) => s + o.reciprocalRank, 0) / n,
  };
}

export function evaluate(engine: SearchEngine | Ranker, queries: EvalQuery[]): EvalReport {
  const ranker = typeof engine === 'function' ? engine : engineRanker(engine);
  const outcomes = queries.map((q) => evaluateQuery(ranker, q));
  const byKind: Record<string, Metrics> = {};
  for (const kind of QUERY_KINDS) {
    const of = outcomes.filter((o) => o.query.kind === kind);
    if (of.length) byKind[kind] = metrics(of);
  }
  return { overall: metrics(outcomes), byKind, outcomes };
}

export function formatReport(report: EvalReport, engine: SearchEngine, verbose = false): string {
  const row = (label: string, m: Metrics) => `${label.padEnd(14)} ${String(m.count).padStart(4)}  ${m.recallAt5.toFixed(3)}     ${m.mrr.toFixed(3)}`;
  const lines = ['kind           n     recall@5  MRR', row('overall', report.overall)];
  for (const [kind, m] of Object.entries(report.byKind)) lines.push(row(kind, m));
  const misses = report.outcomes.filter((o) => o.recallAt5 < 1);
  if (misses.length) {
    lines.push('', `recall@5 < 1 (${misses.length} 件):`);
    for (const o of misses) {
      const missing = o.query.expect.filter((id) => !o.top.includes(id)).slice(0, Math.max(0, Math.min(o.query.expect.length, K) - o.top.filter((id) => o.query.expect.includes(id)).length));
      lines.push(`  [${o.query.kind}] ${o.query.query}  recall ${o.recallAt5.toFixed(2)} rr ${o.reciprocalRank.toFixed(2)}`);
      if (verbose) {
        lines.push(`      上位: ${o.top.map((id) => engine.get(id)?.name ?? id).join(' / ')}`);
        lines.push(`      漏れ: ${missing.map((id) => engine.get(id)?.name ?? id).join(' / ')}`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * Two engines on one set, per kind, side by side (no queries: safe for a held-out set).
 * `labels` name the columns, e.g. ['engine', 'naive'].
 */
export function formatSideBySide(title: string, reports: EvalReport[], labels: string[]): string {
  const head = labels.map((l) => `${(l + ' R@5').padStart(12)} ${(l + ' MRR').padStart(10)}`).join('  ');
  const row = (label: string, ms: Metrics[]) =>
    `${label.padEnd(14)} ${String(ms[0]!.count).padStart(4)}  ${ms.map((m) => `${m.recallAt5.toFixed(3).padStart(12)} ${m.mrr.toFixed(3).padStart(10)}`).join('  ')}`;
  const lines = [title, `${'kind'.padEnd(14)} ${'n'.padStart(4)}  ${head}`, row('overall', reports.map((r) => r.overall))];
  for (const kind of Object.keys(reports[0]!.byKind)) lines.push(row(kind, reports.map((r) => r.byKind[kind]!)));
  return lines.join('\n');
}
