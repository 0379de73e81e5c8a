import type { Program } from '../catalog/schema.js';
import { groupDigits } from '../render/numbers.js';
import { isImported } from './program.js';


/** 3,000,000 → 300万円; 150,000,000 → 1億5,000万円. */
export function formatYen(yen: number): string {
  if (yen < 10_000) return `${groupDigits(yen)}円`;
  const man = Math.round(yen / 10_000);
  const oku = Math.floor(man / 10_000);
  const rest = man - oku * 10_000;
  if (!oku) return `${groupDigits(man)}万円`;
  return rest ? `${groupDigits(oku)}億${groupDigits(rest)}万円` : `${groupDigits(oku)}億円`;
}

/**
 * What a result line says about money for an imported program: jGrants gives a maximum
 * amount per applicant, not a budget. Undefined for catalog programs (they show their budget).
 */
export function maxAmountLabel(program: Program): string | undefined {
  if (!isImported(program)) return undefined;
  return program.imported.maxAmountYen !== undefined ? `上限 ${formatYen(program.imported.maxAmountYen)}` : '上限額の記載なし';
}
