/**
 * Queries nobody should send, answered like any other: cut to the limits of query-bounds.ts
 * with the answer saying so, controls ignored, and analysis bounded on both analyser paths
 * (kuromoji, and the prebuilt index's lexicon). Timings are measured by `npm run bench`
 * (hostile queries); here the bounds are checked as amounts of work: characters handed to
 * kuromoji at once, and words analysed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { KuromojiAnalyzer, loadAnalyzer, MAX_SEGMENT, segmentsOf } from '../../src/search/analyzer.js';
import { renderResponseText, SHORTENED_NOTE } from '../../src/render/text.js';
import { MAX_QUERY_CHARS, MAX_QUERY_WORDS } from '../../src/search/query-bounds.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids, SOGYO_BY_NAME } from './support.js';

let analyzer: KuromojiAnalyzer;
let engines: Engines;
/** Lengths of the texts kuromoji's tokenizer was given, since the last reset. */
let tokenized: number[] = [];
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  // Record what reaches kuromoji's lattice (its cost grows with the square of this length).
  const tokenizer = (analyzer as unknown as { tokenizer: { tokenize(text: string): unknown[] } }).tokenizer;
  const tokenize = tokenizer.tokenize.bind(tokenizer);
  tokenizer.tokenize = (text: string) => {
    tokenized.push(text.length);
    return tokenize(text);
  };
  engines = await bundledEngines(analyzer);
}, ANALYZER_TIMEOUT);

const codePoints = (s: string) => [...s].length;

describe.each(ENGINE_KINDS)('%s engine', (kind) => {
  it(`a 40,000-character query is searched as its first ${MAX_QUERY_CHARS} characters, and the answer says so`, () => {
    const response = engines[kind].search('a'.repeat(40_000));
    expect(response.shortened).toBe(true);
    expect(response.query).toBe('a'.repeat(MAX_QUERY_CHARS));
    expect(response.mode).toBe('none');
    expect(response.suggestions?.purposes.length).toBeGreaterThan(0); // still a useful answer
    expect(renderResponseText(response, 5).split('\n')[0]).toBe(`⚠ ${SHORTENED_NOTE}`);
  });

  it('創業 × 50,000 finds what 創業 finds', () => {
    const response = engines[kind].search('創業'.repeat(50_000), { limit: 5 });
    expect(response.shortened).toBe(true);
    expect(codePoints(response.query)).toBe(MAX_QUERY_CHARS);
    expect(ids(response)).toEqual(ids(engines[kind].search('創業', { limit: 5 })));
    expect(ids(response)).toEqual(expect.arrayContaining(SOGYO_BY_NAME.slice(0, 3)));
  });

  it('NUL, other controls and lone surrogates are ignored (kuromoji used to throw on NUL and \\ud800)', () => {
    const plain = ids(engines[kind].search('創業'));
    for (const q of ['創業\u0000', '\u0000創業', '\ud800創業', '創業\udfff', '\u001b創業', '創業\u0085\u009f']) {
      const response = engines[kind].search(q);
      expect(ids(response), JSON.stringify(q)).toEqual(plain);
      expect(response.shortened).toBe(false);
      expect(response.query).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    expect(engines[kind].search('\u0000'.repeat(1000)).mode).toBe('empty');
  });

  it(`analyses at most ${MAX_QUERY_WORDS} words, however many a short query holds`, () => {
    // 100 words in 200 characters, and 16 space-separated chunks of three words each.
    for (const q of ['創業'.repeat(100), Array.from({ length: MAX_QUERY_WORDS }, () => '創業の補助金と輸出').join(' ')]) {
      const response = engines[kind].search(q);
      expect(response.shortened, q).toBe(true);
      expect(response.total).toBeGreaterThan(0);
    }
    expect(engines[kind].search('創業 補助金 輸出').shortened).toBe(false);
  });

  it('filters and phrases of any length are answered, bounded like words', () => {
    for (const q of [`予算:${'1'.repeat(40_000)}万以上`, '機関:ジェトロ '.repeat(5_000), '"'.repeat(40_000), '「'.repeat(40_000), `"${'事業承継'.repeat(10_000)}"`]) {
      const response = engines[kind].search(q);
      expect(codePoints(response.query), q.slice(0, 20)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
      expect(response.shortened).toBe(true);
    }
  });
});

describe('kuromoji sees at most MAX_SEGMENT characters at once', () => {
  it('segmentsOf: pieces within the limit that put the text back together, cut at 、。 when there is one', () => {
    const texts = ['a'.repeat(1000), '創業'.repeat(500), '😀'.repeat(300), 'ア'.repeat(250) + 'あ'.repeat(250), '事業承継を支援する。'.repeat(40), '短い'];
    for (const text of texts) {
      const segments = segmentsOf(text);
      expect(segments.join('')).toBe(text);
      for (const s of segments) {
        expect(s.length).toBeLessThanOrEqual(MAX_SEGMENT);
        expect(s).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/); // no emoji cut in half
      }
    }
    for (const s of segmentsOf('事業承継を支援する。'.repeat(40)).slice(0, -1)) expect(s.endsWith('。')).toBe(true);
  });

  it('a 20,000-character text of one script reaches the tokenizer in pieces, and is analysed', () => {
    for (const text of ['a'.repeat(20_000), '1'.repeat(20_000), 'ア'.repeat(20_000), '創業'.repeat(10_000)]) {
      tokenized = [];
      const units = analyzer.units(text);
      expect(units.length).toBe(/^1+$/.test(text) ? 0 : units.length || 1); // numbers are no words
      expect(Math.max(...tokenized), text.slice(0, 5)).toBeLessThanOrEqual(MAX_SEGMENT);
      expect(tokenized.reduce((a, b) => a + b, 0)).toBe(text.length);
    }
  });

  it('a hostile query reaches the tokenizer only within the query limit', () => {
    tokenized = [];
    const response = engines.kuromoji.search('a'.repeat(40_000) + '創業'.repeat(50_000));
    expect(response.mode).toBe('none');
    // Its words are read twice: to search, then for the suggestions of an answer with no hits.
    expect(tokenized.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * MAX_QUERY_CHARS);
    expect(Math.max(...tokenized)).toBeLessThanOrEqual(MAX_SEGMENT);
  });
});
