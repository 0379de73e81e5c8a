import type { Program } from '../catalog/schema.js';
import { groupDigits } from './numbers.js';

export const NO_BUDGET = '予算額の記載なし';


/**
 * A budget in thousands of yen as people say it: 5,409 → 540.9万円, 146,520 → 1億4,652万円,
 * 800 → 80万円. Amounts below 1万円 stay in 円.
 */
export function formatYenFromThousands(thousandYen: number): string {
  const yen = thousandYen * 1000;
  if (yen < 10_000) return `${groupDigits(yen)}円`;
  const man = yen / 10_000;
  if (man < 10_000) return `${trimDecimal(man)}万円`;
  const totalMan = Math.round(man); // round first, so 1億9,999.5万 becomes 2億, not 1億10,000万
  const oku = Math.floor(totalMan / 10_000);
  const restMan = totalMan - oku * 10_000;
  return restMan ? `${groupDigits(oku)}億${groupDigits(restMan)}万円` : `${groupDigits(oku)}億円`;
}

function trimDecimal(n: number): string {
  const rounded = Math.round(n * 10) / 10;
  return groupDigits(rounded);
}

/** The budget line of a program: the amount, the printed text when it is not a number, or 「予算額の記載なし」. */
export function formatBudget(program: Pick<Program, 'budgetThousandYen' | 'budgetText' | 'fiscalYear'>): string {
  const year = program.fiscalYear ? `R${program.fiscalYear - 2018}予算 ` : '';
  if (program.budgetThousandYen != null) return `${year}${formatYenFromThousands(program.budgetThousandYen)}`;
  if (program.budgetText?.trim() && !/^[－ー―-]$/.test(program.budgetText.trim())) return `${year}${program.budgetText.trim()}`;
  return NO_BUDGET;
}
