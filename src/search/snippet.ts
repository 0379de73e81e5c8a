import type { Program } from '../catalog/schema.js';

/** A short excerpt of a program's text, with the places the query matched. */
export interface Snippet {
  text: string;
  /** [start, end) offsets into `text`, ascending and non-overlapping. */
  highlights: Array<[number, number]>;
}

export const SNIPPET_MAX_CHARS = 120;
const ELLIPSIS = '…';

/** The sentences a snippet may come from: overview first, then R4 results. */
export function sentencesOf(program: Program): string[] {
  const out: string[] = [];
  for (const text of [program.overview, program.results]) {
    if (!text) continue;
    for (const line of text.normalize('NFKC').split('\n')) {
      // Keep the 。 with its sentence.
      for (const s of line.split(/(?<=。)/)) if (s.trim()) out.push(s.trim());
    }
  }
  return out;
}

/**
 * A program's sentences and their lower-case forms, for the programs shown most recently.
 * Every page made them again for each hit (NFKC, splitting, lower-casing each sentence once
 * per call): about a third of a query's time at 143 programs, and most of its garbage
 * (issue 13, the p99). A program's text never changes (a catalog reload makes new Program
 * objects), so an entry stays right; the cache is bounded so a large catalog holds only the
 * programs people are being shown, not every program's text twice.
 */
const SENTENCE_CACHE_SIZE = 1024;
const sentenceCache = new Map<Program, { sentences: string[]; lower: string[] }>();

function cachedSentences(program: Program): { sentences: string[]; lower: string[] } {
  let entry = sentenceCache.get(program);
  if (entry) return entry;
  const sentences = sentencesOf(program);
  entry = { sentences, lower: sentences.map((s) => s.toLowerCase()) };
  if (sentenceCache.size >= SENTENCE_CACHE_SIZE) sentenceCache.delete(sentenceCache.keys().next().value!);
  sentenceCache.set(program, entry);
  return entry;
}

/**
 * `words` lower-cased, in a list of one elements kind: map() made packed lists until V8
 * optimised its caller and holey ones after, and each change threw findAll's optimised code away.
 */
function lowerCased(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) out.push(w.toLowerCase());
  return out;
}

/** Spans of `needles` (already lower-case) in `lower` (a sentence, lower-case), sorted and merged. */
function findAll(lower: string, needles: string[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (const n of needles) {
    if (!n) continue;
    for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + 1)) spans.push([i, i + n.length]);
  }
  if (!spans.length) return spans;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/**
 * The sentence that matches the most of the query's words, cut to ≤ 120 characters around
 * the first match. `surfaces` are the strings to look for (what the matched terms look like
 * in text); a program matched only by name or agency gets the start of its overview.
 */
export function makeSnippet(program: Program, surfaces: string[], maxChars = SNIPPET_MAX_CHARS): Snippet {
  const { sentences, lower } = cachedSentences(program);
  let best: { sentence: string; spans: Array<[number, number]>; score: number } | undefined;
  // No words (a program listed by filters alone): no sentence can match, none is searched.
  const needles = surfaces.length ? lowerCased(surfaces) : undefined;
  for (let k = 0; needles && k < sentences.length; k++) {
    const sentence = sentences[k]!;
    const spans = findAll(lower[k]!, needles);
    // A sentence that says none of the words scores 0 and is never the one shown.
    if (!spans.length) continue;
    const distinct = new Set(spans.map(([s, e]) => sentence.slice(s, e).toLowerCase())).size;
    const covered = spans.reduce((n, [s, e]) => n + e - s, 0);
    const score = distinct * 1000 + covered;
    if (score > 0 && (!best || score > best.score)) best = { sentence, spans, score };
  }
  if (!best) {
    const first = sentences[0] ?? '';
    return { text: cut(first, 0, maxChars).text, highlights: [] };
  }
  const { text, offset } = cut(best.sentence, best.spans[0]![0], maxChars);
  const highlights: Array<[number, number]> = [];
  for (const [s, e] of best.spans) {
    const start = s - offset;
    const end = Math.min(e - offset, text.length - (text.endsWith(ELLIPSIS) ? 1 : 0));
    if (start >= 0 && end > start) highlights.push([start, end]);
  }
  return { text, highlights };
}

/** Cuts `sentence` to `max` characters so that position `focus` stays visible. */
function cut(sentence: string, focus: number, max: number): { text: string; offset: number } {
  if (sentence.length <= max) return { text: sentence, offset: 0 };
  // Start a little before the match so it reads in context.
  const start = Math.max(0, Math.min(focus - 20, sentence.length - (max - 1)));
  const lead = start > 0 ? ELLIPSIS : '';
  const room = max - lead.length;
  const body = sentence.slice(start, start + room);
  const tail = start + room < sentence.length;
  const text = lead + (tail ? body.slice(0, room - 1) + ELLIPSIS : body);
  return { text, offset: start - lead.length };
}
