import { PURPOSES, type Purpose } from '../catalog/constants.js';
import type { NeedsTaxonomy } from '../catalog/needs.js';
import type { Program } from '../catalog/schema.js';

/**
 * The 相談の種類 (needs) as every surface lists them (`/支援 相談の種類`, the console, `shien
 * needs`): grouped by the purposes seeds/needs.yaml gives them (else the one most of their
 * programs have), each with how many programs
 * list it and the `相談:` value that filters by it. Knows nothing of Slack.
 */
export interface ListedNeed {
  name: string;
  /** needs.yaml's line, when the file names this need. */
  description?: string;
  /** Programs listing it. */
  count: number;
  /** What to type after `相談:` (the query is cut at spaces: 経営を立て直したい(事業再生)). */
  query: string;
}

export interface NeedGroup {
  /** The purpose the group's needs fall under; none: needs.yaml gives them none (or there is no file). */
  purpose?: Purpose;
  needs: ListedNeed[];
}

export interface NeedList {
  /** Distinct needs listed (a need under two purposes counted once). */
  size: number;
  /** Whether needs.yaml was read (descriptions and purposes come from it). */
  fromFile: boolean;
  groups: NeedGroup[];
}

/** What a group with no purpose is called, when needs.yaml gives the others theirs. */
export const NO_PURPOSE_TITLE = '目的をまたぐ相談';

/**
 * The needs of `taxonomy` (in its order) and any other need a program lists (in catalog order:
 * without a needs.yaml, all of them), counted over `programs`. A need is listed under each
 * purpose the file gives it, in the purposes' own order; needs without one come last.
 */
export function needList(programs: readonly Program[], taxonomy: NeedsTaxonomy | undefined): NeedList {
  const counts = new Map<string, number>();
  // Per need, how many of its programs have each purpose.
  const purposeCounts = new Map<string, Map<string, number>>();
  for (const p of programs) {
    for (const need of new Set(p.needs ?? [])) {
      counts.set(need, (counts.get(need) ?? 0) + 1);
      const byPurpose = purposeCounts.get(need) ?? purposeCounts.set(need, new Map()).get(need)!;
      for (const purpose of new Set(p.purposes ?? [])) byPurpose.set(purpose, (byPurpose.get(purpose) ?? 0) + 1);
    }
  }
  const entries = [...(taxonomy?.needs ?? [])];
  const named = new Set(entries.map((n) => n.name));
  for (const name of counts.keys()) if (!named.has(name)) entries.push({ name, description: '' });
  const listed = (e: (typeof entries)[number]): ListedNeed => ({ name: e.name, ...(e.description ? { description: e.description } : {}), count: counts.get(e.name) ?? 0, query: queryValue(e.name) });
  // A need the file gives no purpose is listed under the purpose most of its programs have
  // (more than half): 運転資金を借りたい (4 of its 6 programs 資金繰り) was listed apart, under
  // 目的をまたぐ相談, and 資金繰り's group showed only 返済を見直したい.
  const mostly = (name: string): string | undefined => {
    const total = counts.get(name) ?? 0;
    for (const [purpose, n] of purposeCounts.get(name) ?? []) if (n * 2 > total) return purpose;
    return undefined;
  };
  const purposesOf = (e: (typeof entries)[number]): readonly string[] => (e.purposes?.length ? e.purposes : [mostly(e.name)].filter((p) => p !== undefined));
  const groups: NeedGroup[] = PURPOSES.map((purpose) => ({ purpose, needs: entries.filter((e) => purposesOf(e).includes(purpose)).map(listed) }));
  groups.push({ needs: entries.filter((e) => !purposesOf(e).length).map(listed) });
  return { size: entries.length, fromFile: taxonomy !== undefined, groups: groups.filter((g) => g.needs.length) };
}

/** A need as a `相談:` value: the query is cut at spaces, so a name's spaces are left out. */
export function queryValue(need: string): string {
  return need.replace(/\s+/g, '');
}

/** Words that ask for the list instead of searching (on every surface, as help words are). */
const NEED_LIST_WORDS = new Set(['相談の種類', '相談の種類一覧', '相談の種類の一覧', '相談一覧']);

export function isNeedListRequest(text: string): boolean {
  return NEED_LIST_WORDS.has(text.normalize('NFKC').trim());
}
