import { NO_SCORES, ScoresBuilder, type Scores, type TermSet } from './scores.js';

/**
 * A question matched against each program's 相談例 (consultations) one by one: how much of
 * the question (its words weighted by rarity among all consultations) the closest example
 * says. BM25 on the consultations field mixes a program's examples together; this rewards
 * the program with one example that says most of what was asked.
 *
 * Examples are found through their words (word → the examples saying it), so a question
 * looks only at the examples that say one of its words: at 10,000 programs, trying every
 * example of every program for every word was about a third of a colloquial question's time
 * (issue 13).
 */
/** Words a question may have: one bit each per example (the engine bounds questions to 16). */
export const MAX_QUESTION_WORDS = 31;

/** ConsultationMatcher's tables, as written in the index file. */
export interface SerializedConsultations {
  programOf: number[];
  examplesWith: Array<[string, number[]]>;
}

export class ConsultationMatcher {
  /** Example (numbered in catalog order, a program's in its order) → its program's position. */
  private programOfExample: Int32Array;
  /** Word → the examples saying it, ascending: its length is the word's frequency. */
  private readonly examplesWith = new Map<string, number[]>();
  private count: number;
  /** Scratch per example for `match` (seen[example] === mark: reached by this question). */
  private seen = new Int32Array(0);
  /** Bit i: the example says word i of the question. */
  private wordsSaid = new Int32Array(0);
  /** Scratch: the examples a question reached. */
  private reached: Int32Array = new Int32Array(1024);
  private mark = 0;

  constructor(programs: Iterable<{ consultations?: string[] }>, words: (text: string) => string[]) {
    const programOf: number[] = [];
    let doc = -1;
    for (const p of programs) {
      doc++;
      for (const c of p.consultations ?? []) {
        const example = programOf.length;
        programOf.push(doc);
        for (const w of new Set(words(c))) {
          const list = this.examplesWith.get(w);
          if (list) list.push(example);
          else this.examplesWith.set(w, [example]);
        }
      }
    }
    this.programOfExample = Int32Array.from(programOf);
    this.count = programOf.length;
  }

  /** The tables as the index file holds them: a start loads them instead of analysing every 相談例 (432 ms at 10,000 programs). */
  toJSON(): SerializedConsultations {
    return { programOf: [...this.programOfExample], examplesWith: [...this.examplesWith] };
  }

  static fromJSON(json: SerializedConsultations): ConsultationMatcher {
    const matcher = new ConsultationMatcher([], () => []);
    matcher.programOfExample = Int32Array.from(json.programOf);
    matcher.count = json.programOf.length;
    for (const [word, examples] of json.examplesWith) matcher.examplesWith.set(word, examples);
    return matcher;
  }

  /** Every word some example says, with the examples saying it (ascending): for purpose-model.ts. */
  words(): Iterable<[string, ArrayLike<number>]> {
    return this.examplesWith.entries();
  }

  /** The program (catalog position) of an example. */
  programOf(example: number): number {
    return this.programOfExample[example]!;
  }

  get exampleCount(): number {
    return this.count;
  }

  /** How many examples say `word`. */
  examplesSaying(word: string): number {
    return this.examplesWith.get(word)?.length ?? 0;
  }

  /** Whether `example` says `word` (its list is ascending: a binary search). */
  private says(example: number, word: string): boolean {
    const list = this.examplesWith.get(word);
    return list !== undefined && list[lowerBound(list, example)] === example;
  }

  private weight(word: string): number {
    const n = this.examplesWith.get(word)?.length ?? 0;
    return Math.log(1 + this.count / (1 + n));
  }

  /**
   * Programs (by position) whose closest example covers at least `minCover` of the question's
   * weight, with score = cover² × `score`. `question`: per word of the question (at most
   * MAX_QUESTION_WORDS), the forms that count as it (the word, its parts, its synonyms).
   * `minCover` is above 0: only examples that say a word of the question are looked at, so a
   * program saying none of it is never listed.
   */
  match(question: Array<Set<string>>, score: number, minCover = 0.5): Scores {
    if (!(minCover > 0)) throw new RangeError(`minCover must be above 0 (${minCover})`);
    if (question.length > MAX_QUESTION_WORDS) throw new RangeError(`at most ${MAX_QUESTION_WORDS} words (${question.length})`);
    if (question.length < 2) return NO_SCORES;
    // Built by index, not by map(): map() hands back packed or holey arrays depending on
    // whether its caller runs optimised, and code optimised for one is thrown away on the other.
    const formLists: string[][] = [];
    const weights = new Float64Array(question.length);
    for (let i = 0; i < question.length; i++) {
      const forms = [...question[i]!];
      formLists.push(forms);
      let max = -Infinity;
      for (const f of forms) max = Math.max(max, this.weight(f));
      weights[i] = max;
    }
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!total) return NO_SCORES;
    // Only the examples saying an "essential" word can reach minCover: the lightest words whose
    // weights add up to less than minCover of the total cannot reach it on their own (MaxScore's
    // idea). Their lists are the longest (売る, 商品: most examples at 100,000 programs): they
    // only mark examples reached through an essential word, and add none.
    const light = lightWords(weights, minCover * total);
    const n = this.programOfExample.length;
    if (this.seen.length < n) {
      this.seen = new Int32Array(n);
      this.wordsSaid = new Int32Array(n);
    }
    const mark = ++this.mark;
    const { seen, wordsSaid } = this;
    let reached = this.reached;
    let count = 0;
    // Per example reached, the words it says (bit i: word i). Indexed loops, not for…of: a
    // question walks up to a million entries here, and an iterator not optimised away made an
    // object per entry (20 MB of garbage per broad question).
    for (const lightPass of [false, true]) {
      for (let i = 0; i < formLists.length; i++) {
        if (light[i] !== lightPass) continue;
        const bit = 1 << i;
        for (const form of formLists[i]!) {
          const list = this.examplesWith.get(form);
          if (!list) continue;
          for (let j = 0; j < list.length; j++) {
            const example = list[j]!;
            if (seen[example] === mark) wordsSaid[example] = wordsSaid[example]! | bit;
            else if (!lightPass) {
              seen[example] = mark;
              wordsSaid[example] = bit;
              if (count === reached.length) reached = this.reached = growInt32(reached);
              reached[count++] = example;
            }
          }
        }
      }
    }
    // Per program, its first example covering the most, programs in catalog order: the examples
    // reached are read in their numbering (catalog order) from `seen`, which is cheaper than
    // sorting them when a question reaches a large share of them (200,000 at 100,000 programs).
    // An example's cover is its words' weights added in the question's order.
    let lo = n;
    let hi = -1;
    for (let r = 0; r < count; r++) {
      const example = reached[r]!;
      if (example < lo) lo = example;
      if (example > hi) hi = example;
    }
    const out = new ScoresBuilder(count);
    const bestOf: number[] = [];
    const programOf = this.programOfExample;
    let doc = -1;
    let best = -1;
    let bestCovered = 0;
    const close = () => {
      if (best < 0) return;
      const cover = bestCovered / total;
      if (cover < minCover) return;
      out.add(doc, cover * cover * score);
      bestOf.push(best);
    };
    for (let example = lo; example <= hi; example++) {
      if (seen[example] !== mark) continue;
      const said = wordsSaid[example]!;
      let covered = 0;
      for (let i = 0; i < weights.length; i++) if (said & (1 << i)) covered += weights[i]!;
      const of = programOf[example]!;
      if (of !== doc) {
        close();
        doc = of;
        best = example;
        bestCovered = covered;
      } else if (covered > bestCovered) {
        best = example;
        bestCovered = covered;
      }
    }
    close();
    // What an entry's example matched (per word, the first of its forms it says): worked out
    // only for the programs shown (scores.ts: termsOf).
    return out.build({ kind: 'each', at: (i) => this.termsSaid(bestOf[i]!, formLists) });
  }

  /**
   * Which of program `doc`'s examples (its position among them) covers most of the question,
   * as `match` weighs it, when that is at least `minCover`: what a card shows of why the
   * program was found.
   */
  closest(doc: number, question: ReadonlyArray<ReadonlySet<string>>, minCover = 0.5): number | undefined {
    const programOf = this.programOfExample;
    const lo = lowerBound(programOf, doc); // its first example: examples are numbered in catalog order
    const weights = question.map((forms) => Math.max(...[...forms].map((f) => this.weight(f))));
    const total = weights.reduce((a, b) => a + b, 0);
    if (!total) return undefined;
    let best: number | undefined;
    let bestCover = minCover * total * (1 - 1e-9);
    for (let example = lo; example < programOf.length && programOf[example] === doc; example++) {
      let covered = 0;
      question.forEach((forms, i) => {
        for (const f of forms) {
          if (this.says(example, f)) {
            covered += weights[i]!;
            break;
          }
        }
      });
      if (covered >= bestCover && (best === undefined || covered > bestCover)) {
        best = example - lo;
        bestCover = covered;
      }
    }
    return best;
  }

  private termsSaid(example: number, formLists: readonly string[][]): TermSet {
    const terms = new Set<string>();
    for (const forms of formLists) {
      for (const form of forms) {
        if (this.says(example, form)) {
          terms.add(form);
          break;
        }
      }
    }
    return terms;
  }
}

/** The first position of ascending `list` whose value is not below `value` (a binary search). */
export function lowerBound(list: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A copy twice as long (at least 1,024). */
function growInt32(old: Int32Array): Int32Array {
  const next = new Int32Array(Math.max(1024, old.length * 2));
  next.set(old);
  return next;
}

/**
 * Per word, whether it is light: the lightest words, taken from the lightest up while their
 * weights add up to less than `needed` (with a margin, so that a sum in another order, a bit
 * larger in its last place, still falls short). An example saying only light words covers less
 * than `needed`.
 */
function lightWords(weights: Float64Array, needed: number): boolean[] {
  const light: boolean[] = [];
  const lightest: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    light.push(false);
    lightest.push(i);
  }
  lightest.sort((a, b) => weights[a]! - weights[b]!);
  const limit = needed * (1 - 1e-9);
  let sum = 0;
  for (const i of lightest) {
    if (sum + weights[i]! >= limit) break;
    sum += weights[i]!;
    light[i] = true;
  }
  return light;
}
