import { Scores, type TermSet } from './scores.js';

/**
 * Each intent's programs and scores over the whole catalog, kept from one question to the next.
 *
 * An intent (お金を借りたい → 融資, 貸付, …) is looked up as all its words, their parts and
 * synonyms: at 100,000 programs, 40 of a 55 ms question (中国で商品を売りたい: 輸出, 海外展開,
 * 販路開拓 …), the same work for every question that says it. The catalog holds a few dozen
 * intents, so their lists are kept, copied out of the query's memory (scores.ts: startQuery),
 * up to a budget of entries.
 *
 * A kept list has no inputs to work its programs' terms out from (scores.ts: termsOf): the
 * terms of the programs a page shows are made again before the page's terms are asked for
 * (`IntentQuery.prepare`), program by program by looking the intent up for that program alone
 * (`IntentTerms.alone`: a lookup per word instead of its postings), or from the whole list made
 * again once (`IntentTerms.whole`): for an answer asked in full, and wherever the list is short
 * enough that walking it costs less than the page's programs one by one (a small catalog: at 143
 * programs one by one took twice as long). They are exactly the terms
 * the whole list would give: a combined list lists a program when its inputs do, whatever else
 * they list.
 */

/** How a kept list's terms are made again (the engine's; it must not hold a question's state). */
export interface IntentTerms<R> {
  /** The terms of `doc` in the intent's list made for that program alone, or undefined if it is not there. */
  alone(recipe: R, doc: number): TermSet | undefined;
  /** The terms of `docs` in the intent's whole list made again (for many programs at once). */
  whole(recipe: R, docs: readonly number[]): Map<number, TermSet>;
}

/** Programs of one kept list whose terms are made one by one; more, and the whole list is made again once. */
const ALONE_AT_MOST = 16;

/**
 * What making one program's terms alone costs, in entries of the whole list made again: a
 * program alone runs the intent's whole lookup (every word, part and synonym) for one program,
 * the whole list walks each word's postings once. Measured on the tuning questions (CPU per
 * question): at 143 programs (lists of up to 143) the whole list was twice as fast for a page of
 * 5; at 10,000 (lists of thousands) one by one was faster, and 30 to 120 here chose alike.
 */
export const ALONE_COST_IN_ENTRIES = 64;

export class IntentLists<R> {
  private readonly kept = new Map<string, KeptList<R>>();
  private entries = 0;

  /**
   * `budget`: entries (a program in an intent's list) kept at most, all intents together; 0
   * keeps none. `terms`: made once per engine, never from a question (a kept list holds it as
   * long as the engine lives). `aloneCost`: ALONE_COST_IN_ENTRIES; 0 makes a page's programs
   * one by one whatever the list's length (tests: both ways give the same terms).
   */
  constructor(
    private readonly budget: number,
    private readonly terms: IntentTerms<R>,
    private readonly aloneCost = ALONE_COST_IN_ENTRIES,
  ) {}

  /** A question's use of the kept lists: its page's terms are prepared through it. */
  startQuery(): IntentQuery {
    return new IntentQuery(this.aloneCost);
  }

  /**
   * The intent's list for this question: the kept one, or `make`'s, kept when the budget allows.
   * `make` returns the list in the query's memory and what the terms are made again from (`recipe`).
   */
  listFor(key: string, query: IntentQuery, make: () => { scores: Scores; recipe: R }): Scores {
    let kept = this.kept.get(key);
    if (!kept) {
      const { scores, recipe } = make();
      if (this.budget <= 0 || this.entries + scores.size > this.budget) return scores;
      kept = { docs: Int32Array.from(scores.docs), scores: Float64Array.from(scores.scores), recipe, terms: this.terms };
      this.kept.set(key, kept);
      this.entries += scores.size;
    }
    return query.use(kept);
  }

  /** Entries kept, all intents together (for tests). */
  get size(): number {
    return this.entries;
  }
}

interface KeptList<R> {
  docs: Int32Array;
  scores: Float64Array;
  recipe: R;
  terms: IntentTerms<R>;
}

/** The kept lists one question used, and the terms of its page's programs in them. */
export class IntentQuery {
  private readonly used: Array<{ list: KeptList<unknown>; terms: Map<number, TermSet> }> = [];

  constructor(private readonly aloneCost: number) {}

  use<R>(list: KeptList<R>): Scores {
    const terms = new Map<number, TermSet>();
    this.used.push({ list: list as KeptList<unknown>, terms });
    return new Scores(list.docs, list.scores, {
      kind: 'each',
      at: (i) => {
        const found = terms.get(list.docs[i]!);
        if (!found) throw new Error(`terms of program ${list.docs[i]} in a kept intent list were not prepared (IntentQuery.prepare)`);
        return found;
      },
    });
  }

  /**
   * Makes the terms of `docs` in every kept list this question used: call before termsOf on a
   * list made from them (termsOf's scratch must not be in use while they are made). A page's
   * few programs in a long list are looked up one by one; many (an answer asked for in full),
   * or a short list, through the whole list made again once.
   */
  prepare(docs: Iterable<number>): void {
    if (!this.used.length) return;
    const wanted = new Set(docs);
    for (const { list, terms } of this.used) {
      const listed: number[] = [];
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i]!;
        if (wanted.has(doc) && !terms.has(doc)) listed.push(doc);
      }
      let rest = listed;
      if (listed.length <= ALONE_AT_MOST && listed.length * this.aloneCost <= list.docs.length) {
        rest = [];
        for (const doc of listed) {
          const found = list.terms.alone(list.recipe, doc);
          if (found) terms.set(doc, found);
          else rest.push(doc); // cannot happen (a program in the list is in it alone); the whole list decides
        }
      }
      if (rest.length) for (const [doc, found] of list.terms.whole(list.recipe, rest)) terms.set(doc, found);
    }
  }
}
