import { PURPOSES, type Purpose } from '../catalog/constants.js';
import type { Analyzer } from './analyzer.js';
import { compactForm, escapeRegExp, termForm } from './normalize.js';
import { closestNames, type NeedsTaxonomy } from '../catalog/needs.js';
import type { SynonymsFile } from './synonyms-file.js';
import { foldBuiltIn } from './variants.js';

/**
 * Domain vocabulary from `seeds/synonyms.yaml`, maintained by staff: synonym groups,
 * colloquial intents and short names for the purpose categories; with the 相談の種類 of
 * `seeds/needs.yaml` (when there is one), for naming needs in `相談:` filters and lists.
 */
/** A vocabulary word in index form: the whole term and, for a compound, its parts. */
export interface TermSpec {
  term: string;
  parts: string[];
  /** Reading in hiragana ('' when unknown). */
  reading: string;
  /** As staff wrote it, for messages and suggestions. */
  label: string;
}

export class Vocabulary {
  private readonly groupsByTerm = new Map<string, TermSpec[][]>();
  private readonly byReading = new Map<string, TermSpec>();
  /** Uninflected kanji words of the intents' phrases (閉店), for readings and the served lexicon. */
  private readonly saidWords: TermSpec[];
  private readonly intents: Array<{ says: RegExp[]; saysAlone: RegExp[]; unless: RegExp[]; means: TermSpec[]; purposes: Purpose[] }>;
  /** Every group's words as a question would contain them (compact form), for `saysAlone`. */
  private readonly groupWords: RegExp[];
  private readonly purposeWords: Array<{ purpose: Purpose; words: string[] }>;
  readonly groups: TermSpec[][];

  /**
   * `fold` writes spelling variants in one form (Variants.fold), as the index does. `needs`:
   * seeds/needs.yaml as read (no part of `source`, so not of the index's fingerprint: it
   * changes no word searched).
   */
  constructor(
    readonly source: SynonymsFile,
    analyzer: Analyzer,
    private readonly fold: (text: string) => string = foldBuiltIn,
    readonly needs?: NeedsTaxonomy,
  ) {
    const file = source;
    const spec = (label: string): TermSpec => {
      const units = analyzer.units(fold(label));
      const raw = termForm(fold(label));
      const reading = units.map((u) => u.reading).join('');
      if (units.length === 1 && units[0]!.term === raw) return { term: raw, parts: units[0]!.parts, reading, label };
      // Analysis changed the word (第二創業 loses 第二, m&a splits into m and a): keep it whole,
      // with the analysed words as parts so it can still match where it is written apart.
      const parts = units.flatMap((u) => (u.parts.length ? u.parts : [u.term]));
      return { term: raw, parts: parts.length >= 2 ? parts : [], reading, label };
    };
    this.groups = file.groups.map((g) => g.map(spec));
    for (const group of this.groups) {
      for (const member of group) {
        const list = this.groupsByTerm.get(member.term) ?? [];
        list.push(group);
        this.groupsByTerm.set(member.term, list);
        if (member.reading && !this.byReading.has(member.reading)) this.byReading.set(member.reading, member);
      }
    }
    const pattern = (x: string) => saysPattern(termForm(fold(x)));
    this.intents = file.intents.map((i) => ({ says: i.says.map(pattern), saysAlone: (i.saysAlone ?? []).map(pattern), unless: (i.unless ?? []).map(pattern), means: i.means.map(spec), purposes: i.purposes ?? [] }));
    // The kanji words of the intents' phrases (閉店, 廃業, 引退…), by their readings too: へいてんしたい
    // found nothing, since only the groups' words could be read from kana.
    const said = new Map<string, TermSpec>();
    for (const phrase of file.intents.flatMap((i) => [...i.says, ...(i.saysAlone ?? [])])) {
      for (const u of analyzer.units(fold(phrase))) {
        if (KANJI_WORD.test(u.surface) && u.term === termForm(u.surface) && u.reading && !said.has(u.term)) said.set(u.term, { term: u.term, parts: u.parts, reading: u.reading, label: u.surface });
      }
    }
    this.saidWords = [...said.values()];
    for (const w of this.saidWords) if (!this.byReading.has(w.reading)) this.byReading.set(w.reading, w);
    this.groupWords = [...new Set(file.groups.flat().map((w) => compactForm(fold(w))))].filter((w) => w.length >= 2).map(wordPattern);
    this.purposeWords = PURPOSES.map((purpose) => ({
      purpose,
      words: [purpose, ...(file.purposes[purpose] ?? [])].map((x) => termForm(fold(x))),
    }));
  }

  /** Other members of every group `term` belongs to. */
  synonymsOf(term: string): TermSpec[] {
    const seen = new Set([term]);
    const out: TermSpec[] = [];
    for (const group of this.groupsByTerm.get(term) ?? []) {
      for (const member of group) {
        if (seen.has(member.term)) continue;
        seen.add(member.term);
        out.push(member);
      }
    }
    return out;
  }

  /** The vocabulary word whose reading a kana query spells (じぎょうしょうけい → 事業承継). */
  byKanaReading(kana: string): TermSpec | undefined {
    return this.byReading.get(kana);
  }

  /**
   * What a colloquial question means, from the intents whose phrases it contains: the words
   * to search for, and the purpose categories (reviewed per program in the catalog) it names.
   */
  intentsOf(query: string): { means: TermSpec[]; purposes: Purpose[] } {
    const q = compactForm(query);
    const intents = this.intents.filter((intent) => !intent.unless.some((s) => s.test(q)));
    const said = intents.filter((intent) => intent.says.some((s) => s.test(q)));
    // 始めたい alone means 開業; 輸出を始めたい names another need, and means that.
    if (!said.length && !this.groupWords.some((w) => w.test(q))) said.push(...intents.filter((intent) => intent.saysAlone.some((s) => s.test(q))));
    const means: TermSpec[] = [];
    const purposes = new Set<Purpose>();
    for (const intent of said) {
      means.push(...intent.means);
      for (const p of intent.purposes) purposes.add(p);
    }
    return { means, purposes: [...purposes] };
  }

  /** Purpose categories a `目的:` value names (a category name, part of one, or a short name). */
  purposesNamed(value: string): Purpose[] {
    const v = termForm(value);
    if (!v) return [];
    const exact = this.purposeWords.filter((p) => p.words.includes(v)).map((p) => p.purpose);
    if (exact.length) return exact;
    return this.purposeWords.filter((p) => termForm(p.purpose).includes(v)).map((p) => p.purpose);
  }

  /**
   * The need (相談の種類) a `相談:` value names among `names` (the needs programs list, and the
   * taxonomy's): one whose whole name it is, else the one name containing it; `many`: every name
   * containing it, when there are several. Compared with width, case, kana, spaces and spelling
   * variants folded (the query was folded before it was read: 子ども is 子供 by then).
   */
  needNamed(value: string, names: Iterable<string>): { need?: string; many?: string[] } {
    const form = (text: string) => compactForm(this.fold(text));
    const v = form(value);
    if (!v) return {};
    // The taxonomy's order first (the order its list shows), then needs only programs name.
    const all = [...new Set([...(this.needs?.needs.map((n) => n.name) ?? []), ...names])].map((name) => ({ name, form: form(name) }));
    const exact = all.find((n) => n.form === v);
    if (exact) return { need: exact.name };
    // Every need the value is part of, wherever it stands: preferring the names that begin with it
    // made 相談:輸出 輸出商社を通じて売りたい alone (3 件) and dropped 海外に輸出したい (24), unsaid.
    const found = all.filter((n) => n.form.includes(v));
    if (found.length === 1) return { need: found[0]!.name };
    if (found.length > 1) return { many: found.map((n) => n.name) };
    return {};
  }

  /** The names of the taxonomy and `names` closest to `value`, for a `相談:` value that names none. */
  needsNear(value: string, names: Iterable<string>, max = 3): string[] {
    const all = [...new Set([...(this.needs?.needs.map((n) => n.name) ?? []), ...names])];
    return closestNames(this.fold(value), all, max, (t) => compactForm(this.fold(t)));
  }

  /** Every word staff listed in groups and intents (for the lexicon and suggestions). */
  allWords(): TermSpec[] {
    return [...this.groups.flat(), ...this.intents.flatMap((i) => i.means), ...this.saidWords];
  }
}

/** A word of kanji only (閉店, 廃業), two or more. */
const KANJI_WORD = /^\p{Script=Han}{2,}$/u;

/** Particles that mark a word's role; a client may use any of them (人を雇う, 人も雇う, 人が雇えない). */
const PARTICLE_AFTER_WORD = /(?<=[\p{Script=Han}\p{Script=Katakana}ー])[をがもは](?=.)/gu;

/** A word as it may occur in a question: a Latin word (it, ec, dx) only as a whole word, not inside another (edit). */
function wordPattern(word: string): RegExp {
  const escaped = escapeRegExp(word);
  return new RegExp(/^[a-z0-9&]+$/.test(word) ? `(?<![a-z])${escaped}(?![a-z])` : escaped, 'u');
}

/**
 * An intent's phrase as a pattern: written as staff wrote it, except that a particle after a
 * kanji or katakana word stands for any of を/が/も/は (人を雇 also finds 人も雇いたい), or for none
 * before a kanji with kana after it (会社を売 finds 会社売りたい, not 会社売上 nor 会社売れ行き).
 */
function saysPattern(says: string): RegExp {
  // Or no particle at all before a kanji written with kana after it (会社売りたい, 店閉めたい), but
  // not before another kanji (会社売上 is the company's sales, not its sale) nor before れ (会社売れ行き,
  // 売れる商品: selling well, not being sold). The kana is not checked to be a verb's ending.
  return new RegExp(
    escapeRegExp(says).replace(PARTICLE_AFTER_WORD, (_, at: number, text: string) => {
      const next = text[at + 1]!;
      return /\p{Script=Han}/u.test(next) ? `(?:[をがもは]|(?=${next}(?!れ)\\p{Script=Hiragana}))` : '[をがもは]';
    }),
    'u',
  );
}
