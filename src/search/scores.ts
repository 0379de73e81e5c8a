/**
 * Per-program scores of one word or one step of a query, and the ways they combine: the
 * engine's ranking (engine.ts) and its fallback steps (fallback.ts) share them.
 */
export interface Scored {
  score: number;
  terms: Set<string>;
}
export type Scores = Map<string, Scored>;

export function scale(scores: Scores, factor: number): Scores {
  return new Map([...scores].map(([id, s]) => [id, { score: s.score * factor, terms: s.terms }]));
}

/** Best alternative in full, the others at `rest` of theirs. */
export function softMax(alternatives: Scores[], rest: number): Scores {
  const out: Scores = new Map();
  const best = new Map<string, number>();
  for (const scores of alternatives) {
    for (const [id, s] of scores) {
      const prev = out.get(id);
      if (!prev) {
        out.set(id, { score: s.score, terms: new Set(s.terms) });
        best.set(id, s.score);
        continue;
      }
      for (const t of s.terms) prev.terms.add(t);
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
  for (const [id, s] of first) {
    let score = s.score;
    const terms = new Set(s.terms);
    let everywhere = true;
    for (const other of rest) {
      const o = other.get(id);
      if (!o) {
        everywhere = false;
        break;
      }
      score += o.score;
      for (const t of o.terms) terms.add(t);
    }
    if (everywhere) out.set(id, { score, terms });
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
