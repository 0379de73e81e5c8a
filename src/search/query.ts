import { CIRCLED_DIGITS, KEY_PROJECT_NUMBERS, KEY_PROJECTS, type KeyProjectNumber } from '../catalog/key-projects.js';
import { normalizeText, termForm } from './normalize.js';

/**
 * The query language advisors type (documented in `help`):
 *
 *   創業 補助金            free words: programs with all of them first
 *   "事業承継"             an exact phrase
 *   機関:ジェトロ          agency, any of its spellings, or a kind (商工会議所, 金融機関, …)
 *   重点:3  重点:海外      key project by number or by a word of its title
 *   予算:1000万以上        budget bounds: 以上 / 以下 / 未満 / 超, or a range 100万〜500万
 *   目的:資金繰り          purpose category (a part of its name or a short name)
 *   相談:運転資金          相談の種類 (a program's `needs`): a name, or the one name it begins or is part of
 *
 * Parsing never fails: a malformed filter becomes an error message and the rest runs.
 */
export type FilterKey = 'agency' | 'keyProject' | 'budget' | 'purpose' | 'need' | 'deadline' | 'area';

/**
 * Application-period filters (programs imported from jGrants have periods; the catalog's own
 * do not, so these filters never match them): `受付中`, `締切:30日以内`, `地域:鹿児島県`.
 */
export interface PeriodQuery {
  /** 受付中: accepting applications now. */
  accepting?: boolean;
  /** 締切:N日以内: accepting now and closing within N days (JST calendar days). */
  deadlineWithinDays?: number;
  /** 今月締切: accepting now and closing by the end of this month (JST). */
  deadlineThisMonth?: boolean;
  /** 地域:…: target areas (a program for 全国 is for every area). */
  areas?: string[];
}

export interface BudgetRange {
  /** Thousands of yen, inclusive bounds. */
  min?: number;
  max?: number;
}

export interface ParsedQuery {
  /** Free words, in order. */
  words: string[];
  phrases: string[];
  agencies: string[];
  keyProjects: KeyProjectNumber[][];
  budgets: BudgetRange[];
  purposes: string[];
  /** `相談:` values, as typed (query-filters.ts reads them against the catalog's needs). */
  needs: string[];
  /** Present only when the query has a period or area filter. */
  period?: PeriodQuery;
  /** One Japanese message per filter that could not be read. */
  errors: string[];
}

const FILTER_KEYS: Record<string, FilterKey> = {
  機関: 'agency',
  実施機関: 'agency',
  agency: 'agency',
  重点: 'keyProject',
  重点プロジェクト: 'keyProject',
  key: 'keyProject',
  予算: 'budget',
  budget: 'budget',
  目的: 'purpose',
  purpose: 'purpose',
  // 相談の種類 is what the catalog calls them (needs.yaml, the list); 相談 is short to type.
  相談: 'need',
  相談の種類: 'need',
  need: 'need',
  締切: 'deadline',
  deadline: 'deadline',
  地域: 'area',
  area: 'area',
};

/** Bare words that mean "accepting applications now". */
const ACCEPTING_WORDS = new Set(['受付中', '募集中', '公募中', '申請受付中', '申請できる', '申請可能', '応募できる', '応募可能', '申し込める', '申込可能']);
/**
 * Words advisors type for a deadline, read as the filter they mean: 締切が近い is the bot's own
 * wording (its reminders, its help), yet it searched the catalog for 締切 and 近い (walk-through).
 * Soon is the reminders' 7 days.
 */
const DEADLINE_SOON_WORDS = new Set(['締切が近い', '締め切りが近い', '締切りが近い', '締切間近', '締め切り間近', '〆切間近', 'もうすぐ締切', '締切直前', '締切の近い']);
// Not 今月中 or 今月まで: 今月中に借りたい is when the money is needed, not a deadline (review).
const DEADLINE_THIS_MONTH_WORDS = new Set(['今月締切', '今月締切り', '今月締め切り', '今月末締切', '今月末締め切り', '締切が今月']);
/**
 * Inside a sentence, only words about the period: 申請できる / 申請可能 / 応募できる there ask who
 * or what may apply (申請可能な経費, 申請できる条件, 申請できるまでの流れ), and emptied such
 * questions (review); as a word of their own they still mean 受付中.
 */
const ELIGIBILITY_WORDS = new Set(['申請できる', '申請可能', '応募できる', '応募可能', '申し込める', '申込可能']);
/**
 * The period words as they are found inside a chunk, longest first: advisors type Japanese
 * without spaces (締切が近い補助金, 募集中の創業補助金), and a period word only as a chunk of its
 * own was searched as words there (walk-through).
 */
const PERIOD_WORDS_IN_TEXT = [...ACCEPTING_WORDS, ...DEADLINE_SOON_WORDS, ...DEADLINE_THIS_MONTH_WORDS]
  .filter((word) => !ELIGIBILITY_WORDS.has(word))
  .sort((a, b) => b.length - a.length)
  // A word ending in kanji not inside a longer kanji word: 募集中止 (a cancellation) is not 募集中.
  .map((word) => ({ word, pattern: new RegExp(/\p{Script=Han}$/u.test(word) ? `${word}(?!\\p{Script=Han})` : word, 'gu') }));
/**
 * Particles and commas left at a piece's ends once a period word is taken out (の補助金 → 補助金,
 * 補助金の → 補助金). Only の and commas at the end: いつまで ends in で.
 */
const PIECE_EDGES = /^[のでにをがはと、,・]+|[の、,・]+$/g;

type PeriodWord = 'accepting' | 'soon' | 'thisMonth';
const periodWordKind = (word: string): PeriodWord => (ACCEPTING_WORDS.has(word) ? 'accepting' : DEADLINE_SOON_WORDS.has(word) ? 'soon' : 'thisMonth');

/** A period word typed as a word of its own (受付中, 締切が近い, 申請できる). */
const isPeriodWord = (chunk: string) => ACCEPTING_WORDS.has(chunk) || DEADLINE_SOON_WORDS.has(chunk) || DEADLINE_THIS_MONTH_WORDS.has(chunk);

/** A chunk's period words and the pieces left around them (empty pieces dropped). */
function periodWordsIn(chunk: string): { kinds: PeriodWord[]; pieces: string[] } {
  // A word of its own: every period word, eligibility ones included.
  if (isPeriodWord(chunk)) return { kinds: [periodWordKind(chunk)], pieces: [] };
  const kinds: PeriodWord[] = [];
  let pieces = [chunk];
  for (const { word, pattern } of PERIOD_WORDS_IN_TEXT) {
    if (!pieces.some((p) => p.match(pattern))) continue;
    kinds.push(periodWordKind(word));
    pieces = pieces.flatMap((p) => p.split(pattern));
  }
  return { kinds, pieces: kinds.length ? pieces.map((p) => p.replace(PIECE_EDGES, '')).filter(Boolean) : pieces };
}
export const DEADLINE_SOON_DAYS = 7;

export const FILTER_FORMS: Record<FilterKey, string> = {
  agency: '機関:ジェトロ / 機関:商工会議所 / 機関:金融機関',
  keyProject: '重点:1〜4 (例 重点:3) / 重点:海外 (プロジェクト名の一部)',
  budget: '予算:1000万以上 / 予算:500万以下 / 予算:100万〜500万 (単位 万・億・千円・円)',
  purpose: '目的:資金繰り / 目的:事業承継 / 目的:販路拡大',
  need: '相談:運転資金を借りたい / 相談:運転資金 (相談の種類の名前、またはその一部)',
  deadline: '締切:30日以内 / 締切:7日以内',
  area: '地域:鹿児島県 / 地域:九州・沖縄地方 / 地域:全国',
};

const PHRASE = /"([^"]*)"|“([^”]*)”|「([^」]*)」/g;

/**
 * `periodsInSentences`: read period words inside a chunk too (募集中の補助金). The engine turns it
 * off when no program has a period (no jGrants import): 募集中の補助金はありますか then searched
 * nothing at all, on a catalog where only the words can answer.
 */
export function parseQuery(raw: string, options: { periodsInSentences?: boolean } = {}): ParsedQuery {
  const inSentences = options.periodsInSentences ?? true;
  const q: ParsedQuery = { words: [], phrases: [], agencies: [], keyProjects: [], budgets: [], purposes: [], needs: [], errors: [] };
  // NFKC turns the full-width space, colon and quote (　：＂) into ASCII.
  let text = raw.normalize('NFKC');
  text = text.replace(PHRASE, (_m, a?: string, b?: string, c?: string) => {
    const phrase = (a ?? b ?? c ?? '').trim();
    if (phrase) q.phrases.push(phrase);
    return ' ';
  });
  for (const chunk of text.split(/\s+/).filter(Boolean)) {
    const colon = chunk.indexOf(':');
    const key = colon > 0 ? FILTER_KEYS[normalizeText(chunk.slice(0, colon))] : undefined;
    if (!key) {
      const { kinds, pieces } = inSentences || isPeriodWord(chunk) ? periodWordsIn(chunk) : { kinds: [], pieces: [chunk] };
      for (const kind of kinds) {
        const period = (q.period ??= {});
        if (kind === 'accepting') period.accepting = true;
        else if (kind === 'soon') period.deadlineWithinDays = Math.min(period.deadlineWithinDays ?? DEADLINE_SOON_DAYS, DEADLINE_SOON_DAYS);
        else period.deadlineThisMonth = true;
      }
      q.words.push(...pieces);
      continue;
    }
    const value = chunk.slice(colon + 1).trim();
    const label = chunk.slice(0, colon);
    if (!value) {
      q.errors.push(`「${chunk}」に値がありません。${FILTER_FORMS[key]} の形で指定してください。`);
      continue;
    }
    switch (key) {
      case 'agency':
        q.agencies.push(value);
        break;
      case 'purpose':
        q.purposes.push(value);
        break;
      case 'need':
        q.needs.push(value);
        break;
      case 'keyProject': {
        const numbers = parseKeyProject(value);
        if (numbers.length) q.keyProjects.push(numbers);
        else q.errors.push(`「${label}:${value}」に当たる重点プロジェクトがありません。${FILTER_FORMS.keyProject} の形で指定してください。`);
        break;
      }
      case 'deadline': {
        const days = /^([0-9]{1,4})日(以内)?$/.exec(value);
        if (days) (q.period ??= {}).deadlineWithinDays = Number(days[1]);
        else q.errors.push(`「${label}:${value}」は締切として読み取れません。${FILTER_FORMS.deadline} の形で指定してください。`);
        break;
      }
      case 'area':
        ((q.period ??= {}).areas ??= []).push(value);
        break;
      case 'budget': {
        const range = parseBudget(value);
        if (range) q.budgets.push(range);
        else q.errors.push(`「${label}:${value}」は予算として読み取れません。${FILTER_FORMS.budget} の形で指定してください。`);
        break;
      }
    }
  }
  return q;
}

/** `3`, `③`, or a word of the title (`海外` → 3). Several titles may share a word. */
export function parseKeyProject(value: string): KeyProjectNumber[] {
  const v = value.trim();
  const circled = (CIRCLED_DIGITS as readonly string[]).indexOf(v);
  if (circled >= 0) return [(circled + 1) as KeyProjectNumber];
  if (/^[0-9]+$/.test(v)) {
    const n = Number(v);
    return (KEY_PROJECT_NUMBERS as readonly number[]).includes(n) ? [n as KeyProjectNumber] : [];
  }
  const form = termForm(v);
  return KEY_PROJECT_NUMBERS.filter((n) => termForm(KEY_PROJECTS[n]).includes(form));
}

/** Multipliers into thousands of yen (the catalog's unit). */
const UNIT_IN_THOUSAND_YEN: Record<string, number> = { 億: 100_000, 千万: 10_000, 百万: 1_000, 万: 10, 千: 1 };
const AMOUNT = /^([0-9]+(?:\.[0-9]+)?)(億|千万|百万|万|千)?円?$/;

function parseAmount(text: string): number | undefined {
  const m = AMOUNT.exec(text.replace(/,/g, ''));
  if (!m) return undefined;
  const unit = m[2];
  // A bare number has no unit anyone would agree on; 円 alone means yen.
  if (!unit && !text.endsWith('円')) return undefined;
  const value = Number(m[1]);
  return unit ? value * UNIT_IN_THOUSAND_YEN[unit]! : value / 1000;
}

/** `1000万以上`, `500万以下`, `1億未満`, `300万超`, `100万〜500万`. */
export function parseBudget(value: string): BudgetRange | undefined {
  const v = value.replace(/\s+/g, '');
  const range = /^(.+?)(?:〜|~|-|から)(.+?)(?:まで)?$/.exec(v);
  if (range) {
    const min = parseAmount(range[1]!);
    const max = parseAmount(range[2]!);
    return min !== undefined && max !== undefined && min <= max ? { min, max } : undefined;
  }
  const bound = /^(.+?)(以上|以下|未満|超|より上|より下)$/.exec(v);
  if (!bound) return undefined;
  const amount = parseAmount(bound[1]!);
  if (amount === undefined) return undefined;
  switch (bound[2]) {
    case '以上':
      return { min: amount };
    // Budgets are whole thousands of yen: 「1500円超」 means 2千円 or more.
    case '超':
    case 'より上':
      return { min: Math.floor(amount) + 1 };
    case '以下':
      return { max: amount };
    default:
      return { max: Math.ceil(amount) - 1 };
  }
}

/** True when the query asks for nothing at all. */
export function isEmptyQuery(q: ParsedQuery): boolean {
  return !q.words.length && !q.phrases.length && !q.agencies.length && !q.keyProjects.length && !q.budgets.length && !q.purposes.length && !q.needs.length && !q.period;
}

/**
 * `raw` without its period conditions (受付中, 締切:…, 地域:…, 締切が近い…), when it has any and
 * something else: what the query asks of programs that have no period (the catalog's).
 */
export function withoutPeriod(raw: string): string | undefined {
  // A quoted phrase would be cut open at its spaces: no suggestion rather than a wrong one.
  if (/["“”「」]/.test(raw)) return undefined;
  const chunks = raw.normalize('NFKC').split(/\s+/).filter(Boolean);
  let found = false;
  const rest = chunks.flatMap((chunk) => {
    const colon = chunk.indexOf(':');
    const key = colon > 0 ? FILTER_KEYS[normalizeText(chunk.slice(0, colon))] : undefined;
    if (key === 'deadline' || key === 'area') {
      found = true;
      return [];
    }
    if (key) return [chunk];
    const { kinds, pieces } = periodWordsIn(chunk);
    if (kinds.length) found = true;
    return pieces;
  });
  return found && rest.length ? rest.join(' ') : undefined;
}

