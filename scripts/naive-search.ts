/**
 * The naive baseline `npm run eval` compares the engine with: the same catalog in MiniSearch
 * with its defaults (BM25, OR of the query's words, no boosts, no fuzzy or prefix matching),
 * text split into kuromoji's surface forms after NFKC + lower-case, nothing else (no stop
 * words, compounds, readings, synonyms, intents or purposes). It is what anyone would build
 * in an afternoon; the engine must earn its complexity against it.
 */
import kuromoji from 'kuromoji';
import MiniSearch from 'minisearch';
import type { Program } from '../src/catalog/schema.js';
import { defaultDictionaryPath } from '../src/search/analyzer.js';

export type Ranker = (query: string) => string[];

function loadTokenizer(): Promise<kuromoji.Tokenizer<kuromoji.IpadicFeatures>> {
  return new Promise((resolve, reject) => {
    kuromoji.builder({ dicPath: defaultDictionaryPath() }).build((error, tokenizer) => (error ? reject(error) : resolve(tokenizer)));
  });
}

export async function naiveRanker(programs: readonly Program[]): Promise<Ranker> {
  const tokenizer = await loadTokenizer();
  const tokenize = (text: string) =>
    tokenizer
      .tokenize(text.normalize('NFKC').toLowerCase())
      .map((t) => t.surface_form)
      .filter((s) => /[\p{L}\p{N}]/u.test(s));
  const index = new MiniSearch<{ id: string; name: string; agency: string; overview: string; results: string }>({
    fields: ['name', 'agency', 'overview', 'results'],
    tokenize,
  });
  index.addAll(programs.map((p) => ({ id: p.id, name: p.name, agency: p.agency, overview: p.overview ?? '', results: p.results ?? '' })));
  return (query) => index.search(query).map((r) => r.id as string);
}
