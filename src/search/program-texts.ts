import type { Program } from '../catalog/schema.js';

/** Keeps a program's fields (and programs) apart in the joined texts: no query contains it (query-bounds.ts strips controls). */
export const TEXT_SEP = '\u0000';

export type TextKind = 'names' | 'all';

interface Joined {
  text: string;
  /** starts[doc]: where the program at catalog position `doc` begins in `text`. */
  starts: Int32Array;
}

/**
 * The programs' texts in compact form, for what the index cannot answer: a word found only
 * inside names (`names`: name and agency spellings) and a quoted phrase (`all`: name, agency,
 * overview, results, related organisations). Each kind is every program's text joined into
 * one string, made on the first search of that kind, and searched with indexOf: at 10,000
 * programs a scan of ten thousand strings cost a question 4 ms, and at 100,000 a phrase about
 * 100 ms.
 */
export class ProgramTexts {
  private readonly joined: Partial<Record<TextKind, Joined>> = {};
  /**
   * An agency's part of a program's text, per kind and agency, folded once: a catalog names a
   * few hundred agencies, and folding them (and their spellings) for each program was most of
   * making `names` (100,000 programs: 0.8 s, on the first word found in no index term).
   */
  private readonly agencyParts = new Map<string, string>();

  /** `fold`: a field to its compact form (variants folded); `spellingsOf`: an agency's other names. */
  constructor(
    private readonly programs: readonly Program[],
    private readonly fold: (text: string) => string,
    private readonly spellingsOf: (agency: string) => readonly string[],
  ) {}

  /** Catalog positions of the programs whose `kind` text contains `text` (compact form), ascending, each once. */
  containing(kind: TextKind, text: string): number[] {
    const docs: number[] = [];
    if (!text) return docs;
    // A text spanning a separator could match across two programs in the joined string (it never
    // does: queries are stripped of controls); such a text is looked for program by program.
    if (text.includes(TEXT_SEP)) {
      this.programs.forEach((p, doc) => {
        if (this.textOf(p, kind).includes(text)) docs.push(doc);
      });
      return docs;
    }
    const { text: all, starts } = (this.joined[kind] ??= this.join(kind));
    for (let at = all.indexOf(text); at >= 0; ) {
      // The last program starting at or before `at`.
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      docs.push(lo);
      at = lo + 1 < starts.length ? all.indexOf(text, starts[lo + 1]!) : -1;
    }
    return docs;
  }

  /** names: name, agency and its spellings; all: name, agency, overview, results, related organisations; each folded. */
  private textOf(p: Program, kind: TextKind): string {
    const name = this.fold(p.name ?? '');
    const agency = this.agencyPart(p.agency ?? '', kind);
    if (kind === 'names') return `${name}${TEXT_SEP}${agency}`;
    return [name, agency, ...[p.overview, p.results, p.relatedOrgs].map((f) => this.fold(f ?? ''))].join(TEXT_SEP);
  }

  private agencyPart(agency: string, kind: TextKind): string {
    const key = `${kind}${TEXT_SEP}${agency}`;
    let part = this.agencyParts.get(key);
    if (part === undefined) {
      part = (kind === 'names' ? [agency, ...this.spellingsOf(agency)] : [agency]).map((f) => this.fold(f)).join(TEXT_SEP);
      this.agencyParts.set(key, part);
    }
    return part;
  }

  private join(kind: TextKind): Joined {
    const joining = this.joining(kind);
    for (let doc = 0; doc < this.programs.length; doc++) joining.add(doc);
    return joining.done();
  }

  /**
   * Makes `kind`'s joined text ahead of its first search, `slice` programs at a time, awaiting
   * `pause` between slices: at 100,000 programs the phrase text takes about 2 s to make, which
   * a first quoted phrase otherwise spent blocking every other question (the warm-up does this).
   */
  async prepare(kind: TextKind, pause: () => Promise<void>, slice = 1000): Promise<void> {
    if (this.joined[kind]) return;
    const joining = this.joining(kind);
    for (let doc = 0; doc < this.programs.length; doc++) {
      joining.add(doc);
      if ((doc + 1) % slice === 0) {
        await pause();
        // A question made it meanwhile.
        if (this.joined[kind]) return;
      }
    }
    this.joined[kind] ??= joining.done();
  }

  private joining(kind: TextKind): { add(doc: number): void; done(): Joined } {
    const starts = new Int32Array(this.programs.length);
    const parts: string[] = [];
    let length = 0;
    return {
      add: (doc) => {
        starts[doc] = length;
        const text = this.textOf(this.programs[doc]!, kind);
        parts.push(text);
        length += text.length + TEXT_SEP.length;
      },
      done: () => ({ text: parts.join(TEXT_SEP), starts }),
    };
  }
}
