/**
 * Per-program scores of one word or one step of a query, and the ways they combine: the
 * engine's ranking (engine.ts) and its fallback steps (fallback.ts) share them.
 *
 * A program is named by its position in the catalog (its "doc"), and a list of scores is
 * three parallel arrays (docs, scores, what each matched) rather than a Map keyed by the
 * program's id: at 10,000 programs a question's words and their synonyms produce tens of
 * thousands of entries, and a Map entry, its object and its hashing per entry per step was
 * most of a query's time and garbage (issue 13). Combining uses scratch arrays indexed by doc,
 * shared by every call (a call never runs inside another), so a step allocates only its result.
 *
 * Every result is exactly what the Map version gave: the same programs in the same order
 * (first seen first), each score summed in the same order (so equal to the bit), and the same
 * matched terms in the same order.
 */

/** Index terms a program matched. Shared between entries and lists: never changed once made. */
export type TermSet = ReadonlySet<string>;

/** An immutable list of programs with a score and the terms each matched. */
export class Scores {
  private positions?: Map<number, number>;

  constructor(
    /** Catalog positions of the programs, in the order they were found. */
    readonly docs: Int32Array,
    readonly scores: Float64Array,
    readonly terms: readonly TermSet[],
  ) {}

  get size(): number {
    return this.docs.length;
  }

  private positionOf(doc: number): number | undefined {
    if (!this.positions) {
      this.positions = new Map();
      for (let i = 0; i < this.docs.length; i++) this.positions.set(this.docs[i]!, i);
    }
    return this.positions.get(doc);
  }

  /** Whether `doc` is in the list (a lookup table is made on the first call: for small lists or few calls). */
  has(doc: number): boolean {
    return this.positionOf(doc) !== undefined;
  }

  get(doc: number): { score: number; terms: TermSet } | undefined {
    const i = this.positionOf(doc);
    return i === undefined ? undefined : { score: this.scores[i]!, terms: this.terms[i]! };
  }

  *entries(): IterableIterator<[number, { score: number; terms: TermSet }]> {
    for (let i = 0; i < this.docs.length; i++) yield [this.docs[i]!, { score: this.scores[i]!, terms: this.terms[i]! }];
  }
}

export const NO_SCORES = new Scores(new Int32Array(0), new Float64Array(0), []);

/** Builds a Scores entry by entry (each doc once). */
export class ScoresBuilder {
  private docs: number[] = [];
  private scores: number[] = [];
  private terms: TermSet[] = [];

  get size(): number {
    return this.docs.length;
  }

  add(doc: number, score: number, terms: TermSet): void {
    this.docs.push(doc);
    this.scores.push(score);
    this.terms.push(terms);
  }

  build(): Scores {
    // The constructors copy an array directly; TypedArray.from goes through its iterator (slower).
    return this.docs.length ? new Scores(new Int32Array(this.docs), new Float64Array(this.scores), this.terms) : NO_SCORES;
  }
}

// ---- term sets --------------------------------------------------------------------------

/** Unions made since forgetTermUnions (one query's: its sets are made per query). */
let unions = new Map<TermSet, Map<TermSet, TermSet>>();
let lastUnion: { a?: TermSet; b?: TermSet; out?: TermSet } = {};

/** Lets go of the unions made so far (the engine calls it as each query starts). */
export function forgetTermUnions(): void {
  if (unions.size) unions = new Map();
  lastUnion = {};
}

/**
 * `a`'s terms, then those of `b` it lacks (the order the Map version added them in). Made once
 * per pair of sets: a query's lists share a few sets among thousands of entries.
 */
export function unionTerms(a: TermSet, b: TermSet): TermSet {
  if (a === b || !b.size) return a;
  if (!a.size) return b;
  // Entries next to each other mostly pair the same two sets: the last pair is kept at hand.
  if (a === lastUnion.a && b === lastUnion.b) return lastUnion.out!;
  let byB = unions.get(a);
  if (!byB) unions.set(a, (byB = new Map()));
  let out = byB.get(b);
  if (!out) {
    let added: Set<string> | undefined;
    for (const t of b) {
      if (a.has(t)) continue;
      added ??= new Set(a);
      added.add(t);
    }
    out = added ?? a;
    byB.set(b, out);
  }
  lastUnion = { a, b, out };
  return out;
}

// ---- scratch, indexed by doc --------------------------------------------------------------

let stamp = new Int32Array(0);
let position = new Int32Array(0);
let count = new Int32Array(0);
let sum = new Float64Array(0);
let termsOf: TermSet[] = [];
let generation = 0;

/** A fresh mark for one call: stamp[doc] === mark means the doc was seen in this call. */
function nextMark(): number {
  if (generation === 0x7fffffff) {
    stamp.fill(0);
    generation = 0;
  }
  return ++generation;
}

/** Scratch long enough for docs below `bound`. */
export function reserveDocs(bound: number): void {
  const max = bound - 1;
  if (max < stamp.length) return;
  const length = Math.max(max + 1, stamp.length * 2, 1024);
  const grow = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
    const next = make(length);
    next.set(old as never);
    return next;
  };
  stamp = grow(stamp, (n) => new Int32Array(n));
  position = grow(position, (n) => new Int32Array(n));
  count = grow(count, (n) => new Int32Array(n));
  sum = grow(sum, (n) => new Float64Array(n));
}

// What an Accumulator fills, shared by all (one is in use at a time): a call allocates only its
// result, of its exact length, not also buffers as long as all its inputs together.
let pendingDocs = new Int32Array(1024);
let pendingScores = new Float64Array(1024);
let pendingBest = new Float64Array(1024);

/** Entries by doc, first seen first, for one call of the functions below (or term-scores.ts). */
export class Accumulator {
  readonly docs: Int32Array;
  readonly scores: Float64Array;
  /** For softMax: each entry's best score so far. */
  readonly best: Float64Array;
  readonly terms: TermSet[] = [];
  n = 0;
  readonly mark = nextMark();

  constructor(capacity: number) {
    if (capacity > pendingDocs.length) {
      const length = Math.max(capacity, pendingDocs.length * 2);
      pendingDocs = new Int32Array(length);
      pendingScores = new Float64Array(length);
      pendingBest = new Float64Array(length);
    }
    this.docs = pendingDocs;
    this.scores = pendingScores;
    this.best = pendingBest;
  }

  /** Position of `doc`, or -1 after adding it with `score` and `terms`. */
  addOrFind(doc: number, score: number, terms: TermSet): number {
    if (doc >= stamp.length) reserveDocs(doc + 1);
    else if (stamp[doc] === this.mark) return position[doc]!;
    stamp[doc] = this.mark;
    position[doc] = this.n;
    this.docs[this.n] = doc;
    this.scores[this.n] = score;
    this.terms.push(terms);
    this.n++;
    return -1;
  }

  result(): Scores {
    if (!this.n) return NO_SCORES;
    return new Scores(this.docs.slice(0, this.n), this.scores.slice(0, this.n), this.terms);
  }
}

const totalSize = (lists: readonly Scores[]) => lists.reduce((n, l) => n + l.size, 0);

// ---- combining ----------------------------------------------------------------------------

export function scale(scores: Scores, factor: number): Scores {
  if (!scores.size) return NO_SCORES;
  const out = new Float64Array(scores.size);
  for (let i = 0; i < out.length; i++) out[i] = scores.scores[i]! * factor;
  return new Scores(scores.docs, out, scores.terms);
}

/** Best alternative in full, the others at `rest` of theirs. */
export function softMax(alternatives: Scores[], rest: number): Scores {
  const present = alternatives.filter((scores) => scores.size);
  // One alternative with programs (most words have no synonym that matches): it is the answer.
  if (present.length <= 1) return present[0] ?? NO_SCORES;
  const acc = new Accumulator(totalSize(present));
  const { best } = acc;
  for (const list of present) {
    const { docs, scores, terms } = list;
    for (let i = 0; i < docs.length; i++) {
      const s = scores[i]!;
      const k = acc.addOrFind(docs[i]!, s, terms[i]!);
      if (k < 0) {
        best[acc.n - 1] = s;
        continue;
      }
      acc.terms[k] = unionTerms(acc.terms[k]!, terms[i]!);
      const b = best[k]!;
      if (s > b) {
        acc.scores[k] = s + (acc.scores[k]! - b) + rest * b;
        best[k] = s;
      } else acc.scores[k] = acc.scores[k]! + rest * s;
    }
  }
  return acc.result();
}

/** Programs in every list, scores added up. */
export function intersect(lists: Scores[]): Scores {
  const [first, ...others] = [...lists].sort((a, b) => a.size - b.size);
  if (!first || !first.size) return NO_SCORES;
  if (!others.length) return first;
  const mark = nextMark();
  // count[doc]: how many of `others` (in order) have the doc so far; only docs of `first` count.
  for (let i = 0; i < first.docs.length; i++) {
    const d = first.docs[i]!;
    if (d >= stamp.length) reserveDocs(d + 1);
    stamp[d] = mark;
    count[d] = 0;
    sum[d] = first.scores[i]!;
    termsOf[d] = first.terms[i]!;
  }
  for (let j = 0; j < others.length; j++) {
    const { docs, scores, terms } = others[j]!;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if (d >= stamp.length || stamp[d] !== mark || count[d] !== j) continue;
      count[d] = j + 1;
      sum[d] = sum[d]! + scores[i]!;
      termsOf[d] = unionTerms(termsOf[d]!, terms[i]!);
    }
  }
  const out = new ScoresBuilder();
  for (let i = 0; i < first.docs.length; i++) {
    const d = first.docs[i]!;
    if (count[d] === others.length) out.add(d, sum[d]!, termsOf[d]!);
  }
  return out.build();
}

/** Programs in any list (and the optional extra), scores added up. */
export function addUp(lists: Scores[], extra?: Scores): Scores {
  const all = (extra ? [...lists, extra] : lists).filter((l) => l.size);
  if (all.length === 1) return all[0]!;
  if (!all.length) return NO_SCORES;
  const acc = new Accumulator(totalSize(all));
  for (const { docs, scores, terms } of all) {
    for (let i = 0; i < docs.length; i++) {
      const k = acc.addOrFind(docs[i]!, scores[i]!, terms[i]!);
      if (k < 0) continue;
      acc.scores[k] = acc.scores[k]! + scores[i]!;
      acc.terms[k] = unionTerms(acc.terms[k]!, terms[i]!);
    }
  }
  return acc.result();
}

/** `base` with what `extra` gives its programs added; programs only in `extra` are not listed. */
export function addWithin(base: Scores, extra: Scores[]): Scores {
  const lists = extra.filter((l) => l.size);
  if (!lists.length || !base.size) return base;
  const mark = nextMark();
  const scores = base.scores.slice();
  const terms = [...base.terms];
  for (let i = 0; i < base.docs.length; i++) {
    if (base.docs[i]! >= stamp.length) reserveDocs(base.docs[i]! + 1);
    stamp[base.docs[i]!] = mark;
    position[base.docs[i]!] = i;
  }
  for (const list of lists) {
    for (let i = 0; i < list.docs.length; i++) {
      const d = list.docs[i]!;
      if (d >= stamp.length || stamp[d] !== mark) continue;
      const k = position[d]!;
      scores[k] = scores[k]! + list.scores[i]!;
      terms[k] = unionTerms(terms[k]!, list.terms[i]!);
    }
  }
  return new Scores(base.docs, scores, terms);
}

/** The entries whose doc `keep` accepts, in their order. */
export function filterScores(scores: Scores, keep: (doc: number) => boolean): Scores {
  const out = new ScoresBuilder();
  for (let i = 0; i < scores.docs.length; i++) if (keep(scores.docs[i]!)) out.add(scores.docs[i]!, scores.scores[i]!, scores.terms[i]!);
  return out.size === scores.size ? scores : out.build();
}
