import type { Program } from '../catalog/schema.js';

/**
 * How much a question's characters look like each program's 相談例, read as pairs of characters
 * (character bigrams), not as words: a second opinion on the first page of a question put as a
 * sentence, independent of how kuromoji or the served lexicon cut either text.
 *
 * Why: the words the engine matches depend on where the analyser cuts (給料日前 / 給料 日 前,
 * 資金繰り / 資金 繰り) and on the forms the vocabulary lists; two texts that share most of
 * their characters often share few whole words. Measured on the two tuning sets (session 25),
 * this similarity alone ranks the best program first as often as the engine does (blind set MRR
 * 0.915 against 0.892) while finding fewer of the rest (recall@5 0.710 against 0.763); the two
 * orders fused (fuseOrders) found more than either: blind 0.763 → 0.785, first set's colloquial
 * 0.879 → 0.893.
 *
 * The model: per program, the pairs of its 相談例 pooled, weighted 1 + log(count) times
 * log(1 + programs / (1 + programs whose 相談例 have the pair)), compared by cosine. Only pairs
 * of kanji, katakana, Latin letters or digits are read: a pair with hiragana says how, not what
 * (たい, ので, 誰か, 買っ): with them, 焼酎を誰かに買ってほしい put a 事業承継 program fourth, on
 * a 相談例 saying 誰かに買ってほしい of a company (tuning sets: blind 0.796 / 0.904 with them,
 * 0.785 / 0.898 without; the first set the same).
 */
export class ConsultationGrams {
  /** Programs whose 相談例 have each pair, and what a sample's count is scaled by (see documentFrequency); made on the first question that asks. */
  private frequency?: { df: Map<number, number>; scale: number };
  /** Per program, the length of its pooled 相談例's weights (NaN: not yet worked out). */
  private readonly norms: Float64Array;

  constructor(private readonly programs: readonly Program[]) {
    this.norms = new Float64Array(programs.length).fill(Number.NaN);
  }

  /** The cosine of `question` with the pooled 相談例 of each of `docs` (catalog positions), in that order. */
  similarities(question: string, docs: readonly number[]): Float64Array {
    const out = new Float64Array(docs.length);
    const q = this.weigh(pairCounts(question));
    if (!q.norm) return out;
    docs.forEach((doc, i) => {
      const counts = pairCounts(consultationText(this.programs[doc]));
      let norm = this.norms[doc]!;
      if (Number.isNaN(norm)) norm = this.norms[doc] = this.weigh(counts).norm;
      if (!norm) return;
      let dot = 0;
      for (const [pair, w] of q.weights) {
        const count = counts.get(pair);
        if (count) dot += w * (1 + Math.log(count)) * this.idf(pair);
      }
      out[i] = dot / q.norm / norm;
    });
    return out;
  }

  private idf(pair: number): number {
    const { df, scale } = this.documentFrequency();
    return Math.log(1 + this.programs.length / (1 + (df.get(pair) ?? 0) * scale));
  }

  private weigh(counts: Map<number, number>): { weights: Map<number, number>; norm: number } {
    const weights = new Map<number, number>();
    let sum = 0;
    for (const [pair, count] of counts) {
      const w = (1 + Math.log(count)) * this.idf(pair);
      weights.set(pair, w);
      sum += w * w;
    }
    return { weights, norm: Math.sqrt(sum) };
  }

  /**
   * How many programs' 相談例 have each pair, counted on at most DF_SAMPLE programs spread over
   * the catalog and scaled (`scale`) to the whole: at 100,000 programs, counting them all took
   * 4.8 s on the first question; a pair's share of a sample of 2,000 is its share of the catalog
   * to within what a logarithm notices.
   */
  private documentFrequency(): { df: Map<number, number>; scale: number } {
    if (this.frequency) return this.frequency;
    const df = new Map<number, number>();
    const n = this.programs.length;
    const step = Math.max(1, n / DF_SAMPLE);
    let sampled = 0;
    for (let at = 0; at < n; at += step) {
      sampled++;
      for (const pair of pairCounts(consultationText(this.programs[Math.floor(at)])).keys()) df.set(pair, (df.get(pair) ?? 0) + 1);
    }
    return (this.frequency = { df, scale: sampled ? n / sampled : 1 });
  }
}

/** Programs the pairs' document frequency is counted on, at most (see documentFrequency). */
const DF_SAMPLE = 2000;

function consultationText(program: Program | undefined): string {
  return (program?.consultations ?? []).join('\n');
}

/** Per UTF-16 code unit, its kind: 0 not yet known, then OTHER, BREAK (space, punctuation, symbol) or HIRAGANA. */
const kinds = new Uint8Array(0x10000);
const OTHER = 1;
const IS_BREAK = 2;
const IS_HIRAGANA = 3;
const BREAK = /[\s\p{P}\p{S}]/u;
const HIRAGANA = /\p{Script=Hiragana}/u;

function kindOf(code: number): number {
  let kind = kinds[code]!;
  if (kind === 0) {
    const c = String.fromCharCode(code);
    kind = kinds[code] = BREAK.test(c) ? IS_BREAK : HIRAGANA.test(c) ? IS_HIRAGANA : OTHER;
  }
  return kind;
}

/**
 * The text's pairs of adjacent characters (NFKC, lower case; UTF-16 code units, each pair as
 * one number) that are both kanji, katakana, Latin letters or digits, with their counts.
 */
export function pairCounts(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  const t = text.normalize('NFKC').toLowerCase();
  let previous = 0;
  let previousKind = IS_BREAK;
  for (let i = 0; i < t.length; i++) {
    const code = t.charCodeAt(i);
    const kind = kindOf(code);
    if (kind === OTHER && previousKind === OTHER) {
      const pair = previous * 0x10000 + code;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
    previous = code;
    previousKind = kind;
  }
  return counts;
}

/**
 * `order` (positions, best first) and the same positions ranked by `similarity` (higher first,
 * `order`'s order among equals), fused by reciprocal rank: each position scores 1 / (k + rank)
 * in the first and `weight` / (k + rank) in the second. Returns the positions in the fused order
 * (`order`'s order among equal sums).
 */
export function fuseOrders(order: readonly number[], similarity: Float64Array, weight: number, k = FUSION_K): number[] {
  const bySimilarity = order.map((_, i) => i).sort((a, b) => similarity[b]! - similarity[a]! || a - b);
  const fused = new Float64Array(order.length);
  order.forEach((_, i) => (fused[i] = 1 / (k + i + 1)));
  bySimilarity.forEach((i, rank) => (fused[i]! += weight / (k + rank + 1)));
  return order.map((_, i) => i).sort((a, b) => fused[b]! - fused[a]! || a - b).map((i) => order[i]!);
}

/** Reciprocal-rank fusion's constant: 10 and 20 gave the same on the tuning sets, 5 less. */
export const FUSION_K = 10;
