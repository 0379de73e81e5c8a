import { createHash } from 'node:crypto';
import type { FetchedProgram, StoredProgram } from '../store.js';
import { JgrantsRequestError, type JgrantsClient } from './client.js';
import { programId, toProgram } from './mapping.js';
import { JgrantsFormatError, type JgrantsDetail, type JgrantsListItem } from './parser.js';

/** Details that may fail in one sync without it being called an outage, however few were asked. */
const MAX_FAILED_DETAILS_ALONE = 2;

/**
 * One complete fetch of jGrants: the union of every keyword in every area (the API has no
 * paging, no "everything" and no "since"), then the detail of each program that is new or
 * whose list entry changed. A list request that fails for good fails the whole fetch (a
 * partial union would look like programs disappearing); one malformed item only skips it.
 */

export interface JgrantsFetchInput {
  client: JgrantsClient;
  areas: readonly string[];
  keywords: readonly string[];
  /** What the store holds for jGrants: unchanged list entries reuse it (no detail request). */
  stored: readonly StoredProgram[];
  now: Date;
  /** Details are fetched for programs whose deadline is at most this long ago (default 30 days). */
  detailsForClosedWithinMs?: number;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
}

export interface JgrantsFetchResult {
  programs: FetchedProgram[];
  /** Program ids listed but not mapped (malformed): kept as they are, not closed. */
  alsoListed: string[];
  /** Item-level problems, each naming the item. */
  errors: string[];
  /** List and detail requests. */
  requests: number;
}

const DETAIL_CONCURRENCY = 5;

export function listFingerprint(item: JgrantsListItem): string {
  return createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, 24);
}

/** Runs `work` over `items` with at most `n` at a time, in order of start. */
async function pool<T>(items: readonly T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}

export async function fetchJgrants(input: JgrantsFetchInput): Promise<JgrantsFetchResult> {
  const { client, now } = input;
  const before = client.requests;
  const errors: string[] = [];
  const alsoListed = new Set<string>();
  const items = new Map<string, JgrantsListItem>();
  for (const area of input.areas) {
    for (const keyword of input.keywords) {
      const { items: found, problems } = await client.list({ keyword, area });
      for (const item of found) if (!items.has(item.id)) items.set(item.id, item);
      for (const p of problems) {
        // Once per item: listed under every keyword and area, 5 bad items gave 30 warnings.
        if (!p.id.startsWith('#')) {
          if (alsoListed.has(programId(p.id))) continue;
          alsoListed.add(programId(p.id));
        }
        errors.push(`jg-${p.id}: 一覧の項目を読めないため飛ばしました (${p.message}) [keyword=${keyword} area=${area}]`);
      }
    }
    input.progress?.(`jGrants: ${area} まで ${items.size} 件`);
  }
  const stored = new Map(input.stored.map((s) => [s.program.id, s]));
  const oldest = now.getTime() - (input.detailsForClosedWithinMs ?? 30 * 86_400_000);
  const programs: FetchedProgram[] = [];
  const toFetch: JgrantsListItem[] = [];
  for (const item of items.values()) {
    const fingerprint = listFingerprint(item);
    const known = stored.get(programId(item.id));
    if (known && known.listFingerprint === fingerprint) {
      const { closedAt: _closed, ...imported } = known.program.imported;
      programs.push({ program: { ...known.program, imported }, listFingerprint: fingerprint });
      continue;
    }
    const end = item.acceptance_end_datetime ? Date.parse(item.acceptance_end_datetime) : undefined;
    if (end === undefined || end >= oldest) toFetch.push(item);
    else programs.push({ program: toProgram(item, undefined, now), listFingerprint: fingerprint });
  }
  if (toFetch.length) input.progress?.(`jGrants: 詳細を ${toFetch.length} 件取得します`);
  const details = new Map<string, JgrantsDetail | undefined>();
  // Details that failed after the client's retries (5xx), or answered 200 with a body that is not
  // a detail (cut-off JSON, no result): asked again next sync. A cut-off body stopped the whole
  // sync, every day, while a 500 for the same program did not (walk-through).
  const failed: Error[] = [];
  const retry = new Set<string>();
  await pool(toFetch, DETAIL_CONCURRENCY, async (item) => {
    try {
      const { detail, problem } = await client.detail(item.id);
      if (problem) errors.push(`jg-${item.id}: 詳細を読めないため一覧の項目だけを使いました (${problem.message})`);
      details.set(item.id, detail);
    } catch (error) {
      if (!(error instanceof JgrantsRequestError || error instanceof JgrantsFormatError)) throw error;
      // A program the list names but whose detail is gone: keep what the list says.
      if (error instanceof JgrantsRequestError && error.status === 404) errors.push(`jg-${item.id}: 詳細がありません (404)。一覧の項目だけを使いました`);
      else {
        // One program's broken detail stopped the whole sync, every day (operator walk-through).
        failed.push(error);
        retry.add(item.id);
        errors.push(`jg-${item.id}: 詳細を取得できないため一覧の項目だけを使いました。次の同期で取り直します (${error.message})`);
      }
      details.set(item.id, undefined);
    }
  });
  // Most details failing is an outage, not a few broken programs: nothing is written. One or two
  // failing alone are not (the one detail a sync asks again after it broke would fail every sync).
  if (failed.length > MAX_FAILED_DETAILS_ALONE && failed.length * 2 > toFetch.length) throw failed[0]!;
  for (const item of toFetch) {
    // No list fingerprint for a detail to fetch again: the next sync does not take it as known.
    programs.push({ program: toProgram(item, details.get(item.id), now), listFingerprint: retry.has(item.id) ? '' : listFingerprint(item) });
  }
  return { programs, alsoListed: [...alsoListed], errors, requests: client.requests - before };
}
