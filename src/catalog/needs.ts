import type { Purpose } from './constants.js';

/**
 * The 相談の種類 (needs) taxonomy of seeds/needs.yaml as served: plain data and the small
 * helpers every surface shares, apart from the file's zod schema (needs-file.ts) so that a
 * start serving from the index file, which carries the validated taxonomy, does not load zod.
 */
export interface NeedEntry {
  name: string;
  /** One line saying what the need is (written by a helper, awaiting staff review). */
  description: string;
  /** The purpose categories it falls under, when the file says so. */
  purposes?: Purpose[];
}

export interface NeedsTaxonomy {
  needs: NeedEntry[];
}

/** Characters of `text` as pairs (a one-character text is its own pair), for closeness. */
function pairsOf(text: string): Set<string> {
  const chars = [...text];
  if (chars.length < 2) return new Set(chars);
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) pairs.add(chars[i]! + chars[i + 1]!);
  return pairs;
}

/** Dice's coefficient below which a name is not offered as close. */
const MIN_CLOSENESS = 0.2;

/**
 * The names closest to `value` (a misspelt need, an unknown `相談:` value), closest first, at
 * most `max`: by shared pairs of characters (Dice's coefficient), so 運転資金を借りる finds
 * 運転資金を借りたい. Names sharing less than a fifth are not close (ぜんぜん違う shares one pair with
 * 生産現場を改善したい (カイゼン), 0.12). `form` compares in one form (width, kana).
 */
export function closestNames(value: string, names: readonly string[], max = 3, form: (text: string) => string = (t) => t): string[] {
  const want = pairsOf(form(value));
  if (!want.size) return [];
  return names
    .map((name, order) => {
      const have = pairsOf(form(name));
      let shared = 0;
      for (const pair of want) if (have.has(pair)) shared++;
      return { name, order, score: (2 * shared) / (want.size + have.size) };
    })
    .filter((c) => c.score >= MIN_CLOSENESS)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, max)
    .map((c) => c.name);
}

/** Names of the taxonomy no program lists (a warning, not an error: a need may await its programs). */
export function unusedNeeds(taxonomy: NeedsTaxonomy, programs: ReadonlyArray<{ needs?: readonly string[] }>): string[] {
  const used = new Set<string>();
  for (const p of programs) for (const need of p.needs ?? []) used.add(need);
  return taxonomy.needs.map((n) => n.name).filter((name) => !used.has(name));
}
