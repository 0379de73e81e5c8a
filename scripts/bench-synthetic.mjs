// @ts-check
/**
 * Synthetic catalogs for `npm run bench`: perturbed copies of the real programs, so that a
 * catalog of 10,000 or 100,000 programs has realistic text (real words, real agencies,
 * real purposes) without being 700 copies of the same 143 documents.
 *
 * Program i is real program `i % 143` with:
 * - a distinct id `p-syn-000123` and a copy number after its name (事業名（12）; numbers are
 *   not index terms, so this changes the id and the fingerprint, not the vocabulary);
 * - its overview and results cut into phrases (after punctuation, line breaks and the
 *   particles の を に と や が は); about a third of the phrases swapped with a phrase of
 *   another program, and some neighbours swapped, so postings and term frequencies differ
 *   from copy to copy while the vocabulary stays the catalog's own.
 *
 * Deterministic: one seeded PRNG stream, consumed in program order, so every run (and every
 * process) makes the same catalog, and the 10,000 catalog is the first 10,000 programs of
 * the 100,000 one.
 *
 * Plain JavaScript so that the bench's child processes run it with bare `node` (no tsx
 * loader in the startup being measured).
 */

const SEED = 0x5eed_2023;

/** Fraction of phrases replaced by a phrase of another program. */
const SWAP_RATE = 0.3;
/** Fraction of neighbouring phrase pairs exchanged. */
const SHUFFLE_RATE = 0.25;

/**
 * mulberry32: small, fast, good enough for test data; returns floats in [0, 1).
 * @param {number} seed
 */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Phrases of a text, each keeping its trailing delimiter so they join back into prose.
 * @param {string} text
 */
function phrases(text) {
  return text.match(/[^、。，,・\nのをにとやがは]+[、。，,・\nのをにとやがは]*|[、。，,・\nのをにとやがは]+/g) ?? [];
}

/**
 * @param {string | undefined} text
 * @param {string[][]} pool phrases of every real program's field, by program index
 * @param {() => number} random
 */
function perturb(text, pool, random) {
  if (!text) return text;
  const parts = phrases(text);
  for (let k = 0; k < parts.length; k++) {
    if (random() >= SWAP_RATE) continue;
    const donor = pool[Math.floor(random() * pool.length)];
    if (donor?.length) parts[k] = donor[Math.floor(random() * donor.length)];
  }
  for (let k = 0; k + 1 < parts.length; k++) {
    if (random() < SHUFFLE_RATE) [parts[k], parts[k + 1]] = [parts[k + 1], parts[k]];
  }
  // A phrase that began with a space or line break may have moved to the ends.
  return parts.join('').trim();
}

/**
 * Id of synthetic program `i`.
 * @param {number} i
 */
export function syntheticId(i) {
  return `p-syn-${String(i).padStart(6, '0')}`;
}

/**
 * `size` programs derived from `real` (the bundled catalog).
 * @template {{ id: string; name: string; overview?: string; results?: string }} P
 * @param {readonly P[]} real
 * @param {number} size
 * @returns {P[]}
 */
export function syntheticCatalog(real, size) {
  if (!real.length) throw new Error('synthetic catalog: the real catalog is empty');
  const random = mulberry32(SEED);
  const overviews = real.map((p) => phrases(p.overview ?? ''));
  const results = real.map((p) => phrases(p.results ?? ''));
  const out = [];
  for (let i = 0; i < size; i++) {
    const base = real[i % real.length];
    const copy = Math.floor(i / real.length) + 1;
    /** @type {P} */
    const program = { ...structuredClone(base), id: syntheticId(i), name: `${base.name}（${copy}）` };
    const overview = perturb(base.overview, overviews, random);
    const result = perturb(base.results, results, random);
    if (overview !== undefined) program.overview = overview;
    if (result !== undefined) program.results = result;
    out.push(program);
  }
  return out;
}
