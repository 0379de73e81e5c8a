import { loadAgencies, loadCatalog } from '../catalog/load.js';
import type { Paths } from '../config.js';
import { loadAnalyzer, type Analyzer } from './analyzer.js';
import { SearchEngine, type SearchEngineOptions } from './engine.js';
import { loadVocabulary } from './vocabulary.js';

/**
 * Everything a surface needs to answer queries, read from the configured paths: the
 * catalog, the agencies, the synonyms and kuromoji's dictionary. Pass an analyzer that is
 * already loaded to rebuild after a catalog change without loading the dictionary again.
 */
export async function loadSearchEngine(paths: Paths, analyzer?: Analyzer, options?: SearchEngineOptions): Promise<{ engine: SearchEngine; analyzer: Analyzer }> {
  const [catalog, agencies, loaded] = await Promise.all([loadCatalog(paths.catalogDir), loadAgencies(paths.agenciesFile), analyzer ?? loadAnalyzer()]);
  const vocabulary = await loadVocabulary(paths.synonymsFile, loaded);
  const engine = await SearchEngine.build({ programs: catalog.programs, agencies, vocabulary, analyzer: loaded, options });
  return { engine, analyzer: loaded };
}
