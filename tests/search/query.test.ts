/** The query language (src/search/query.ts): amounts, key projects, and how a query is cut up. */
import { describe, expect, it } from 'vitest';
import { PURPOSES } from '../../src/catalog/schema.js';
import { parseBudget, parseKeyProject, parseQuery } from '../../src/search/query.js';

describe('parseBudget (amounts in 千円)', () => {
  it.each([
    ['1000万以上', { min: 10_000 }],
    ['500万以下', { max: 5_000 }],
    ['1億以上', { min: 100_000 }],
    ['1.5億以上', { min: 150_000 }],
    ['1千万以上', { min: 10_000 }],
    ['3百万以上', { min: 3_000 }],
    ['1000万円以上', { min: 10_000 }],
    ['1,000万以上', { min: 10_000 }],
    ['5000千円以上', { min: 5_000 }],
    ['500000円以下', { max: 500 }],
    ['0円以上', { min: 0 }],
  ])('%s → %o', (text, range) => {
    expect(parseBudget(text)).toEqual(range);
  });

  it.each([
    ['1億未満', { max: 99_999 }],
    ['300万超', { min: 3_001 }],
    ['1億より上', { min: 100_001 }],
    ['1億より下', { max: 99_999 }],
  ])('strict bounds on whole thousands: %s → %o', (text, range) => {
    expect(parseBudget(text)).toEqual(range);
  });

  it.each([
    ['100万〜500万', { min: 1_000, max: 5_000 }],
    ['100万~500万', { min: 1_000, max: 5_000 }],
    ['100万-500万', { min: 1_000, max: 5_000 }],
    ['100万から500万まで', { min: 1_000, max: 5_000 }],
    ['100万から500万', { min: 1_000, max: 5_000 }],
    ['500万〜1億', { min: 5_000, max: 100_000 }],
    ['100万〜100万', { min: 1_000, max: 1_000 }],
    ['1000千円〜5000千円', { min: 1_000, max: 5_000 }],
  ])('range %s → %o', (text, range) => {
    expect(parseBudget(text)).toEqual(range);
  });

  it.each([
    ['1000', 'a bare number has no unit'],
    ['1000以上', 'a bound on a bare number'],
    ['500万', 'an amount without 以上/以下'],
    ['たくさん', 'no amount'],
    ['百万以上', 'a unit without a number'],
    ['500万〜100万', 'a range the wrong way round'],
    ['100〜500万', 'one end without a unit'],
    ['', 'nothing'],
  ])('%s is refused (%s)', (text) => {
    expect(parseBudget(text)).toBeUndefined();
  });

  it('ignores spaces inside the value', () => {
    expect(parseBudget('100万 〜 500万')).toEqual({ min: 1_000, max: 5_000 });
    expect(parseBudget('1000万 以上')).toEqual({ min: 10_000 });
  });

  // KNOWN DEFECT: 超 / 未満 add / subtract one 千円, which is exact only for whole thousands.
  // Observed: parseBudget('1500円超') → {min: 2.5}, parseBudget('1500円未満') → {max: 0.5}; a
  // budget of 2 (2,000円, which is more than 1,500円) is then excluded by 超, and 1 (1,000円) by 未満.
  it('超 and 未満 on an amount that is not whole thousands keep the budgets just past it', () => {
    const over = parseBudget('1500円超')!;
    const under = parseBudget('1500円未満')!;
    expect(2 >= over.min!).toBe(true);
    expect(1 <= under.max!).toBe(true);
  });
});

describe('parseKeyProject', () => {
  it.each([
    ['1', [1]],
    ['3', [3]],
    ['4', [4]],
    ['①', [1]],
    ['③', [3]],
    ['海外', [3]],
    ['若者', [4]],
    ['生産性', [2]],
    ['安定化', [2]],
    ['人材', [1]],
    ['海外取引拡大プロジェクト', [3]],
    ['プロジェクト', [1, 2, 3, 4]],
  ])('%s → %o', (value, numbers) => {
    expect(parseKeyProject(value)).toEqual(numbers);
  });

  it.each(['0', '5', '12', '⑤', '観光', 'xyz'])('%s names no key project', (value) => {
    expect(parseKeyProject(value)).toEqual([]);
  });
});

describe('parseQuery', () => {
  it('cuts a query into words, phrases and filters, in order', () => {
    const q = parseQuery('創業 "事業承継" 機関:ジェトロ 重点:③ 予算:1000万以上 目的:資金繰り 相談:運転資金 補助金 相談の種類:M&A');
    expect(q).toEqual({
      words: ['創業', '補助金'],
      phrases: ['事業承継'],
      agencies: ['ジェトロ'],
      keyProjects: [[3]],
      budgets: [{ min: 10_000 }],
      purposes: ['資金繰り'],
      needs: ['運転資金', 'M&A'],
      errors: [],
    });
  });

  it('reads full-width spaces, colons, digits and quotes (NFKC)', () => {
    const q = parseQuery('予算：１０００万以上　重点：３　＂海外展開＂　創業');
    expect(q.budgets).toEqual([{ min: 10_000 }]);
    expect(q.keyProjects).toEqual([[3]]);
    expect(q.phrases).toEqual(['海外展開']);
    expect(q.words).toEqual(['創業']);
    expect(q.errors).toEqual([]);
  });

  it('takes 「…」 and “…” as phrases, with their spaces', () => {
    expect(parseQuery('「海外 展開」 “事業承継”').phrases).toEqual(['海外 展開', '事業承継']);
  });

  it('accepts the other key names (実施機関, 重点プロジェクト, and the English ones)', () => {
    const q = parseQuery('実施機関:中小機構 重点プロジェクト:2 agency:jetro key:4 budget:1億以上 purpose:融資');
    expect(q.agencies).toEqual(['中小機構', 'jetro']);
    expect(q.keyProjects).toEqual([[2], [4]]);
    expect(q.budgets).toEqual([{ min: 100_000 }]);
    expect(q.purposes).toEqual(['融資']);
    expect(q.errors).toEqual([]);
  });

  it('keeps a word with an unknown key as a word', () => {
    expect(parseQuery('foo:bar URL:http://x').words).toEqual(['foo:bar', 'URL:http://x']);
  });

  it('gives one Japanese message per unreadable filter and still keeps the rest', () => {
    const q = parseQuery('重点:5 予算:たくさん 予算: 創業 機関:ジェトロ');
    expect(q.words).toEqual(['創業']);
    expect(q.agencies).toEqual(['ジェトロ']);
    expect(q.errors).toHaveLength(3);
    expect(q.errors[0]).toContain('「重点:5」');
    expect(q.errors[0]).toContain('重点:1〜4');
    expect(q.errors[1]).toContain('「予算:たくさん」');
    expect(q.errors[1]).toContain('予算:1000万以上');
    expect(q.errors[2]).toContain('「予算:」に値がありません');
  });

  it('leaves purpose names for the engine to resolve (an unknown one is no parse error)', () => {
    const q = parseQuery(`目的:存在しない 目的:${PURPOSES[0]}`);
    expect(q.purposes).toEqual(['存在しない', PURPOSES[0]]);
    expect(q.errors).toEqual([]);
  });

  it('an empty query asks for nothing', () => {
    expect(parseQuery('  　 ')).toEqual({ words: [], phrases: [], agencies: [], keyProjects: [], budgets: [], purposes: [], needs: [], errors: [] });
  });
});
