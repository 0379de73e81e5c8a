/** Budgets as people say them (src/render/budget.ts): catalog amounts are in 千円. */
import { describe, expect, it } from 'vitest';
import { formatBudget, formatYenFromThousands, NO_BUDGET } from '../../src/render/budget.js';
import { groupDigits } from '../../src/render/numbers.js';

describe('formatYenFromThousands', () => {
  it.each([
    [5409, '540.9万円'],
    [146520, '1億4,652万円'],
    [100000, '1億円'],
    [800, '80万円'],
    [10, '1万円'],
    [2240, '224万円'],
    [99999, '9,999.9万円'],
    [1537778, '15億3,778万円'],
    [5, '5,000円'],
    [1, '1,000円'],
    [0, '0円'],
  ])('%i 千円 → %s', (thousandYen, text) => {
    expect(formatYenFromThousands(thousandYen)).toBe(text);
  });

  // KNOWN DEFECT: the 万 remainder is rounded after the 億 are taken, so it can round up to
  // 10,000万. Observed: formatYenFromThousands(199995) → "1億10,000万円" (1億9,999万5千円),
  // formatYenFromThousands(1999999) → "19億10,000万円".
  it('an amount that rounds up to a whole 億 is written as 億 (199,995 千円 → 2億円)', () => {
    expect(formatYenFromThousands(199995)).toBe('2億円');
    expect(formatYenFromThousands(1999999)).toBe('20億円');
  });
});

describe('formatBudget', () => {
  it('null (no budget printed) → 予算額の記載なし', () => {
    expect(formatBudget({ budgetThousandYen: null })).toBe('予算額の記載なし');
    expect(formatBudget({ budgetThousandYen: null })).toBe(NO_BUDGET);
    expect(formatBudget({})).toBe('予算額の記載なし');
  });

  it('an amount, with the fiscal year as R<n>予算 when known', () => {
    expect(formatBudget({ budgetThousandYen: 5409, fiscalYear: 2023 })).toBe('R5予算 540.9万円');
    expect(formatBudget({ budgetThousandYen: 146520 })).toBe('1億4,652万円');
  });

  it('printed text that is not a number is shown as printed; a dash means none', () => {
    expect(formatBudget({ budgetThousandYen: null, budgetText: '未定', fiscalYear: 2023 })).toBe('R5予算 未定');
    expect(formatBudget({ budgetThousandYen: null, budgetText: '－' })).toBe('予算額の記載なし');
    expect(formatBudget({ budgetThousandYen: null, budgetText: ' ' })).toBe('予算額の記載なし');
  });

  it('a budget of 0 is an amount, not a missing budget', () => {
    expect(formatBudget({ budgetThousandYen: 0 })).toBe('0円');
  });
});

describe('groupDigits (amounts without loading ICU)', () => {
  it('writes what Intl.NumberFormat("ja-JP") writes, for whole numbers and numbers rounded to one decimal', () => {
    const whole = new Intl.NumberFormat('ja-JP');
    const oneDecimal = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 1 });
    const values = [0, 1, 9, 10, 999, 1000, 1001, 9999, 10_000, 54_090, 999_999, 1_000_000, 146_520_000, 2 ** 53 - 1, -1234, -12];
    for (let k = 1; k < 200_000; k += 7919) values.push(k * 13);
    for (const v of values) expect(groupDigits(v), String(v)).toBe(whole.format(v));
    for (let k = 0; k < 200_000; k += 4999) {
      const rounded = Math.round(k * 10.37) / 10;
      expect(groupDigits(rounded), String(rounded)).toBe(oneDecimal.format(rounded));
    }
    expect(groupDigits(1e21)).toBe(whole.format(1e21));
  });
});
