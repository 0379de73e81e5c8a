/** The one boundary every query passes (src/search/query-bounds.ts). */
import { describe, expect, it } from 'vitest';
import { boundQuery, MAX_QUERY_CHARS, MAX_QUERY_WORDS, withoutControls } from '../../src/search/query-bounds.js';

const codePoints = (s: string) => [...s].length;

describe('withoutControls', () => {
  it('removes NUL and every other C0/C1 control, keeping the text around them', () => {
    const c0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter((c) => !'\t\n\v\f\r'.includes(c));
    const c1 = Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)).filter((c) => c !== '\u0085');
    for (const control of [...c0, ...c1]) expect(withoutControls(`創業${control}補助金`), control.charCodeAt(0).toString(16)).toBe('創業補助金');
  });

  it('turns line breaks, tabs and Unicode line separators into spaces (they separate words)', () => {
    expect(withoutControls('創業\n補助金\t輸出\r\n融資\u0085承継\u2028人材')).toBe('創業 補助金 輸出  融資 承継 人材');
  });

  it('drops unpaired surrogate halves and keeps paired ones (emoji)', () => {
    expect(withoutControls('\ud800創業\udfff😀\ud83d')).toBe('創業😀');
  });

  it('leaves ordinary text alone', () => {
    expect(withoutControls('事業承継 補助金 機関:ジェトロ "M&A" <!channel> *_~`')).toBe('事業承継 補助金 機関:ジェトロ "M&A" <!channel> *_~`');
  });
});

describe('boundQuery', () => {
  it('keeps an ordinary query as typed (not normalised), not shortened', () => {
    expect(boundQuery('ＤＸ　補助金')).toEqual({ text: 'ＤＸ 補助金', shortened: false });
    expect(boundQuery('  事業承継   補助金 \n')).toEqual({ text: '事業承継 補助金', shortened: false });
  });

  it(`cuts a long query to ${MAX_QUERY_CHARS} characters and says so`, () => {
    for (const raw of ['a'.repeat(40_000), '創業'.repeat(50_000), 'ア'.repeat(MAX_QUERY_CHARS + 1)]) {
      const bounded = boundQuery(raw);
      expect(bounded.shortened).toBe(true);
      expect(codePoints(bounded.text)).toBe(MAX_QUERY_CHARS);
      expect(raw.normalize('NFKC').startsWith(bounded.text)).toBe(true);
    }
  });

  it(`a query of exactly ${MAX_QUERY_CHARS} characters is not shortened`, () => {
    expect(boundQuery('創'.repeat(MAX_QUERY_CHARS))).toEqual({ text: '創'.repeat(MAX_QUERY_CHARS), shortened: false });
  });

  it('counts characters after NFKC: half-width kana that compose are one character each', () => {
    // ｶﾞ is two code points that NFKC makes one (ガ): 150 of them are 150 characters, within the limit.
    const bounded = boundQuery('ｶﾞ'.repeat(150));
    expect(bounded.shortened).toBe(false);
    expect(bounded.text.normalize('NFKC')).toBe('ガ'.repeat(150));
  });

  it('counts code points, never cutting an emoji in half', () => {
    const bounded = boundQuery('😀'.repeat(1000));
    expect(bounded.shortened).toBe(true);
    expect(bounded.text).toBe('😀'.repeat(MAX_QUERY_CHARS));
  });

  it('stays bounded on a pile of combining marks (normalised only after a first cut)', () => {
    const bounded = boundQuery('a' + '\u0301\u0316\u0489'.repeat(100_000));
    expect(bounded.shortened).toBe(true);
    expect(codePoints(bounded.text)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
  });

  it(`keeps at most ${MAX_QUERY_WORDS} words`, () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const bounded = boundQuery(words.join(' '));
    expect(bounded).toEqual({ text: words.slice(0, MAX_QUERY_WORDS).join(' '), shortened: true });
    expect(boundQuery(words.slice(0, MAX_QUERY_WORDS).join(' ')).shortened).toBe(false);
  });

  it('a control separates words, as a tab does, without calling it shortened; nothing but controls is an empty query', () => {
    expect(boundQuery('創業\u0000補助金')).toEqual({ text: '創業 補助金', shortened: false });
    expect(boundQuery('創業\u0007\u007f補助金\u0000')).toEqual({ text: '創業 補助金', shortened: false });
    expect(boundQuery('\u0000'.repeat(10))).toEqual({ text: '', shortened: false });
    expect(boundQuery('\u0000'.repeat(40_000))).toEqual({ text: '', shortened: true });
  });

  it('a terminal escape sequence pasted with the query goes whole, leaving no 「[31m」 to search for', () => {
    expect(boundQuery('\u001b[31m創業\u001b[0m')).toEqual({ text: '創業', shortened: false });
    expect(boundQuery('\u001b[1;32;40m輸出\u001b[K 補助金')).toEqual({ text: '輸出 補助金', shortened: false });
    expect(boundQuery('\u001b]0;pwned\u0007創業')).toEqual({ text: '創業', shortened: false });
    expect(boundQuery('\u001b]0;pwned\u001b\\創業')).toEqual({ text: '創業', shortened: false });
    expect(boundQuery('\u009b2J創業')).toEqual({ text: '創業', shortened: false });
    // A lone ESC before ordinary text takes nothing with it but a following letter-like byte.
    expect(boundQuery('創業\u001b')).toEqual({ text: '創業', shortened: false });
  });
});
