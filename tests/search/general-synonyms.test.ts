/**
 * The general synonym layer (Sudachi's dictionary) under staff's synonyms.yaml: its
 * expansion-control flags are respected, it reaches only the catalog's words, and an index
 * carries it so the served engine answers as the built one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { generalSynonymMap, loadSudachiGroups, type SudachiGroup } from '../../src/search/general-synonyms.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, names } from './support.js';

let bundled: Engines;
beforeAll(async () => {
  bundled = await bundledEngines(await loadAnalyzer());
}, ANALYZER_TIMEOUT);

const item = (midashi: string, expandControl: 0 | 1 | 2 = 0) => ({ midashi, expandControl });

describe('generalSynonymMap', () => {
  const groups: SudachiGroup[] = [
    { id: '1', items: [item('創業'), item('起業'), item('旗揚げ', 1), item('開業', 2)] },
    { id: '2', items: [item('無関係'), item('関係ない')] },
  ];
  const map = generalSynonymMap(groups, new Set(['創業', '旗揚げ', '開業']), (t) => t);

  it('a word expands to the catalog words of its group, itself excluded', () => {
    expect(map.get('起業')?.sort()).toEqual(['創業', '旗揚げ'].sort());
    expect(map.get('創業')).toEqual(['旗揚げ']);
  });

  it('flag 1 never triggers an expansion, flag 2 is never used, and groups without catalog words are dropped', () => {
    expect(map.has('旗揚げ')).toBe(false);
    expect([...map.values()].flat()).not.toContain('開業');
    expect(map.has('無関係')).toBe(false);
  });

  it('reads the dictionary the npm package ships (tens of thousands of groups)', async () => {
    const all = await loadSudachiGroups();
    expect(all.length).toBeGreaterThan(20_000);
    expect(all.every((g) => Array.isArray(g.items))).toBe(true);
  });
});

describe('on the bundled catalog (both engines)', () => {
  it('ウェブサイト, a word staff never listed, finds the programs that say ホームページ', () => {
    for (const kind of ENGINE_KINDS) {
      const r = bundled[kind].search('ウェブサイト');
      expect(r.hits.length, kind).toBeGreaterThan(0);
      expect(r.expandedWith, kind).toContain('ホームページ');
    }
    expect(names(bundled.served.search('ウェブサイト'))).toEqual(names(bundled.kuromoji.search('ウェブサイト')));
  });

  it('an exact hit still ranks above one found through the general layer', () => {
    for (const kind of ENGINE_KINDS) {
      const r = bundled[kind].search('起業');
      expect(r.hits[0]!.terms, kind).toContain('起業');
    }
  });
});
