/**
 * Digits grouped by three as ja-JP writes them (1234567.5 → 1,234,567.5), for amounts in a
 * result line. `Intl.NumberFormat` would do the same, but the first formatter a process makes
 * loads ICU's locale data: 12 ms of the console's first answer (issue 11). `n` is printed with
 * the decimals it has (callers round first); tests/render/numbers.test.ts holds it equal to
 * Intl.NumberFormat('ja-JP') on whole numbers and on numbers rounded to one decimal.
 */
export function groupDigits(n: number): string {
  // Beyond 1e21 String() writes an exponent; no amount comes near, but say it right anyway.
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return new Intl.NumberFormat('ja-JP').format(n);
  const [whole, decimals] = String(Math.abs(n)).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${decimals ? '.' + decimals : ''}`;
}
