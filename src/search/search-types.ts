import type { Purpose } from '../catalog/constants.js';
import type { Agency, Program } from '../catalog/schema.js';
import type { Analyzer } from './analyzer.js';
import type { AnswerStep } from './fallback.js';
import type { SudachiGroup } from './general-synonyms.js';
import type { ParsedQuery } from './query.js';
import type { Snippet } from './snippet.js';
import type { Variants } from './variants.js';
import type { Vocabulary } from './vocabulary.js';

/** What the search engine (engine.ts) is given and gives: the shapes every surface reads. */

export interface SearchEngineOptions {
  /** Weight of a compound matched by its parts apart (事業 … 承継). */
  partsWeight?: number;
  /** Weight of a synonym of a query word. */
  synonymWeight?: number;
  /** Weight of words read into a colloquial question (お金を借りたい → 融資). */
  intentWeight?: number;
  /** How much the alternatives of a word after its best match add (soft maximum). */
  softMaxRest?: number;
  /** Score a program gets for having a purpose a matched intent names. */
  purposeScore?: number;
  /** Weight of a synonym from the general dictionary (general-synonyms.ts), under synonymWeight. */
  generalSynonymWeight?: number;
  /** What a program whose one 相談例 says all of a question adds (less as it says less; consultation-match.ts). */
  consultationScore?: number;
  /**
   * What a program of the purpose a question's words lean to most adds, times how likely that
   * purpose is (purpose-model.ts); 0: off. Under the other scores: it orders programs that match
   * little and brings in the purpose's programs that match nothing.
   */
  purposeModelScore?: number;
  /** How likely the likeliest purpose must be for its programs to be added (purpose-model.ts). */
  purposeModelMin?: number;
  /** The same as purposeModelScore for the finer needs (相談の種類) the catalog tags programs with; 0: off. */
  needModelScore?: number;
  /** How likely the likeliest need must be. */
  needModelMin?: number;
  /**
   * A question put as a sentence of at least `gramMinLength` characters has its first
   * GRAM_DEPTH programs ordered again by fusing the engine's order with how much each
   * program's 相談例 look like the question character by character (consultation-grams.ts):
   * the weight of that second order; 0: off.
   */
  gramWeight?: number;
  /** Shorter questions keep the engine's order: a few characters share too few pairs to say much. */
  gramMinLength?: number;
  /** How many of each clause's answers a question of two needs weaves into its page (clauses.ts); 0: off. */
  clauseDepth?: number;
  /**
   * Intents' lists kept across questions (intent-lists.ts), in entries per program of the
   * catalog (12 bytes each), and at least 65,536 entries; 0 keeps none (each question looks its
   * intents up again).
   */
  intentListBudget?: number;
  /**
   * Whether a page's programs in a kept intent list get their terms one by one or from the whole
   * list made again: one by one costs as much as this many entries of the list
   * (intent-lists.ts: ALONE_COST_IN_ENTRIES); 0: always one by one (tests).
   */
  intentAloneCost?: number;
}

export interface SearchHit {
  program: Program;
  score: number;
  /** Index terms of the query that this program matched (normalised). */
  terms: string[];
  snippet: Snippet;
  /** The program's 相談例 closest to a question in a client's words, when it says at least half of it (client-words.ts). */
  consultation?: string;
  /** The need or purpose the question's words lean to, when that alone brought the program (client-words.ts). */
  byCategory?: string;
}

/**
 * - `all`: every hit has all the words; `any`: none had all, hits have some;
 * - `filters`: no words, the hits are every program the filters allow, in catalog order;
 * - `none`: nothing matched (see suggestions); `empty`: nothing was asked.
 */
export type MatchMode = 'all' | 'any' | 'filters' | 'none' | 'empty';

export interface Suggestions {
  /** Words from the catalog's vocabulary that look like the query's words. */
  terms: string[];
  /** Words staff listed as synonyms of the query's words. */
  synonyms: string[];
  /** Purpose categories with how many programs each has. */
  purposes: Array<{ purpose: Purpose; count: number }>;
  /**
   * When a period condition (受付中, 締切:…, 締切が近い) left nothing: the query without it, and
   * how many it finds. 創業 募集中 answered 見つかりませんでした with 近い言葉 as if 創業 had no
   * match (walk-throughs), without jGrants programs and with them.
   */
  withoutPeriod?: { query: string; total: number };
}

export interface SearchResponse {
  /** The query as searched: controls removed, within the limits of query-bounds.ts. */
  query: string;
  /** The query was cut to fit those limits (every surface says so). */
  shortened: boolean;
  parsed: ParsedQuery;
  /** All matches, best first (`limit`/`offset` only cut this list). */
  hits: SearchHit[];
  total: number;
  mode: MatchMode;
  /** Messages for filters that could not be read (the rest of the query still ran). */
  errors: string[];
  /** Synonyms and intent words the query was widened with, as staff wrote them. */
  expandedWith: string[];
  /** Present when nothing matched. */
  suggestions?: Suggestions;
  /** Which step of fallback.ts answered (all words, the meaning, any word, nearby words). */
  step?: AnswerStep;
  /** Words of the query that matched nothing (the others answered). */
  notFound?: string[];
  /** Words that matched nothing, and the catalog's words searched instead (step `nearby`). */
  usedInstead?: Array<{ word: string; used: string[] }>;
  /** Programs with every word, when fewer than a page: they come first, programs with some of the words follow. */
  allCount?: number;
  /** A question of two needs or more: its clauses, each also answered apart and woven into the page (clauses.ts). */
  clauses?: string[];
  /** The need or purpose the question's words lean to (client-words.ts), when the page shows a program that alone brought. */
  categoryRead?: string;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** The time period filters (受付中, 締切:…) are read at; now by default. */
  now?: Date;
}

export interface SearchEngineInput {
  programs: readonly Program[];
  agencies: readonly Agency[];
  vocabulary: Vocabulary;
  analyzer: Analyzer;
  /** Spelling variants (seeds/variants.yaml), folded in program texts and queries alike. */
  variants?: Variants;
  /** Sudachi's synonym groups (general-synonyms.ts), read when building; a loaded index carries what it needs of them. */
  generalSynonymGroups?: readonly SudachiGroup[];
  options?: SearchEngineOptions;
}
