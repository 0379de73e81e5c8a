/**
 * Per-program scores of one word or one step of a query, and the ways they combine: the
 * engine's ranking (engine.ts) and its fallback steps (fallback.ts) share them.
 */
export interface Scored {
  score: number;
  terms: Set<string>;
}
export type Scores = Map<string, Scored>;

// Scores given to these functions are never changed, and results may share entries and terms
// sets with their inputs (at 10,000 programs, copying every set of every alternative was most
// of a query's garbage): treat any Scores as read-only, except a result of addUp, which is
// always fresh (fallback.ts adds to one).

/** Adds `more` to `target.terms`, copying the set first unless `owned` says it is the target's own. */
function addTerms(target: Scored, more: Set<string>, owned: Set<Scored>): void {
  if (more === target.terms) return;
  for (const t of more) {
    if (target.terms.has(t)) continue;
    if (!owned.has(target)) {
      target.terms = new Set(target.terms);
      owned.add(target);
    }
    target.terms.add(t);
  }
}

export function scale(scores: Scores, factor: number): Scores {
  return new Map([...scores].map(([id, s]) => [id, { score: s.score * factor, terms: s.terms }]));
}

/** Best alternative in full, the others at `rest` of theirs. */
export function softMax(alternatives: Scores[], rest: number): Scores {
  const present = alternatives.filter((scores) => scores.size);
  // One alternative with programs (most words have no synonym that matches): it is the answer.
  if (present.length <= 1) return present[0] ?? new Map();
  const out: Scores = new Map();
  const best = new Map<string, number>();
  const owned = new Set<Scored>();
  for (const scores of present) {
    for (const [id, s] of scores) {
      const prev = out.get(id);
      if (!prev) {
        out.set(id, { score: s.score, terms: s.terms });
        best.set(id, s.score);
        continue;
      }
      addTerms(prev, s.terms, owned);
      const b = best.get(id)!;
      if (s.score > b) {
        prev.score = s.score + (prev.score - b) + rest * b;
        best.set(id, s.score);
      } else prev.score += rest * s.score;
    }
  }
  return out;
}

/** Programs in every list, scores added up. */
export function intersect(lists: Scores[]): Scores {
  const [first, ...rest] = [...lists].sort((a, b) => a.size - b.size);
  const out: Scores = new Map();
  if (!first) return out;
  const owned = new Set<Scored>();
  for (const [id, s] of first) {
    if (!rest.every((other) => other.has(id))) continue;
    const entry: Scored = { score: s.score, terms: s.terms };
    for (const other of rest) {
      const o = other.get(id)!;
      entry.score += o.score;
      addTerms(entry, o.terms, owned);
    }
    out.set(id, entry);
  }
  return out;
}

/** Programs in any list (and the optional extra), scores added up. */
export function addUp(lists: Scores[], extra?: Scores): Scores {
  const out: Scores = new Map();
  for (const scores of extra ? [...lists, extra] : lists) {
    for (const [id, s] of scores) {
      const prev = out.get(id);
      if (prev) {
        prev.score += s.score;
        for (const t of s.terms) prev.terms.add(t);
      } else out.set(id, { score: s.score, terms: new Set(s.terms) });
    }
  }
  return out;
}
