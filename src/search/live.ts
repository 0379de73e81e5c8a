import { CatalogError, type CatalogProblem } from '../catalog/load.js';
import type { Paths } from '../config.js';
import type { Analyzer } from './analyzer.js';
import { sourcesFingerprint, type SearchEngine } from './engine.js';
import { loadSearchEngine, readSources } from './load.js';

export type ReloadResult = { status: 'unchanged' } | { status: 'reloaded'; programs: number } | { status: 'refused'; problems: CatalogProblem[] };

/**
 * The engine a running bot serves, and its replacement when the catalog on disk changes.
 * A catalog that fails validation is refused: the engine already serving stays, so a typo
 * in a YAML file never takes search down.
 */
export class LiveEngine {
  private analyzer?: Analyzer;
  private fingerprint: string;

  private constructor(
    private readonly paths: Paths,
    private engine: SearchEngine,
    analyzer: Analyzer | undefined,
    fingerprint: string,
  ) {
    this.analyzer = analyzer;
    this.fingerprint = fingerprint;
  }

  static async load(paths: Paths): Promise<LiveEngine> {
    const sources = await readSources(paths);
    const { engine, analyzer } = await loadSearchEngine(paths, { sources });
    return new LiveEngine(paths, engine, analyzer, sourcesFingerprint(sources));
  }

  get current(): SearchEngine {
    return this.engine;
  }

  private reloading?: Promise<ReloadResult>;

  /** Re-reads the catalog; rebuilds the index only when something changed. One at a time. */
  reload(): Promise<ReloadResult> {
    this.reloading ??= this.reloadNow().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async reloadNow(): Promise<ReloadResult> {
    try {
      const sources = await readSources(this.paths);
      const fingerprint = sourcesFingerprint(sources);
      if (fingerprint === this.fingerprint) return { status: 'unchanged' };
      const { engine, analyzer } = await loadSearchEngine(this.paths, { sources, analyzer: this.analyzer });
      this.analyzer = analyzer ?? this.analyzer;
      this.engine = engine;
      this.fingerprint = fingerprint;
      return { status: 'reloaded', programs: engine.size };
    } catch (error) {
      if (error instanceof CatalogError) return { status: 'refused', problems: error.problems };
      throw error;
    }
  }
}
