/**
 * Every answer of the evaluation questions (and some more), in full: ids, scores, matched
 * terms, totals, steps and suggestions, then 似た事業 of every program, as JSON lines. For checking that a change meant to be invisible
 * (a faster way to the same answer) is: run it before and after and compare the outputs.
 *   npx tsx scripts/dump-answers.ts > before.jsonl   (both engines: built with kuromoji, and loaded with the lexicon)
 */
import path from 'node:path';
import { loadPaths, PROJECT_ROOT } from '../src/config.js';
import { loadEvalQueries } from '../src/search/evaluate.js';
import { loadSearchEngine } from '../src/search/load.js';

const paths = loadPaths();
const engines = {
  built: (await loadSearchEngine(paths, { useIndexFile: false })).engine,
  served: (await loadSearchEngine(paths)).engine,
};
const queries = new Set<string>();
for (const file of ['queries.yaml', 'queries-blind.yaml', 'queries-heldout.yaml']) {
  for (const q of await loadEvalQueries(path.join(PROJECT_ROOT, 'tests', 'fixtures', file)).catch(() => [])) queries.add(q.query);
}
for (const q of ['創業', '補助金', '鹿児島 事業', '"事業承継"', '機関:商工会 創業', 'そうしん', 'IT化したい', '障がい者', 'ほげほげ', '創業 補助金 融資 海外', '海外に売りたいし人も雇いたい', '機関:商工会議所 海外に売りたいし人も雇いたい', '重点:2 商店街を盛り上げたいし空き店舗も埋めたい']) queries.add(q);
// No hit as typed (nearby words, suggestions) and filters (bench-child.mjs SLOW_PATHS).
for (const q of ['クワガタの飼育', 'ものずくり', 'えきすぽーと', 'カブトムシ 飼育 方法', 'スタートアッフ', '受付中 締切:30日以内 創業', '地域:鹿児島 受付中 事業承継', '目的:創業', '目的:販路拡大 重点:3', '目的:資金繰り 融資', '目的:創業 "創業"', '重点:1 重点:4 目的:人材']) queries.add(q);
for (const [name, engine] of Object.entries(engines)) {
  for (const q of queries) {
    for (const limit of [5, undefined]) {
      const r = engine.search(q, limit === undefined ? {} : { limit, offset: 0 });
      const { hits, parsed, ...rest } = r;
      process.stdout.write(JSON.stringify({ engine: name, q, limit, ...rest, hits: hits.slice(0, 40).map((h) => [h.program.id, h.score, h.terms, h.snippet]) }) + '\n');
    }
  }
  for (const p of engine.programs) {
    process.stdout.write(JSON.stringify({ engine: name, similar: p.id, hits: engine.similar(p.id, 5).map((h) => [h.program.id, h.score, h.terms, h.snippet]) }) + '\n');
  }
}
