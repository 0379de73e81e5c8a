import type { AgencyDirectory } from '../catalog/agencies.js';
import { AGENCY_KINDS, PURPOSES } from '../catalog/constants.js';
import type { Program } from '../catalog/schema.js';
import { compactForm, termForm } from './normalize.js';
import { queryValue } from './need-list.js';
import { periodFilters } from './period-filter.js';
import { isImported } from '../sources/program.js';
import type { ProgramTexts } from './program-texts.js';
import type { ProgramLabels } from './program-labels.js';
import { FILTER_FORMS, type ParsedQuery } from './query.js';
import { DocSet } from './scores.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * A query's filters (機関:, 重点:, 予算:, 目的:, 相談:, periods such as 受付中, and quoted phrases) read
 * against the catalog: which programs they allow. Knows nothing of scoring; the engine keeps
 * one per catalog and asks it before ranking.
 */
export class QueryFilters {
  private readonly agencySpellings = new Map<string, string[]>();
  private agencyIndex?: { agencyOf: Int32Array; names: string[] };

  /**
   * `texts`: the programs' texts joined, for phrases (made by the engine on first use);
   * `labels`: the programs by purpose, key project and source, for the filters on those.
   */
  constructor(
    private readonly programs: readonly Program[],
    private readonly agencies: AgencyDirectory,
    private readonly vocabulary: Vocabulary,
    private readonly texts: () => ProgramTexts,
    private readonly labels: ProgramLabels,
    /** A value typed in kana as the catalog writes it (ゆしゅつ → 輸出: kana-reading.ts), for 相談:. */
    private readonly readKana: (text: string) => string = (text) => text,
  ) {}

  /**
   * The programs (catalog positions) every filter of the query allows, or undefined when it has
   * none. A filter that cannot be read adds a Japanese message to `errors`; the rest still run.
   */
  allowedDocs(parsed: ParsedQuery, errors: string[], now: Date): DocSet | undefined {
    // A filter reads the program, or its catalog position (`doc`).
    const filters: Array<(p: Program, doc: number) => boolean> = periodFilters(parsed.period, now);
    // Lists holding every program some filter allows (and others): only their shortest is read.
    // At 100,000 programs, asking each program took a 目的: filter 45 ms; a period filter
    // matches only imported programs (period-filter.ts). Purposes and key projects are read
    // from their lists (program-labels.ts), not from each program's array.
    const within: Array<ArrayLike<number>> = filters.length ? [this.labels.imported] : [];
    // Without a jGrants program a period filter can only answer 0 件: say why (a plain 0 件
    // read as "nothing is open").
    if (filters.length && this.labels.imported.length === 0) {
      // Said to advisors too (Slack), who set no variables: what is missing, not how to configure it (README says how).
      errors.push('受付中・締切・受付期間の条件は、受付期間の分かる事業 (Jグランツから取り込んだ事業) にだけ使えます。いまのカタログにはありません (Jグランツからの取り込みが有効になっていません)。');
    }
    const inList = (docs: Int32Array) => {
      const set = new DocSet(this.programs.length);
      set.addAll(docs);
      filters.push((_, doc) => set.has(doc));
      within.push(docs);
    };
    // A filter said twice is one filter (and one message when it cannot be read).
    for (const value of new Set(parsed.agencies)) {
      const v = compactForm(value);
      // A kind (商工会) names exactly that kind: 鹿児島商工会議所 contains 商工会 but is not one.
      const isKind = (AGENCY_KINDS as readonly string[]).some((k) => termForm(k) === v);
      const matchesAgency = (name: string) => {
        if (isKind) {
          const agency = this.agencies.resolve(name);
          return agency ? termForm(agency.kind) === v : false;
        }
        return this.compactSpellings(name).some((s) => s === v || (v.length >= 2 && s.includes(v)));
      };
      // Once per agency named in the catalog, not per program (100,000 programs, a few hundred agencies).
      const { agencyOf, names } = this.agencyNumbers();
      const yes = new Uint8Array(names.length);
      names.forEach((name, i) => {
        if (matchesAgency(name)) yes[i] = 1;
      });
      if (yes.includes(1)) filters.push((_, doc) => yes[agencyOf[doc]!] === 1);
      else errors.push(`機関「${value}」の事業はカタログにありません。${FILTER_FORMS.agency} のように、機関名・略称・種類 (県, 市, 商工会議所, 商工会, 金融機関, 大学, 国の機関, 団体) で指定してください。`);
    }
    // Programs listing any of the numbers.
    for (const numbers of parsed.keyProjects) inList(union(numbers.map((n) => this.labels.keyProjects.having(n)), this.programs.length));
    for (const { min, max } of parsed.budgets) {
      // A jGrants program has no budget but a maximum amount per applicant (上限額), which is what
      // an advisor's 予算:100万以上 asks of it: it never matched one (walk-through).
      const amount = (p: Program) => p.budgetThousandYen ?? (isImported(p) && p.imported.maxAmountYen !== undefined ? p.imported.maxAmountYen / 1000 : undefined);
      filters.push((p) => {
        const a = amount(p);
        return a !== undefined && (min === undefined || a >= min) && (max === undefined || a <= max);
      });
    }
    for (const value of new Set(parsed.purposes)) {
      const purposes = this.vocabulary.purposesNamed(value);
      if (purposes.length) inList(union(purposes.map((x) => this.labels.purposes.having(x)), this.programs.length));
      else errors.push(`目的「${value}」に当たるカテゴリがありません。次のいずれか (またはその一部) を指定してください: ${PURPOSES.join(' / ')}`);
    }
    // 相談の種類, read from the lists of the needs programs have (as purposes are), by one name.
    for (const value of new Set(parsed.needs)) {
      // Typed in kana (相談:ゆしゅつ), a value no need's name holds is read as the catalog writes it.
      let named = this.vocabulary.needNamed(value, this.labels.needs.labels());
      if (named.need === undefined && !named.many) named = this.vocabulary.needNamed(this.readKana(value), this.labels.needs.labels());
      const { need, many } = named;
      if (need !== undefined) inList(this.labels.needs.having(need));
      else if (many && many.length <= MAX_NEEDS_AT_ONCE) {
        // 相談:海外 is any of the 海外 needs (as 目的: takes every category it names): 0 件 told
        // an advisor nothing, and the note says which ones, to pick one.
        inList(union(many.map((n) => this.labels.needs.having(n)), this.programs.length));
        errors.push(`相談「${value}」は ${many.length} 件の相談の種類のいずれかとして絞り込みました: ${listed(many, MAX_NEEDS_AT_ONCE)}。一つに絞るには、例えば 相談:${queryValue(many[0]!)} と指定してください。`);
      } else if (many) errors.push(`相談「${value}」に当たる相談の種類が ${many.length} 件あり、絞り込めません: ${listed(many, 8)}。もっと長く (例 相談:${queryValue(many[0]!)}) 指定してください。`);
      else {
        const near = this.vocabulary.needsNear(value, this.labels.needs.labels());
        errors.push(`相談「${value}」に当たる相談の種類がありません。${near.length ? `近いもの: ${near.map((n) => `相談:${queryValue(n)}`).join(' / ')}。` : ''}${NEED_LIST_HINT}`);
      }
    }
    for (const phrase of new Set(parsed.phrases)) {
      const docs = this.texts().containing('all', compactForm(phrase));
      const containing = new DocSet(this.programs.length);
      for (const doc of docs) containing.add(doc);
      filters.push((_, doc) => containing.has(doc));
      within.push(docs);
    }
    if (!filters.length) return undefined;
    const allowed = new DocSet(this.programs.length);
    const shortest = within.reduce<ArrayLike<number> | undefined>((a, b) => (a && a.length <= b.length ? a : b), undefined);
    if (shortest) {
      for (let i = 0; i < shortest.length; i++) {
        const doc = shortest[i]!;
        if (filters.every((f) => f(this.programs[doc]!, doc))) allowed.add(doc);
      }
      return allowed;
    }
    this.programs.forEach((p, doc) => {
      if (filters.every((f) => f(p, doc))) allowed.add(doc);
    });
    return allowed;
  }

  /** Each program's agency as a number (its place in `names`), made on the first agency filter. */
  private agencyNumbers(): { agencyOf: Int32Array; names: string[] } {
    if (!this.agencyIndex) {
      const numbers = new Map<string, number>();
      const agencyOf = new Int32Array(this.programs.length);
      this.programs.forEach((p, doc) => {
        let n = numbers.get(p.agency);
        if (n === undefined) numbers.set(p.agency, (n = numbers.size));
        agencyOf[doc] = n;
      });
      this.agencyIndex = { agencyOf, names: [...numbers.keys()] };
    }
    return this.agencyIndex;
  }

  /** An agency as written and its other spellings, in compact form (made once per agency). */
  private compactSpellings(agency: string): string[] {
    let spellings = this.agencySpellings.get(agency);
    if (!spellings) this.agencySpellings.set(agency, (spellings = [agency, ...this.agencies.spellingsOf(agency)].map(compactForm)));
    return spellings;
  }
}

/** A `相談:` value naming more needs than this (相談:たい names 70) filters nothing: it asks for a longer one. */
const MAX_NEEDS_AT_ONCE = 8;

/** How to see every need, for a `相談:` value that names none (every surface lists them: help.ts, console, `shien needs`). */
const NEED_LIST_HINT = '相談の種類の一覧は「相談の種類」と入力すると表示します (コマンドラインでは shien needs)。';

/** Up to `max` names joined, and how many more. */
function listed(names: readonly string[], max: number): string {
  return names.slice(0, max).join(' / ') + (names.length > max ? ` ほか ${names.length - max} 件` : '');
}

/** The programs of any of `lists` (catalog positions below `bound`, each list ascending), ascending, each once. */
function union(lists: Int32Array[], bound: number): Int32Array {
  if (lists.length === 1) return lists[0]!;
  const marks = new Uint8Array(bound);
  let count = 0;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      if (!marks[list[i]!]) count++;
      marks[list[i]!] = 1;
    }
  }
  const out = new Int32Array(count);
  for (let doc = 0, k = 0; k < count; doc++) if (marks[doc]) out[k++] = doc;
  return out;
}
