import type { SourcesConfig } from './config.js';
import { JgrantsClient, type JgrantsClientOptions } from './jgrants/client.js';
import { fetchJgrants } from './jgrants/fetch.js';
import type { SourceName } from './program.js';
import type { ImportStore } from './store.js';

/**
 * `shien sync`: every enabled source, fetched whole and then applied to the store in one
 * transaction. A source that fails writes nothing but the record of its failure: what was
 * fetched before the failure is discarded as a whole, never half-written.
 */

export interface SourceReport {
  source: SourceName;
  ok: boolean;
  /** The source's first successful sync: its programs are a baseline, recorded and not announced. */
  baseline: boolean;
  new: string[];
  changed: string[];
  closed: string[];
  errors: string[];
  /** Programs the source listed (after the union of keywords). */
  listed: number;
  requests: number;
}

export interface SyncReport {
  sources: SourceReport[];
}

export interface RunSyncOptions {
  config: SourcesConfig;
  store: ImportStore;
  now: () => Date;
  dryRun?: boolean;
  /** Overrides for the jGrants client (tests: short backoff). */
  jgrantsClient?: Omit<JgrantsClientOptions, 'baseUrl'>;
  progress?: (line: string) => void;
}

export async function runSync(options: RunSyncOptions): Promise<SyncReport> {
  const sources: SourceReport[] = [];
  for (const source of options.config.enabled) sources.push(await syncSource(source, options));
  return { sources };
}

async function syncSource(source: SourceName, options: RunSyncOptions): Promise<SourceReport> {
  const { store, config } = options;
  const now = options.now();
  const client = new JgrantsClient({ ...options.jgrantsClient, baseUrl: config.jgrants.apiUrl });
  try {
    const stored = await store.programs(source);
    const fetched = await fetchJgrants({
      client,
      areas: config.jgrants.areas,
      keywords: config.jgrants.keywords,
      stored,
      now,
      ...(options.progress ? { progress: options.progress } : {}),
    });
    // An answer listing nothing at all, when programs were listed before, is an outage that
    // answers 200 (or a changed API), not every program ending at once: nothing is closed.
    const listedBefore = stored.filter((s) => !s.closedAt).length;
    if (!fetched.programs.length && !fetched.alsoListed.length && listedBefore > 0) {
      throw new Error(`jGrants がどのキーワードでも 1 件も返しませんでした (前回までの掲載 ${listedBefore} 件)。障害とみなし、何も書き換えていません`);
    }
    const changes = await store.applySync({ source, programs: fetched.programs, alsoListed: fetched.alsoListed, errors: fetched.errors, now: options.now(), dryRun: options.dryRun ?? false });
    return {
      source,
      ok: true,
      baseline: changes.baseline,
      new: changes.new,
      changed: changes.changed,
      closed: changes.closed,
      errors: fetched.errors,
      listed: new Set(fetched.programs.map((p) => p.program.id)).size,
      requests: fetched.requests,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!options.dryRun) await store.recordFailure(source, [message], options.now());
    return { source, ok: false, baseline: false, new: [], changed: [], closed: [], errors: [message], listed: 0, requests: client.requests };
  }
}
