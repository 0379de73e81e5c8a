/**
 * `npm run eval [-- --verbose]`: recall@5 and MRR of the search engine on
 * tests/fixtures/queries.yaml, overall and per kind of query.
 */
import path from 'node:path';
import { loadPaths, PROJECT_ROOT } from '../src/config.js';
import { evaluate, formatReport, loadEvalQueries } from '../src/search/evaluate.js';
import { engineFromIndex, loadSearchEngine, readSources } from '../src/search/load.js';

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const file = process.argv.find((a) => a.endsWith('.yaml')) ?? path.join(PROJECT_ROOT, 'tests/fixtures/queries.yaml');
// Default: queries analysed by kuromoji. --lexicon: as the bot serves from a prebuilt index
// (queries split by the index's lexicon, no kuromoji), to compare the two on the same set.
const lexicon = process.argv.includes('--lexicon');
const paths = loadPaths();
const built = (await loadSearchEngine(paths, { useIndexFile: false })).engine;
const engine = lexicon ? (await engineFromIndex(built.toJSON(), await readSources(paths)))! : built;
console.log(`query analysis: ${lexicon ? 'lexicon of the prebuilt index (as served)' : 'kuromoji'}`);
const queries = await loadEvalQueries(file);
console.log(`${file}: ${queries.length} queries, catalog ${engine.size} programs\n`);
console.log(formatReport(evaluate(engine, queries), engine, verbose));
