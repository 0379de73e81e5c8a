import { KEY_PROJECTS } from '../catalog/key-projects.js';
import { PURPOSES } from '../catalog/constants.js';
import type { Program } from '../catalog/schema.js';
import type { SearchEngine } from './engine.js';

/**
 * A serving process's warm-up of its search engine, in idle time after a start or a reload.
 *
 * Why: V8 compiles the hot search code with TurboFan only after it has run a while, on
 * background threads; on a 2-core machine the first few hundred questions after a start pay
 * for those compilations (bench: 35–41 of them finish during the bench's timed passes, and its
 * p99 is 5 ms where a warm process answers in 1–2 ms). A process that answers made-up questions
 * first lets its real users find the code compiled and the engine's lazy tables made
 * (phrase texts, kana readings, nearby words, the agency table, each intent's list).
 *
 * The questions are made here from the loaded catalog and vocabulary, so that each path a
 * question can take runs (words, compounds, synonyms, kana readings, filters, a quoted phrase,
 * colloquial sentences and the 相談例 matcher, the fallback steps, no answer and its
 * suggestions, the next page, 似た事業). Never from the evaluation sets
 * (tests/fixtures/queries*.yaml): the bench times those, and a warm-up that knew them would
 * only flatter the figure.
 *
 * Asking changes nothing anyone sees: search keeps no state between questions apart from
 * tables made on first use from the catalog alone (the per-query memory of scores.ts is
 * reused, which tests/search/warm-up.test.ts checks against answers asked cold).
 */

/** Most questions one warm-up asks: the list is asked again from its start until then. */
export const WARM_UP_QUESTIONS = 1000;
/** Longest one warm-up runs (wall time), whatever the catalog's size: at 100,000 programs a question takes ~10 ms. */
export const WARM_UP_MS = 2000;
/** Programs the questions are made from, spread over the catalog. */
const SAMPLED_PROGRAMS = 12;
/** A page, as every surface asks for one. */
const PAGE = 5;

export interface WarmUpQuestion {
  /** Which path it is made to take (for tests and measurements). */
  kind: string;
  /** What a user would type. */
  text: string;
  /** The page asked for (the second page: offset 5). */
  offset?: number;
  /** 似た事業 of this program id instead of a search (the 詳細 view asks for it). */
  similarTo?: string;
}

/** Words of a text as a user might type one: runs of kanji, of katakana, of latin letters and digits. */
const WORD = /[\p{Script=Han}々]{2,}|[\p{Script=Katakana}ー]{2,}|[A-Za-z0-9]{2,}/gu;

function wordsOf(text: string): string[] {
  return [...new Set(text.match(WORD) ?? [])];
}

/** The item `i` places along `list`, cyclically (deterministic: the same catalog gives the same questions). */
const at = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[((i % list.length) + list.length) % list.length] : undefined);

/** Katakana → hiragana (a kana question is typed either way). */
const hiragana = (text: string) => text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));

/**
 * Questions for `engine`'s catalog and vocabulary, one of each kind per sampled program (so a
 * warm-up cut short by its time limit has still asked most kinds), then, once, the two kinds
 * that cost much in a large catalog (at 10,000 programs 似た事業 took 220–300 ms a question and
 * the period filters, answered with suggestions, 50–70 ms; the others 1–20 ms once warm): last,
 * so that the time limit leaves them out there, and one real question at most waits for one.
 * Deterministic.
 */
export function warmUpQuestions(engine: Pick<SearchEngine, 'programs' | 'agencies' | 'vocabulary'>): WarmUpQuestion[] {
  const programs = engine.programs;
  if (!programs.length) return [];
  const sampled: Program[] = [];
  const count = Math.min(SAMPLED_PROGRAMS, programs.length);
  for (let i = 0; i < count; i++) sampled.push(programs[Math.floor((i * programs.length) / count)]!);

  const vocabulary = engine.vocabulary;
  // A group's other members, not its first word: the first is the everyday word (創業, 補助金)
  // people ask most, and the warm-up is made to run the code, not to ask users' questions ahead.
  const groupWords = vocabulary.groups.flatMap((g) => g.slice(1));
  const readings = groupWords.filter((w) => w.reading && w.reading !== w.term);
  // Words in latin letters (dx, it, ec): a question of ASCII only is another kind of string to V8.
  const latin = vocabulary.groups.flat().filter((w) => /^[\x21-\x7e]+$/.test(w.label));
  const intents = vocabulary.source.intents;
  const questions: WarmUpQuestion[] = [];
  const costly: WarmUpQuestion[] = [];
  const ask = (kind: string, text: string | undefined, extra: Omit<WarmUpQuestion, 'kind' | 'text'> = {}) => {
    if (text?.trim()) questions.push({ kind, text, ...extra });
  };

  sampled.forEach((program, i) => {
    const nameWords = wordsOf(program.name);
    const textWords = wordsOf(`${program.overview ?? ''} ${program.results ?? ''}`);
    const word = at(nameWords, i) ?? at(textWords, i) ?? program.name;
    const other = at(wordsOf(at(sampled, i + 1)!.name), i + 1) ?? word;
    const rare = at(textWords, 3 * i + 1);
    // The program's own agency, by one of its spellings (a spelling with a space would split the filter).
    const agency = engine.agencies.resolve(program.agency);
    const spelling = at(engine.agencies.spellingsOf(program.agency), i)!.replace(/\s+/g, '');
    const katakana = at(wordsOf(`${program.name} ${program.overview ?? ''}`).filter((w) => /^[\p{Script=Katakana}ー]{3,}$/u.test(w)), i);
    const synonym = at(groupWords, 5 * i);
    const reading = at(readings, 7 * i);
    const purpose = at(program.purposes ?? [], i) ?? at(PURPOSES, i)!;
    const says = at(intents, i)?.says[0];

    // Words: one from the name (a compound: its parts, its synonyms), two from two programs
    // (all words, else any), a word of the overview, a staff synonym, a word with a suffix (IT化 → IT).
    ask('word', word);
    ask('two words, next page', `${word} ${other}`, { offset: PAGE });
    ask('overview word', rare);
    ask('synonym', synonym?.label);
    ask('suffix', `${word}化`);
    const letters = at(latin, i)?.label;
    ask('latin', letters && (i % 2 ? letters.toUpperCase() : `${letters} ${at(latin, i + 1)!.label.toUpperCase()}`));
    // Kana: a reading staff listed (じぎょうしょうけい), then two readings run together (split by kana-reading.ts).
    ask('reading', reading?.reading);
    ask('readings run together', reading && at(readings, 7 * i + 3) ? `${reading.reading}${at(readings, 7 * i + 3)!.reading}` : undefined);
    ask('kana word', katakana && hiragana(katakana));
    // Filters: an agency by a spelling and by its kind, a purpose, a budget, a key project, the period filters (once, below).
    ask('agency', `機関:${spelling} ${other}`);
    if (agency) ask('agency kind alone', `機関:${agency.kind}`);
    ask('purpose', `目的:${purpose} ${other}`);
    ask('budget', `予算:${(i % 4) * 500 + 100}万以上 ${word}`);
    const keyProjects = Object.keys(KEY_PROJECTS);
    ask('key project', `重点:${at(keyProjects, i)} ${rare ?? word}`);
    if (i === 0) costly.push({ kind: 'period', text: `受付中 締切:30日以内 ${word}` });
    // A phrase: part of the program's name, quoted (alone, and with a word).
    ask('phrase', `"${[...program.name].slice(0, Math.max(2, Math.ceil(program.name.length / 2))).join('')}"`);
    ask('phrase and word', `「${word}」 ${other}`);
    // Colloquial: a 相談例 of the program, a purpose as a sentence, an intent's words in a sentence.
    ask('相談例', at(program.consultations ?? [], i));
    ask('purpose sentence', purpose);
    ask('intent', says && `${says}。${word}について相談したい`);
    // Words nowhere in the catalog: a misspelt one (its last two letters swapped) and one wrapped
    // in letters no word has: the nearby-words step, else no answer and its suggestions.
    ask('misspelt', katakana && `${katakana.slice(0, -2)}${katakana.at(-1)}${katakana.at(-2)}`);
    ask('unknown word', `ゑゐ${hiragana(katakana ?? '')}ゑ`);
    // The 詳細 view's 似た事業.
    if (i === 0) costly.push({ kind: '似た事業', text: program.name, similarTo: program.id });
  });
  // Every intent once (its first phrase, as staff wrote it), first: each intent's list over the
  // catalog is kept across questions once made (intent-lists.ts), 5–40 ms each at 100,000
  // programs, where the time limit ends the warm-up after a few dozen questions; so the first
  // user to say it does not pay for it.
  const everyIntent: WarmUpQuestion[] = [...new Set(intents.flatMap((i) => i.says.slice(0, 1)))].map((text) => ({ kind: 'every intent', text }));
  return [...everyIntent, ...questions, ...costly];
}

export interface WarmUpOptions {
  /** Most questions asked (default WARM_UP_QUESTIONS). */
  maxQuestions?: number;
  /** Stops once this much wall time has passed (default WARM_UP_MS). */
  maxMs?: number;
  /** Stops before the next question (the process is stopping, or the engine was replaced). */
  signal?: AbortSignal;
  /** Awaited before each question: by default setImmediate, so events already waiting (a real question) go first. */
  pause?: () => Promise<void>;
  /** Milliseconds, for the time limit (tests). */
  now?: () => number;
}

export interface WarmUpResult {
  /** Questions asked. */
  questions: number;
  /** Distinct questions made from the catalog. */
  made: number;
  ms: number;
  /** Of `ms`, making the tables ahead (engine.prepareTables), in slices. */
  tablesMs: number;
  /** The longest one question took: what a real question arriving meanwhile could wait at most. */
  longestMs: number;
  /** Why it ended: every question asked, the time limit, or aborted. */
  ended: 'done' | 'time' | 'aborted';
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Ends the tables' making when the warm-up is stopped. */
class WarmUpAborted extends Error {}

/**
 * Asks `engine` the warm-up questions, one per turn of the event loop, within the bounds.
 * Answers are thrown away; nothing is posted or stored.
 */
export async function warmUp(engine: SearchEngine, options: WarmUpOptions = {}): Promise<WarmUpResult> {
  const now = options.now ?? (() => performance.now());
  const pause = options.pause ?? nextTurn;
  const maxQuestions = options.maxQuestions ?? WARM_UP_QUESTIONS;
  const maxMs = options.maxMs ?? WARM_UP_MS;
  const started = now();
  // Tables a first question would make on the spot, made first in slices (engine.prepareTables).
  const tablesStarted = now();
  await engine.prepareTables(async () => {
    await pause();
    if (options.signal?.aborted) throw new WarmUpAborted();
  }).catch((error: unknown) => {
    if (!(error instanceof WarmUpAborted)) throw error;
  });
  const tablesMs = now() - tablesStarted;
  // The time limit is the questions': the tables are made in slices, never blocking for long.
  const questionsStarted = now();
  const questions = warmUpQuestions(engine);
  let asked = 0;
  let longestMs = 0;
  let ended: WarmUpResult['ended'] = 'done';
  while (asked < maxQuestions && questions.length) {
    await pause();
    if (options.signal?.aborted) {
      ended = 'aborted';
      break;
    }
    if (now() - questionsStarted >= maxMs) {
      ended = 'time';
      break;
    }
    const q = questions[asked % questions.length]!;
    const asking = now();
    if (q.similarTo) engine.similar(q.similarTo, 3);
    else engine.search(q.text, { limit: PAGE, ...(q.offset ? { offset: q.offset } : {}) });
    asked++;
    longestMs = Math.max(longestMs, now() - asking);
  }
  if (options.signal?.aborted) ended = 'aborted';
  return { questions: asked, made: questions.length, ms: now() - started, tablesMs, longestMs, ended };
}

/** A warm-up running in the background: `stop` ends it before its next question. */
export interface RunningWarmUp {
  done: Promise<WarmUpResult>;
  stop(): void;
}

/**
 * Starts a warm-up of `engine` in the background and reports its end to `report` (one line
 * in the log). Errors are reported too, never thrown: a warm-up must not take a process down.
 */
export function startWarmUp(engine: SearchEngine, report: (result: WarmUpResult | { error: unknown }) => void, options: Omit<WarmUpOptions, 'signal'> = {}): RunningWarmUp {
  const controller = new AbortController();
  const done = warmUp(engine, { ...options, signal: controller.signal });
  done.then(report, (error: unknown) => report({ error }));
  return { done, stop: () => controller.abort() };
}
