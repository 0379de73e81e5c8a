/**
 * `npm run eval [-- --verbose]`: recall@5 and MRR of the search engine on
 * tests/fixtures/queries.yaml, overall and per kind of query.
 */
import path from 'node:path';
import { loadPaths, PROJECT_ROOT } from '../src/config.js';
import { evaluate, formatReport, loadEvalQueries } from '../src/search/evaluate.js';
import { loadSearchEngine } from '../src/search/load.js';

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const file = process.argv.find((a) => a.endsWith('.yaml')) ?? path.join(PROJECT_ROOT, 'tests/fixtures/queries.yaml');
const { engine } = await loadSearchEngine(loadPaths());
const queries = await loadEvalQueries(file);
console.log(`${file}: ${queries.length} queries, catalog ${engine.size} programs\n`);
console.log(formatReport(evaluate(engine, queries), engine, verbose));
