/**
 * Kana that the catalog mostly writes as a particle or an ending (the たい of 〜したい) is no
 * word in the lexicon a serving process splits questions with (kana-endings.ts), so a
 * question served from the prebuilt index is read as kuromoji reads it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { loadEvalQueries } from '../../src/search/evaluate.js';
import { KanaWordTally, MAX_ENDING_LENGTH, MIN_WORD_SHARE } from '../../src/search/kana-endings.js';
import { LexiconAnalyzer } from '../../src/search/lexicon-analyzer.js';
import { ANALYZER_TIMEOUT, BLIND_FILE, bundledEngine, QUERIES_FILE } from './support.js';

describe('KanaWordTally', () => {
  it('calls a kana surface an ending when the text writes it more often than it was made a word', () => {
    const tally = new KanaWordTally();
    tally.note('たい'); // once, in one context, as a word
    tally.note('まとめ');
    tally.note('まとめ');
    tally.note('支援'); // not kana: never an ending
    for (const text of ['相談したい', '売りたいし雇いたい', '資料のまとめ方', '意見をまとめる', '支援したい']) tally.countWritten(text);
    expect([...tally.endings()]).toEqual(['たい']);
  });

  it(`keeps a surface made a word in at least ${MIN_WORD_SHARE} of the places it is written`, () => {
    const tally = new KanaWordTally();
    tally.note('かご');
    tally.countWritten('かご');
    tally.countWritten('かごしま');
    expect(tally.endings().size).toBe(0);
    tally.countWritten('かごしま');
    expect([...tally.endings()]).toEqual(['かご']);
  });

  it(`never calls a surface longer than ${MAX_ENDING_LENGTH} characters an ending, and has nothing to say before it noted anything`, () => {
    const tally = new KanaWordTally();
    tally.countWritten('したい');
    tally.note('おもてなし');
    for (let i = 0; i < 5; i++) tally.countWritten('おもてなしのおもてなし');
    expect(tally.endings().size).toBe(0);
  });
});

describe('the lexicon of the bundled index', () => {
  let analyzer: Analyzer;
  let engine: SearchEngine;
  let served: LexiconAnalyzer;

  beforeAll(async () => {
    analyzer = await loadAnalyzer();
    engine = await bundledEngine(analyzer);
    served = new LexiconAnalyzer(engine.toJSON().lexicon);
  }, ANALYZER_TIMEOUT);

  const terms = (a: Analyzer | LexiconAnalyzer, text: string) => a.units(text).map((u) => u.term);

  it('holds no particle or ending kuromoji once made a word of', () => {
    const surfaces = new Set(engine.toJSON().lexicon.map((e) => e.surface));
    for (const ending of ['たい', 'つい', 'いま', 'あり']) expect(surfaces.has(ending), ending).toBe(false);
    for (const word of ['まとめ', 'かごしま', 'ものづくり']) expect(surfaces.has(word), word).toBe(true);
  });

  it('cuts no one- or two-kana word out of a longer hiragana word (します, すみません), as kuromoji does not', () => {
    // よろしくお願いします listed 34 かごしま programs on しま; すみません asked for すみ.
    for (const q of ['よろしくお願いします', 'すみません', 'お願いします']) {
      expect(terms(served, q), q).not.toContain('しま');
      expect(terms(served, q), q).not.toContain('すみ');
    }
    // Between particles, or before one, a short kana word stands (kuromoji reads these too).
    for (const q of ['うちの店', 'ほかにありますか', 'このまちを元気にしたい']) expect(terms(served, q), q).toEqual(terms(analyzer, q));
    // After an adjective's い or な too (賑やかなまちにしたい found nothing, in review).
    for (const q of ['賑やかなまちにしたい', '新しいまちをつくりたい', 'まちなかのにぎわい']) expect(terms(served, q), q).toContain('まち');
  });

  it('reads a compound particle as grammar, as kuromoji does (輸出にとって read とっ as 取る)', () => {
    for (const q of ['輸出にとって', '輸出について', '輸出にかんして']) expect(terms(served, q), q).toEqual(['輸出']);
  });

  it('reads 〜したい questions as kuromoji does', () => {
    for (const q of ['外国人を正社員で採用したい', '伝統工芸の後継者を育てたい', '経営革新計画の承認をとりたい']) {
      expect(terms(served, q), q).not.toContain('たい');
    }
    expect(terms(served, '外国人を正社員で採用したい')).toEqual(terms(analyzer, '外国人を正社員で採用したい'));
  });

  it('adds a kana word kuromoji does not read to few of the tuning questions', async () => {
    // Measured: 95 of the 224 tuning questions before (mostly たい), 13 after (いぬ of いん, しま of かごしま…).
    const questions = [...(await loadEvalQueries(QUERIES_FILE)), ...(await loadEvalQueries(BLIND_FILE))].map((q) => q.query);
    const kana = /^[\p{Script=Hiragana}ー]+$/u;
    const withExtraKana = questions.filter((q) => {
      const read = new Set(terms(analyzer, q));
      return terms(served, q).some((t) => kana.test(t) && !read.has(t));
    });
    expect(withExtraKana.length).toBeLessThanOrEqual(20);
  });
});
