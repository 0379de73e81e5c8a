/**
 * The first `count` of `entries` in the order `compare` gives, as `[...entries].sort(compare)
 * .slice(0, count)` would give them, without sorting them all.
 *
 * Every surface asks for a page (5 hits, or the next 5), and at 10,000 programs a broad query
 * has thousands of hits: sorting them all called the engine's comparator (tiers, words as
 * written, score, catalog order) about 13 times per hit where keeping the best few calls it
 * about once (issue 13). `compare` must be a total order (the engine's ends with the
 * catalog order), so the page is the same whichever way it is found.
 */
export function firstInOrder<T>(entries: readonly T[], count: number, compare: (a: T, b: T) => number): T[] {
  if (count <= 0) return [];
  // A long page (or all of them) is cheaper sorted whole.
  if (count * 8 >= entries.length || count > 256) return [...entries].sort(compare).slice(0, count);
  const best: T[] = [];
  for (const entry of entries) {
    if (best.length === count && compare(entry, best[count - 1]!) >= 0) continue;
    // Binary search for its place among the best so far, after any equal one (as a stable sort).
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(entry, best[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    best.splice(lo, 0, entry);
    if (best.length > count) best.pop();
  }
  return best;
}
