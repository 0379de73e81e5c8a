import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { termForm } from './normalize.js';

/**
 * A general synonym layer under the hand-kept seeds/synonyms.yaml: Sudachi's synonym
 * dictionary (npm `sudachi-synonyms-dictionary`, Apache-2.0, © Works Applications; 26,000
 * groups such as 創業/起業/開業, 融資/貸付/ローン, 人手不足/人材不足). Only what touches the
 * catalog is kept: for each word that may trigger an expansion, the catalog's words of its
 * groups. It is computed when the index is built and stored in it, so a process serving a
 * prebuilt index never reads the 14 MB dictionary.
 *
 * The dictionary's expansion-control flag is respected: 0 expands and is expanded to; 1 is
 * expanded to but never triggers an expansion itself; 2 (kept only as a history of removed
 * entries) is never used.
 */
export interface SudachiSynonym {
  expandControl: 0 | 1 | 2;
  midashi: string;
}
export interface SudachiGroup {
  id: string;
  items: SudachiSynonym[];
}

/** Reads the dictionary shipped in the npm package (its `exports` hide the JSON, so it is found beside the main file). */
export async function loadSudachiGroups(): Promise<SudachiGroup[]> {
  const require = createRequire(import.meta.url);
  const file = path.join(path.dirname(require.resolve('sudachi-synonyms-dictionary')), 'sudachi-synonyms-dictionary.json');
  return JSON.parse(await readFile(file, 'utf8')) as SudachiGroup[];
}

/**
 * term → the catalog's words of its groups (itself excluded), for the terms that may trigger
 * an expansion. `catalogTerms`: the index's words; `fold`: the variant folding of the index.
 */
export function generalSynonymMap(groups: readonly SudachiGroup[], catalogTerms: ReadonlySet<string>, fold: (text: string) => string): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const group of groups) {
    const members = group.items
      .filter((m) => m.expandControl !== 2)
      .map((m) => ({ term: termForm(fold(m.midashi)).replace(/\s+/g, ''), triggers: m.expandControl === 0 }))
      .filter((m) => m.term.length >= 2);
    const targets = [...new Set(members.map((m) => m.term).filter((t) => catalogTerms.has(t)))];
    if (!targets.length) continue;
    for (const m of members) {
      if (!m.triggers) continue;
      const to = targets.filter((t) => t !== m.term);
      if (!to.length) continue;
      let set = out.get(m.term);
      if (!set) out.set(m.term, (set = new Set()));
      for (const t of to) set.add(t);
    }
  }
  return new Map([...out].map(([t, s]) => [t, [...s]]));
}
