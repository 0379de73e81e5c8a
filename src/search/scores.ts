/**
 * Per-program scores of one word or one step of a query, and the ways they combine: the
 * engine's word scores (word-scores.ts), ranking (engine.ts) and fallback steps (fallback.ts) share them.
 *
 * A program is named by its position in the catalog (its "doc"), and a list of scores is
 * two parallel typed arrays (docs, scores) rather than a Map keyed by the program's id: at
 * 10,000 programs a question's words and their synonyms produce tens of thousands of entries,
 * and a Map entry, its object and its hashing per entry per step was most of a query's time
 * and garbage (issue 13). Combining uses scratch arrays indexed by doc, shared by every call
 * (a call never runs inside another), so a step allocates only its result.
 *
 * What each program matched (its terms) is not carried along: only the page's hits show it,
 * and at 100,000 programs carrying a terms set per entry through every step (an array of
 * pointers per list, a union per entry) was most of a query's garbage. A list remembers how it
 * was made (`Origin`), and `termsOf` works a few programs' terms out from that afterwards.
 *
 * Every result is exactly what the Map version gave: the same programs in the same order
 * (first seen first), each score summed in the same order (so equal to the bit), and the same
 * matched terms in the same order (tests/search/scores.test.ts holds them to it).
 */

/** Index terms a program matched. Shared between entries and lists: never changed once made. */
export type TermSet = ReadonlySet<string>;

/**
 * How a list's entries got their terms:
 * - `same`: every entry has the same terms (a term's postings, a purpose's programs);
 * - `each`: made per entry on demand (`at(i)`: the i-th entry's);
 * - `scaled`: the input's programs and terms (scale);
 * - `filtered`: some of the input's programs, with their terms there;
 * - `any` (softMax, addUp), `all` (intersect), `within` (addWithin: listed when the first input
 *   lists it): the inputs that list the program, in order, their terms joined in that order
 *   (an input's terms first, then those of the next it lacks), as the combining added them.
 */
export type Origin =
  | { kind: 'same'; terms: TermSet }
  | { kind: 'each'; at: (i: number) => TermSet }
  | { kind: 'scaled' | 'filtered'; input: Scores }
  | { kind: 'any' | 'all' | 'within'; inputs: readonly Scores[] };

const NO_TERMS: TermSet = new Set<string>();

/** An immutable list of programs with a score each, and how their matched terms are found. */
export class Scores {
  private positions?: Map<number, number>;

  constructor(
    /** Catalog positions of the programs, in the order they were found. */
    readonly docs: Int32Array,
    readonly scores: Float64Array,
    readonly origin: Origin,
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
    return i === undefined ? undefined : { score: this.scores[i]!, terms: termsOf(this, [doc]).get(doc)! };
  }

  *entries(): IterableIterator<[number, { score: number; terms: TermSet }]> {
    const terms = termsOf(this, this.docs);
    for (let i = 0; i < this.docs.length; i++) yield [this.docs[i]!, { score: this.scores[i]!, terms: terms.get(this.docs[i]!)! }];
  }
}

export const NO_SCORES = new Scores(new Int32Array(0), new Float64Array(0), { kind: 'same', terms: NO_TERMS });

/** Builds a Scores entry by entry (each doc once), for at most `capacity` entries. */
export class ScoresBuilder {
  private readonly docs: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.docs = int32s.take(capacity);
    this.scores = float64s.take(capacity);
  }

  get size(): number {
    return this.n;
  }

  add(doc: number, score: number): void {
    this.docs[this.n] = doc;
    this.scores[this.n] = score;
    this.n++;
  }

  build(origin: Origin): Scores {
    if (!this.n) return NO_SCORES;
    return this.n === this.docs.length ? new Scores(this.docs, this.scores, origin) : new Scores(this.docs.subarray(0, this.n), this.scores.subarray(0, this.n), origin);
  }
}

/** `docs`, each at `score`, every one having matched `terms`. */
export function constantScores(docs: Int32Array, score: number, terms: TermSet): Scores {
  return docs.length ? new Scores(docs, float64s.take(docs.length).fill(score), { kind: 'same', terms }) : NO_SCORES;
}

// ---- a query's memory ---------------------------------------------------------------------

/*
 * The lists a query makes live only while it is answered, and at 100,000 programs a broad
 * question makes tens of megabytes of them. Allocated one by one, as typed arrays of their own,
 * their memory (outside V8's heap) made V8 run full collections of the whole index, 130–660 ms
 * each on a 650 MB heap, in the middle of questions. They are cut instead from a few large
 * blocks that every query uses again: `startQuery` (the engine calls it as each search starts,
 * and nothing made for an earlier search is read after that) hands the blocks out from the
 * start again. Without it the blocks are simply used up and new ones made, so code that never
 * calls it (tools, tests) just allocates as before.
 */
/** One kind of typed array, handed out piece by piece from a block (a new, larger one when full). */
class QueryBlock<T extends Int32Array | Float64Array | Uint8Array> {
  private used = 0;

  constructor(
    private block: T,
    private readonly make: (length: number) => T,
  ) {}

  take(n: number): T {
    if (this.used + n > this.block.length) {
      this.block = this.make(Math.max(n, this.block.length * 2));
      this.used = 0;
    }
    return this.block.subarray(this.used, (this.used += n)) as T;
  }

  reset(): void {
    this.used = 0;
  }
}

const int32s = new QueryBlock(new Int32Array(1 << 12), (n) => new Int32Array(n));
const float64s = new QueryBlock(new Float64Array(1 << 12), (n) => new Float64Array(n));
const uint8s = new QueryBlock(new Uint8Array(1 << 12), (n) => new Uint8Array(n));

/** Hands a query's memory out from the start again: nothing made before may be read afterwards. */
export function startQuery(): void {
  int32s.reset();
  float64s.reset();
  uint8s.reset();
}

/**
 * Programs (catalog positions below `bound`) as one byte each: the ranking asks whether a
 * program contains a word as written for nearly every hit, and a Set of 50,000 numbers per
 * word was a good part of a broad question's garbage at 100,000 programs.
 */
export class DocSet {
  private marks?: Uint8Array;

  constructor(private readonly bound: number) {}

  /** Made on the first program added (most words' as-written sets stay empty). */
  private marked(): Uint8Array {
    return (this.marks ??= uint8s.take(this.bound).fill(0));
  }

  add(doc: number): void {
    this.marked()[doc] = 1;
  }

  addAll(docs: Int32Array): void {
    if (!docs.length) return;
    const marks = this.marked();
    for (let i = 0; i < docs.length; i++) marks[docs[i]!] = 1;
  }

  has(doc: number): boolean {
    return this.marks !== undefined && this.marks[doc] === 1;
  }
}

// ---- terms, for the few programs shown ------------------------------------------------------

/**
 * The terms each of `docs` matched in `list` (docs the list lacks are left out), worked out
 * from the lists it was made of. Each list on the way is read once for all of `docs`.
 */
export function termsOf(list: Scores, docs: ArrayLike<number>): Map<number, TermSet> {
  // wanted: stamp[doc] === mark, and position[doc] its number (scratch, as the combining uses it).
  const mark = nextMark();
  const numbered: number[] = [];
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    if (doc >= stamp.length) reserveDocs(doc + 1);
    if (stamp[doc] === mark) continue;
    stamp[doc] = mark;
    position[doc] = numbered.length;
    numbered.push(doc);
  }
  const found = resolve(list, { mark, count: numbered.length }, new Map());
  const out = new Map<number, TermSet>();
  numbered.forEach((doc, k) => {
    if (found[k]) out.set(doc, found[k]!);
  });
  return out;
}

/** The docs termsOf asks about: stamp[doc] === mark, numbered by position[doc]. */
interface Wanted {
  mark: number;
  count: number;
}

/** The number of `doc` among the wanted ones, or -1. */
function wantedNumber(doc: number, wanted: Wanted): number {
  return doc < stamp.length && stamp[doc] === wanted.mark ? position[doc]! : -1;
}

/**
 * Per wanted doc (by its number in `wanted`), its terms in `list`, or undefined when not listed.
 * Only the lists a query started from (and filtered ones) are read through: whether a combined
 * list has a program follows from its inputs.
 */
function resolve(list: Scores, wanted: Wanted, memo: Map<Scores, Array<TermSet | undefined>>): Array<TermSet | undefined> {
  const known = memo.get(list);
  if (known) return known;
  const { origin, docs } = list;
  let out = new Array<TermSet | undefined>(wanted.count);
  switch (origin.kind) {
    case 'same':
    case 'each':
      for (let i = 0; i < docs.length; i++) {
        const k = wantedNumber(docs[i]!, wanted);
        if (k >= 0) out[k] = origin.kind === 'same' ? origin.terms : origin.at(i);
      }
      break;
    case 'scaled':
      out = resolve(origin.input, wanted, memo);
      break;
    case 'filtered': {
      const input = resolve(origin.input, wanted, memo);
      for (let i = 0; i < docs.length; i++) {
        const k = wantedNumber(docs[i]!, wanted);
        if (k >= 0) out[k] = input[k];
      }
      break;
    }
    default: {
      const inputs = origin.inputs.map((input) => resolve(input, wanted, memo));
      for (let k = 0; k < out.length; k++) {
        if (origin.kind === 'all' ? inputs.some((found) => !found[k]) : origin.kind === 'within' && !inputs[0]![k]) continue;
        let terms: TermSet | undefined;
        for (const found of inputs) {
          const more = found[k];
          if (more) terms = terms ? unionTerms(terms, more) : more;
        }
        out[k] = terms;
      }
    }
  }
  memo.set(list, out);
  return out;
}

/** `a`'s terms, then those of `b` it lacks (the order the Map version added them in). */
function unionTerms(a: TermSet, b: TermSet): TermSet {
  if (a === b || !b.size) return a;
  if (!a.size) return b;
  let added: Set<string> | undefined;
  for (const t of b) {
    if (a.has(t)) continue;
    added ??= new Set(a);
    added.add(t);
  }
  return added ?? a;
}

// ---- scratch, indexed by doc --------------------------------------------------------------

let stamp = new Int32Array(0);
let position = new Int32Array(0);
let count = new Int32Array(0);
let sum = new Float64Array(0);
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
function reserveDocs(bound: number): void {
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

  /**
   * The marks addOrFind uses, long enough for docs below `bound`, for a loop that inlines it
   * (term-scores.ts: a posting at a time, a million per broad question at 100,000 programs).
   * Valid until the next Accumulator or combining call.
   */
  marks(bound: number): { stamp: Int32Array; position: Int32Array } {
    reserveDocs(bound);
    return { stamp, position };
  }

  /** Position of `doc`, or -1 after adding it with `score`. */
  addOrFind(doc: number, score: number): number {
    if (doc >= stamp.length) reserveDocs(doc + 1);
    else if (stamp[doc] === this.mark) return position[doc]!;
    stamp[doc] = this.mark;
    position[doc] = this.n;
    this.docs[this.n] = doc;
    this.scores[this.n] = score;
    this.n++;
    return -1;
  }

  result(origin: Origin): Scores {
    if (!this.n) return NO_SCORES;
    const docs = int32s.take(this.n);
    const scores = float64s.take(this.n);
    docs.set(this.docs.subarray(0, this.n));
    scores.set(this.scores.subarray(0, this.n));
    return new Scores(docs, scores, origin);
  }
}

const totalSize = (lists: readonly Scores[]) => lists.reduce((n, l) => n + l.size, 0);

// ---- combining ----------------------------------------------------------------------------

export function scale(scores: Scores, factor: number): Scores {
  if (!scores.size) return NO_SCORES;
  const out = float64s.take(scores.size);
  for (let i = 0; i < out.length; i++) out[i] = scores.scores[i]! * factor;
  return new Scores(scores.docs, out, { kind: 'scaled', input: scores });
}

/** Best alternative in full, the others at `rest` of theirs. */
export function softMax(alternatives: Scores[], rest: number): Scores {
  const present = alternatives.filter((scores) => scores.size);
  // One alternative with programs (most words have no synonym that matches): it is the answer.
  if (present.length <= 1) return present[0] ?? NO_SCORES;
  const acc = new Accumulator(totalSize(present));
  const { best, scores: out } = acc;
  for (const list of present) {
    const { docs, scores } = list;
    for (let i = 0; i < docs.length; i++) {
      const s = scores[i]!;
      const k = acc.addOrFind(docs[i]!, s);
      if (k < 0) {
        best[acc.n - 1] = s;
        continue;
      }
      const b = best[k]!;
      if (s > b) {
        out[k] = s + (out[k]! - b) + rest * b;
        best[k] = s;
      } else out[k] = out[k]! + rest * s;
    }
  }
  return acc.result({ kind: 'any', inputs: present });
}

/** Programs in every list, scores added up. */
export function intersect(lists: Scores[]): Scores {
  const sorted = [...lists].sort((a, b) => a.size - b.size);
  const [first, ...others] = sorted;
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
  }
  for (let j = 0; j < others.length; j++) {
    const { docs, scores } = others[j]!;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if (d >= stamp.length || stamp[d] !== mark || count[d] !== j) continue;
      count[d] = j + 1;
      sum[d] = sum[d]! + scores[i]!;
    }
  }
  const out = new ScoresBuilder(first.size);
  for (let i = 0; i < first.docs.length; i++) {
    const d = first.docs[i]!;
    if (count[d] === others.length) out.add(d, sum[d]!);
  }
  // Terms joined in the caller's order of the lists (a compound's parts in their order), not in
  // the order they were added up (the shortest first): a program's terms then do not depend on
  // how many other programs each list has, so a list made for one program alone
  // (intent-lists.ts) gives it the same terms.
  return out.build({ kind: 'all', inputs: lists });
}

/** Programs in any list (and the optional extra), scores added up. */
export function addUp(lists: Scores[], extra?: Scores): Scores {
  const all = (extra ? [...lists, extra] : lists).filter((l) => l.size);
  if (all.length === 1) return all[0]!;
  if (!all.length) return NO_SCORES;
  const acc = new Accumulator(totalSize(all));
  const out = acc.scores;
  for (const { docs, scores } of all) {
    for (let i = 0; i < docs.length; i++) {
      const k = acc.addOrFind(docs[i]!, scores[i]!);
      if (k >= 0) out[k] = out[k]! + scores[i]!;
    }
  }
  return acc.result({ kind: 'any', inputs: all });
}

/** `base` with what `extra` gives its programs added; programs only in `extra` are not listed. */
export function addWithin(base: Scores, extra: Scores[]): Scores {
  const lists = extra.filter((l) => l.size);
  if (!lists.length || !base.size) return base;
  const mark = nextMark();
  const scores = float64s.take(base.size);
  scores.set(base.scores);
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
    }
  }
  return new Scores(base.docs, scores, { kind: 'within', inputs: [base, ...lists] });
}

/** The entries whose doc `keep` accepts, in their order. */
export function filterScores(scores: Scores, keep: (doc: number) => boolean): Scores {
  const out = new ScoresBuilder(scores.size);
  for (let i = 0; i < scores.docs.length; i++) if (keep(scores.docs[i]!)) out.add(scores.docs[i]!, scores.scores[i]!);
  return out.size === scores.size ? scores : out.build({ kind: 'filtered', input: scores });
}
