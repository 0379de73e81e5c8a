import type { Program } from '../catalog/schema.js';
import { groupDigits } from '../render/numbers.js';
import { isImported } from './program.js';


/**
 * 3,000,000 → 300万円; 150,000,000 → 1億5,000万円; 2,666,000 → 266万6,000円. Exact, never
 * rounded: a 上限 rounded to the nearest 万 was overstated (15,000 read 2万円, 4,995,000 500万円).
 */
export function formatYen(yen: number): string {
  const whole = Math.floor(yen);
  const man = Math.floor(whole / 10_000);
  const below = whole - man * 10_000;
  const oku = Math.floor(man / 10_000);
  const restMan = man - oku * 10_000;
  const words = `${oku ? `${groupDigits(oku)}億` : ''}${restMan ? `${groupDigits(restMan)}万` : ''}${below ? groupDigits(below) : ''}`;
  return `${words || '0'}円`;
}

/**
 * What a result line says about money for an imported program: jGrants gives a maximum
 * amount per applicant, not a budget. Undefined for catalog programs (they show their budget).
 */
export function maxAmountLabel(program: Program): string | undefined {
  if (!isImported(program)) return undefined;
  return program.imported.maxAmountYen !== undefined ? `上限 ${formatYen(program.imported.maxAmountYen)}` : '上限額の記載なし';
}
