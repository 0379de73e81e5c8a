import type { SearchHit, SearchOptions, SearchResponse } from './search-types.js';

/**
 * Questions that ask for two things at once (店を開きたいし開業資金も借りたい, 工場を自動化して
 * 社員のデジタル教育もしたい): the question is cut into its clauses, each is answered on its
 * own, and the page interleaves the best of each with the whole question's answer. Ranked as
 * one, the need with the stronger words took the whole page (issue 16: five export programs
 * for 海外に売りたいし人も雇いたい, none for hiring).
 */

/**
 * Where one clause ends and the next begins: after a verb or adjective ending in 〜たい/〜ない/
 * 〜る/〜た/〜い followed by し and a word (開きたいし開業資金も…, 増やしたいしIT化も…). The split
 * is kept only when both sides have a word of their own. Measured on the blind tuning set and
 * left out: splitting also after the て-form (自動化して…), 〜たいが/けど/ので and commas found
 * one need cut in two as often as two needs (光熱費が上がって|利益が出ない, 社長として|学びたい).
 */
const CLAUSE_END = /(?<=(?:たい|ない|[るたい])し)(?=[^\p{Script=Hiragana}])/u;
/** A clause that says something: a kanji, katakana or Latin word. */
const CONTENT = /[\p{Script=Han}\p{Script=Katakana}A-Za-z]/u;
/** At most this many clauses are answered apart (a question is at most 1,000 characters). */
export const MAX_CLAUSES = 3;

/**
 * How many of the whole question's answers lead a two-need page before each clause's best.
 * Measured on the blind tuning set: with 1, 見本市に出たいし費用の補助もほしい lost the programs
 * that pay for fairs to subsidies in general; 2 keeps them.
 */
export const WHOLE_LEADS = 2;

/** One question answered whole; `probe`: programs to look up in the answer, however far down (`inAnswer`: those it lists). */
export type AnswerWhole = (text: string, options: SearchOptions, probe?: ReadonlySet<string>) => SearchResponse & { inAnswer?: Set<string> };

/**
 * `question` (its free words) answered clause by clause and woven into the whole's page, or
 * undefined when it is one need (fewer than two clauses that each find something on their
 * own). `perClause`: how many of each clause's answers are woven in. Every page agrees with the
 * unpaged list: the woven programs come first on every call and are left out of the whole's
 * rest, and the total counts the programs a clause adds that the whole does not list.
 */
export function answerByClauses(raw: string, question: string, options: SearchOptions, perClause: number, answer: AnswerWhole): SearchResponse | undefined {
  const clauses = clausesOf(question);
  if (!clauses.length) return undefined;
  const now = options.now ?? new Date();
  const answered = clauses.map((c) => answer(c, { limit: perClause, now })).filter((r) => r.hits.length && r.step !== 'nearby');
  if (answered.length < 2) return undefined;
  const offset = options.offset ?? 0;
  const woven = perClause * (answered.length + 1);
  const depth = options.limit === undefined ? undefined : Math.max(woven, offset + options.limit);
  const fromClauses = new Set(answered.flatMap((r) => r.hits.map((h) => h.program.id)));
  const full = answer(raw, { now, ...(depth === undefined ? {} : { limit: depth }) }, fromClauses);
  const hitOf = new Map<string, SearchHit>();
  for (const r of [full, ...answered]) for (const h of r.hits) if (!hitOf.has(h.program.id)) hitOf.set(h.program.id, h);
  const order = interleave(
    full.hits.map((h) => h.program.id),
    answered.map((r) => r.hits.map((h) => h.program.id)),
    woven,
    WHOLE_LEADS,
  );
  const end = options.limit === undefined ? order.length : offset + options.limit;
  const listed = new Set(order);
  let added = 0;
  for (const id of fromClauses) if (listed.has(id) && !full.inAnswer?.has(id)) added++;
  const { inAnswer: _, ...response } = full;
  return { ...response, hits: order.slice(offset, end).map((id) => hitOf.get(id)!), total: full.total + added, clauses: answered.map((r) => r.query) };
}

/** The clauses of a question, when it has two or more with a word of their own; else []. */
export function clausesOf(question: string): string[] {
  const parts = question
    .split(CLAUSE_END)
    .map((p) => p.trim())
    .filter((p) => p && CONTENT.test(p));
  return parts.length >= 2 ? parts.slice(0, MAX_CLAUSES) : [];
}

/**
 * The whole question's order with the clauses' best answers woven in: the whole's first `lead`,
 * then each clause's best not yet listed, then the whole's next, and so on for `depth` places;
 * after that the whole's order. A clause whose best answers the whole already lists changes
 * nothing. Items are unique in the result.
 */
export function interleave<T>(whole: readonly T[], clauses: ReadonlyArray<readonly T[]>, depth: number, lead = 1): T[] {
  const out: T[] = [];
  const taken = new Set<T>();
  const next = [0, ...clauses.map(() => 0)];
  const lists = [whole, ...clauses];
  const take = (k: number): boolean => {
    const list = lists[k]!;
    while (next[k]! < list.length && taken.has(list[next[k]!]!)) next[k]!++;
    if (next[k]! >= list.length) return false;
    const item = list[next[k]!++]!;
    taken.add(item);
    out.push(item);
    return true;
  };
  for (let i = 1; i < lead; i++) take(0);
  while (out.length < depth) {
    let any = false;
    for (let k = 0; k < lists.length && out.length < depth; k++) any = take(k) || any;
    if (!any) break;
  }
  for (const item of whole) if (!taken.has(item)) {
    taken.add(item);
    out.push(item);
  }
  return out;
}
