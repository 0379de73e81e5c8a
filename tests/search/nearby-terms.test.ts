/**
 * NearbyTerms (the catalog's words like a query word: suggestions, and the fallback step
 * `nearby`) answers what comparing the word with every word of the catalog answers, whatever
 * its bigram index and counters do to be fast (issue 13: 100,000 programs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { NearbyTerms } from '../../src/search/nearby-terms.js';
import { ANALYZER_TIMEOUT, bundledEngine } from './support.js';

/**
 * The definition (nearby-terms.ts): Dice of distinct bigrams, + 0.3 for containment, 0.5 or more,
 * + up to 0.1 by frequency; in the words' order. Two Latin words are never near when one has fewer than 3 letters.
 */
function compareWithEvery(documentFrequency: ReadonlyMap<string, number>, query: string): Array<[string, number]> {
  const q = bigrams(query);
  const out: Array<[string, number]> = [];
  const latin = (w: string) => /^[a-z0-9&]+$/.test(w);
  for (const [term, df] of documentFrequency) {
    if (term.length < 2 || term === query) continue;
    if (latin(term) && latin(query) && Math.min(term.length, query.length) < 3) continue;
    let t = catalogBigrams.get(term);
    if (!t) catalogBigrams.set(term, (t = bigrams(term)));
    let shared = 0;
    for (const g of q) if (t.has(g)) shared++;
    if (!shared) continue;
    const score = (2 * shared) / (q.size + t.size || 1) + (term.includes(query) || query.includes(term) ? 0.3 : 0);
    if (score >= 0.5) out.push([term, score + Math.min(df, 20) / 200]);
  }
  return out;
}

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  if (s.length < 2) out.add(s);
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2));
  return out;
}
/** Each catalog word's bigrams, made once (the comparisons are words × words). */
const catalogBigrams = new Map<string, Set<string>>();

let documentFrequency: Map<string, number>;
beforeAll(async () => {
  const engine = await bundledEngine(await loadAnalyzer());
  documentFrequency = new Map(engine.toJSON().documentFrequency);
}, ANALYZER_TIMEOUT);

describe('NearbyTerms.near', () => {
  it('a third of the bundled catalog’s words, asked one after another, get what comparing them with every word gives', () => {
    const nearby = new NearbyTerms(documentFrequency);
    // A third: the reference compares words × words (all of them: 8 s).
    const words = [...documentFrequency.keys()].filter((_, i) => i % 3 === 0);
    expect(words.length).toBeGreaterThan(1000);
    let found = 0;
    for (const word of words) {
      const near = nearby.near(word);
      found += near.length;
      const expected = compareWithEvery(documentFrequency, word);
      if (JSON.stringify(near) !== JSON.stringify(expected)) expect(near, word).toEqual(expected);
    }
    expect(found).toBeGreaterThan(words.length);
  });

  it('words the catalog lacks, typos, one character, surrogate pairs, the same word twice', () => {
    const nearby = new NearbyTerms(documentFrequency);
    for (const word of ['ものずくり', 'えきすぽーと', 'スタートアッフ', 'クワガタ', '事業', '事業', '創業', '支援事業', 'x', '', '事', 'ab', '𠮷野家', '𠮷', 'ほげほげ', 'it', 'dx推進']) {
      expect(nearby.near(word), word).toEqual(compareWithEvery(documentFrequency, word));
    }
    expect(nearby.near('ものずくり').map(([t]) => t)).toContain('ものづくり');
    // quit was near it and ui (15 IT and UIターン programs answered it); a Latin typo still finds its word.
    expect(nearby.near('quit')).toEqual([]);
    expect(nearby.near('jetr').map(([t]) => t)).toContain('jetro');
  });

  it('a catalog of words with surrogate pairs and one-character words', () => {
    const df = new Map([
      ['𠮷野', 3],
      ['𠮷野家', 1],
      ['野家', 40],
      ['家', 5],
      ['𠮷', 2],
      ['ab', 1],
      ['abc', 2],
    ]);
    const nearby = new NearbyTerms(df);
    for (const word of ['𠮷野', '𠮷野家', '野家', '𠮷', '家', 'abc', 'ab', 'a', 'bc']) expect(nearby.near(word), word).toEqual(compareWithEvery(df, word));
    // 𠮷 is two UTF-16 code units: one bigram, as the definition counts them.
    expect(nearby.near('𠮷野').map(([t]) => t)).toEqual(['𠮷野家', '𠮷']);
  });
});
