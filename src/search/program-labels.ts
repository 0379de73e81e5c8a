import type { Program } from '../catalog/schema.js';
import { isImported } from '../sources/program.js';

/**
 * The catalog's programs by label (purpose category, key project), made once per catalog on
 * first use, for what would otherwise read every program's arrays each time it is asked:
 * at 100,000 programs the purposes' counts of an answer with no hits took 300 ms, a 目的:
 * filter 45 ms and comparing the purposes and key projects of the programs 似た事業 finds
 * most of its 70–110 ms.
 */
export class Labels<T> {
  /** Label → the programs having it (catalog positions, ascending, each once). */
  private readonly docs = new Map<T, Int32Array>();
  /** Label → its bit in `masks` (the first 31 labels met). */
  private readonly bits = new Map<T, number>();
  /** Per program, the bits of its labels. */
  private readonly masks: Int32Array;
  /** Programs listing a label twice, or one without a bit: counted from their arrays (`shared`). */
  private readonly irregular = new Map<number, readonly T[]>();

  constructor(programs: readonly Program[], labelsOf: (p: Program) => readonly T[] | undefined) {
    this.masks = new Int32Array(programs.length);
    const lists = new Map<T, number[]>();
    programs.forEach((p, doc) => {
      const labels = labelsOf(p) ?? [];
      let mask = 0;
      let regular = true;
      for (const label of labels) {
        let list = lists.get(label);
        if (!list) lists.set(label, (list = []));
        if (list[list.length - 1] !== doc) list.push(doc);
        let bit = this.bits.get(label);
        if (bit === undefined && this.bits.size < 31) this.bits.set(label, (bit = 1 << this.bits.size));
        if (bit === undefined || mask & bit) regular = false;
        else mask |= bit;
      }
      this.masks[doc] = mask;
      if (!regular) this.irregular.set(doc, labels);
    });
    for (const [label, list] of lists) this.docs.set(label, Int32Array.from(list));
  }

  /** The programs having `label`, ascending. */
  having(label: T): Int32Array {
    return this.docs.get(label) ?? EMPTY;
  }

  /** Every label some program has, in the order first met in the catalog. */
  labels(): T[] {
    return [...this.docs.keys()];
  }

  /** How many programs have `label`. */
  count(label: T): number {
    return this.having(label).length;
  }

  /** `labels` as the mask `shared` takes. */
  maskOf(labels: ReadonlySet<T>): number {
    let mask = 0;
    for (const label of labels) mask |= this.bits.get(label) ?? 0;
    return mask;
  }

  /**
   * How many of program `doc`'s labels are in `labels` (`mask`: maskOf(labels)), a label it
   * lists twice counted twice: `labelsOf(p).filter((x) => labels.has(x)).length`.
   */
  shared(doc: number, mask: number, labels: ReadonlySet<T>): number {
    const listed = this.irregular.get(doc);
    if (listed) return listed.filter((x) => labels.has(x)).length;
    return bitCount(this.masks[doc]! & mask);
  }
}

const EMPTY = new Int32Array(0);

function bitCount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The labels the engine asks about, each made on first use. */
export class ProgramLabels {
  private purposeLabels?: Labels<string>;
  private needLabels?: Labels<string>;
  private keyProjectLabels?: Labels<number>;
  private importedDocs?: Int32Array;

  constructor(private readonly programs: readonly Program[]) {}

  get purposes(): Labels<string> {
    return (this.purposeLabels ??= new Labels(this.programs, (p) => p.purposes));
  }

  /** The finer needs (相談の種類) of the catalog's programs. */
  get needs(): Labels<string> {
    return (this.needLabels ??= new Labels(this.programs, (p) => p.needs));
  }

  get keyProjects(): Labels<number> {
    return (this.keyProjectLabels ??= new Labels(this.programs, (p) => p.keyProjects));
  }

  /** Programs imported from a source (jGrants): the only ones with a period or target areas (period-filter.ts). */
  get imported(): Int32Array {
    if (!this.importedDocs) {
      const docs: number[] = [];
      this.programs.forEach((p, doc) => {
        if (isImported(p)) docs.push(doc);
      });
      this.importedDocs = Int32Array.from(docs);
    }
    return this.importedDocs;
  }
}
