/**
 * A query word the index holds no term for may still be part of a program's name or agency
 * spelling (そうしん in そうしんTOBO会): the engine looks for it in every program's names, joined
 * into one string since issue 13. Each program containing it is found once, in catalog order,
 * including the first and the last, and none for a match that only its neighbour's name has.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { ANALYZER_TIMEOUT, ENGINE_KINDS, ids, program, tinyEngines } from './support.js';

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
}, ANALYZER_TIMEOUT);

describe('a word found only inside names', () => {
  it('finds every program whose name contains it, once each, in catalog order', async () => {
    // The index holds tobza, xtobzy, xto, bzy…: no term tobz (kuromoji keeps a run of Latin letters whole).
    const programs = [
      program('first', 'TOBZA交流会'),
      program('other', '販路開拓支援事業'),
      program('twice', 'TOBZY研修とXTOBZY'), // at the very start of its names, and twice
      program('near', '販路XTO'),
      program('next', 'BZYの開催'),
      program('last', '第２回XTOBZ'),
    ];
    const e = await tinyEngines(analyzer, programs);
    for (const kind of ENGINE_KINDS) {
      const r = e[kind].search('TOBZ', { limit: 10 });
      // 'near' ends and 'next' begins with halves of it: no program holds it across the two.
      expect(ids(r), kind).toEqual(['first', 'twice', 'last']);
    }
  });
});
