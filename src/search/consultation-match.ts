import { ScoresBuilder, type Scores } from './scores.js';

/**
 * A question matched against each program's 相談例 (consultations) one by one: how much of
 * the question (its words weighted by rarity among all consultations) the closest example
 * says. BM25 on the consultations field mixes a program's examples together; this rewards
 * the program with one example that says most of what was asked.
 */
export class ConsultationMatcher {
  /** Program (its position among the programs given) → the word sets of its consultations. */
  private readonly examples = new Map<number, Array<Set<string>>>();
  /** Word → number of consultations (of the whole catalog) saying it. */
  private readonly frequency = new Map<string, number>();
  private count = 0;

  constructor(programs: Iterable<{ consultations?: string[] }>, words: (text: string) => string[]) {
    let doc = -1;
    for (const p of programs) {
      doc++;
      const sets = (p.consultations ?? []).map((c) => new Set(words(c)));
      if (!sets.length) continue;
      this.examples.set(doc, sets);
      for (const set of sets) {
        this.count++;
        for (const w of set) this.frequency.set(w, (this.frequency.get(w) ?? 0) + 1);
      }
    }
  }

  private weight(word: string): number {
    const n = this.frequency.get(word) ?? 0;
    return Math.log(1 + this.count / (1 + n));
  }

  /**
   * Programs (by position) whose closest example covers at least `minCover` of the question's weight, with
   * score = cover² × `score`. `question`: per word of the question, the forms that count as it
   * (the word, its parts, its synonyms).
   */
  match(question: Array<Set<string>>, score: number, minCover = 0.5): Scores {
    const out = new ScoresBuilder();
    if (question.length < 2) return out.build();
    const weights = question.map((forms) => Math.max(...[...forms].map((f) => this.weight(f))));
    const total = weights.reduce((a, b) => a + b, 0);
    if (!total) return out.build();
    for (const [doc, sets] of this.examples) {
      let best = 0;
      let bestTerms: string[] = [];
      for (const set of sets) {
        let covered = 0;
        const terms: string[] = [];
        question.forEach((forms, i) => {
          const hit = [...forms].find((f) => set.has(f));
          if (hit) {
            covered += weights[i]!;
            terms.push(hit);
          }
        });
        if (covered > best) {
          best = covered;
          bestTerms = terms;
        }
      }
      const cover = best / total;
      if (cover >= minCover) out.add(doc, cover * cover * score, new Set(bestTerms));
    }
    return out.build();
  }
}
