/**
 * The four 重点プロジェクト of the 商工業振興プラン. Programs store only the number
 * (`keyProjects: [2]`); the titles live here and nowhere else.
 */
export const KEY_PROJECTS = {
  1: '高付加価値な産業を創出する企業・人材の育成支援プロジェクト',
  2: '地域産業の生産性向上・安定化プロジェクト',
  3: '海外取引拡大プロジェクト',
  4: '若者の地元定着促進プロジェクト',
} as const satisfies Record<number, string>;

export type KeyProjectNumber = keyof typeof KEY_PROJECTS;

export const KEY_PROJECT_NUMBERS = [1, 2, 3, 4] as const satisfies readonly KeyProjectNumber[];

/** Circled digits as printed in the source document (①–④). */
export const CIRCLED_DIGITS = ['①', '②', '③', '④'] as const;

export function keyProjectTitle(n: KeyProjectNumber): string {
  return KEY_PROJECTS[n];
}

/** "②地域産業の…" → 2; returns undefined when the text names no project. */
export function keyProjectFromText(text: string): KeyProjectNumber | undefined {
  for (const [i, digit] of CIRCLED_DIGITS.entries()) {
    if (text.includes(digit)) return (i + 1) as KeyProjectNumber;
  }
  for (const n of KEY_PROJECT_NUMBERS) {
    if (text.includes(KEY_PROJECTS[n])) return n;
  }
  return undefined;
}
