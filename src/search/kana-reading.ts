import type { AnalyzedUnit, LexiconEntry } from './analyzer.js';

/**
 * A question typed all in kana (じぎょうしょうけいについてしりたい) is no single reading: it is
 * cut, by longest match, into the readings of the catalog's words (じぎょうしょうけい → 事業承継),
 * skipping what matches none (particles, endings). Readings shorter than MIN_READING kana are
 * not used: too many words share them.
 */
const MIN_READING = 3;
const MAX_READING = 16;

export class KanaReadings {
  private readonly byReading = new Map<string, { entry: LexiconEntry; frequency: number }>();

  /** `frequency`: how many programs hold a term (the commonest word wins a shared reading). */
  constructor(entries: Iterable<LexiconEntry>, frequency: (term: string) => number) {
    for (const entry of entries) {
      const r = entry.reading;
      if (r.length < MIN_READING || r.length > MAX_READING || r === entry.term) continue;
      const f = frequency(entry.term);
      if (f <= 0) continue;
      const prev = this.byReading.get(r);
      if (!prev || f > prev.frequency) this.byReading.set(r, { entry, frequency: f });
    }
  }

  has(reading: string): boolean {
    return this.byReading.has(reading);
  }

  /** The catalog words whose readings make up `kana`, in order. */
  split(kana: string): AnalyzedUnit[] {
    const units: AnalyzedUnit[] = [];
    let i = 0;
    while (i < kana.length) {
      let found: LexiconEntry | undefined;
      let length = 0;
      for (let n = Math.min(MAX_READING, kana.length - i); n >= MIN_READING; n--) {
        const hit = this.byReading.get(kana.slice(i, i + n));
        if (hit) {
          found = hit.entry;
          length = n;
          break;
        }
      }
      if (found) {
        units.push({ term: found.term, surface: found.surface, reading: found.reading, parts: found.parts });
        i += length;
      } else i++;
    }
    return units;
  }
}
