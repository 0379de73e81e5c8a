/**
 * `npm run eval [-- --verbose] [-- --lexicon]`: recall@5 and MRR of the search engine and of
 * a naive kuromoji + MiniSearch build of the same catalog (scripts/naive-search.ts), side by
 * side, on two sets:
 * - tests/fixtures/queries.yaml, the tuning set: per kind, and its misses (--verbose: with
 *   the top five and what is missing);
 * - tests/fixtures/queries-blind.yaml, the second tuning set: colloquial questions written
 *   blind from the catalog (see its header), with its misses like the first;
 * - tests/fixtures/queries-heldout.yaml, held out: written by someone who read only the
 *   catalog, never used for tuning. Only aggregate figures are printed, never its queries.
 * A .yaml argument replaces the tuning set.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadPaths, PROJECT_ROOT } from '../src/config.js';
import { evaluate, formatReport, formatSideBySide, loadEvalQueries } from '../src/search/evaluate.js';
import { engineFromIndex, loadSearchEngine, readSources } from '../src/search/load.js';
import { naiveRanker } from './naive-search.js';

// An argument it does not know (--bogus, a misspelt --lexcon) stops it before the minute of work.
const args = process.argv.slice(2);
const unknown = args.filter((a) => !['--verbose', '-v', '--lexicon'].includes(a) && !a.endsWith('.yaml'));
if (unknown.length) {
  process.stderr.write(`不明な引数: ${unknown.join(' ')}\n使い方: npm run eval [-- --verbose] [-- --lexicon] [<queries>.yaml]\n`);
  process.exit(2);
}
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const file = process.argv.find((a) => a.endsWith('.yaml')) ?? path.join(PROJECT_ROOT, 'tests/fixtures/queries.yaml');
const blindFile = path.join(PROJECT_ROOT, 'tests/fixtures/queries-blind.yaml');
const heldOutFile = path.join(PROJECT_ROOT, 'tests/fixtures/queries-heldout.yaml');
// Default: queries analysed by kuromoji. --lexicon: as the bot serves from a prebuilt index
// (queries split by the index's lexicon, no kuromoji), to compare the two on the same set.
const lexicon = process.argv.includes('--lexicon');
const paths = loadPaths();
const built = (await loadSearchEngine(paths, { useIndexFile: false })).engine;
const engine = lexicon ? (await engineFromIndex(built.toJSON(), await readSources(paths)))! : built;
const naive = await naiveRanker(engine.programs);
console.log(`query analysis: ${lexicon ? 'lexicon of the prebuilt index (as served)' : 'kuromoji'}; naive = kuromoji surface forms + MiniSearch defaults`);
const queries = await loadEvalQueries(file);
console.log(`${file}: ${queries.length} queries, catalog ${engine.size} programs\n`);
const report = evaluate(engine, queries);
console.log(formatSideBySide(`tuning set (${path.basename(file)})`, [report, evaluate(naive, queries)], ['engine', 'naive']));
const blind = existsSync(blindFile) && file !== blindFile ? await loadEvalQueries(blindFile) : [];
const blindReport = blind.length ? evaluate(engine, blind) : undefined;
if (blindReport) {
  console.log('');
  console.log(formatSideBySide(`second tuning set, written blind (${path.basename(blindFile)})`, [blindReport, evaluate(naive, blind)], ['engine', 'naive']));
}
if (existsSync(heldOutFile)) {
  const heldOut = await loadEvalQueries(heldOutFile);
  console.log('');
  console.log(formatSideBySide(`held-out set (${path.basename(heldOutFile)}, aggregates only)`, [evaluate(engine, heldOut), evaluate(naive, heldOut)], ['engine', 'naive']));
}
console.log('');
console.log(formatReport(report, engine, verbose));
if (blindReport) {
  console.log(`\n${path.basename(blindFile)}:`);
  console.log(formatReport(blindReport, engine, verbose));
}
