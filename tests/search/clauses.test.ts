/**
 * Issue 16: a question that asks for two things at once (海外に売りたいし人も雇いたい) gets a
 * page with answers to each, not five answers to the need with the stronger words.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { clausesOf, interleave } from '../../src/search/clauses.js';
import { describeStep } from '../../src/search/fallback.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids } from './support.js';

let engines: Engines;
beforeAll(async () => {
  engines = await bundledEngines(await loadAnalyzer());
}, ANALYZER_TIMEOUT);

describe('clausesOf', () => {
  it('cuts after 〜たいし/〜ないし/〜るし when a word follows', () => {
    expect(clausesOf('店を開きたいし開業資金も借りたい')).toEqual(['店を開きたいし', '開業資金も借りたい']);
    expect(clausesOf('お客を増やしたいしIT化も進めたい')).toEqual(['お客を増やしたいし', 'IT化も進めたい']);
    expect(clausesOf('人が足りないし売上もない')).toEqual(['人が足りないし', '売上もない']);
  });

  it('leaves one need whole: no し between clauses, or a side with no word of its own', () => {
    for (const q of ['光熱費や仕入れ値が上がって利益が出ない', '会社を辞めて独立したいけど何から始めればいい？', '輸出したいが英語もわからない', '起業したいしどうしよう', '創業', '']) {
      expect(clausesOf(q), q).toEqual([]);
    }
  });

  it('answers at most three clauses of a long question', () => {
    expect(clausesOf('店を開きたいし融資も受けたいし人も雇いたいし宣伝もしたい')).toHaveLength(3);
  });
});

describe('interleave', () => {
  it('weaves each clause’s best after the whole’s, skipping what is listed, then the whole’s rest', () => {
    expect(interleave(['w1', 'w2', 'w3', 'w4'], [['a1', 'w2', 'a2'], ['b1']], 5)).toEqual(['w1', 'a1', 'b1', 'w2', 'a2', 'w3', 'w4']);
    // The engine lets the whole's best two lead (engine.ts: WHOLE_LEADS).
    expect(interleave(['w1', 'w2', 'w3', 'w4'], [['a1', 'w2', 'a2'], ['b1']], 5, 2)).toEqual(['w1', 'w2', 'a1', 'b1', 'w3', 'w4']);
  });

  it('never lists an item twice, and changes nothing when the clauses agree with the whole', () => {
    expect(interleave(['x', 'y', 'z'], [['x'], ['y', 'x']], 6)).toEqual(['x', 'y', 'z']);
    const out = interleave(['a', 'b', 'c'], [['c', 'd'], ['d', 'a']], 10);
    expect(new Set(out).size).toBe(out.length);
  });
});

describe('a question of two needs, on the bundled catalog (both engines)', () => {
  const EXPORT = /輸出|海外/;
  const HIRING = /雇用|人材|求人|採用|就職|就活/;

  describe.each(ENGINE_KINDS)('%s', (kind) => {
    it('海外に売りたいし人も雇いたい: the first page answers both needs, and says how it was read', () => {
      const r = engines[kind].search('海外に売りたいし人も雇いたい', { limit: 5 });
      const texts = r.hits.map((h) => `${h.program.name} ${h.program.overview ?? ''}`);
      expect(texts.some((t) => EXPORT.test(t)), texts.join('\n')).toBe(true);
      expect(texts.some((t) => HIRING.test(t) && !EXPORT.test(t)), texts.join('\n')).toBe(true);
      expect(r.clauses).toEqual(['海外に売りたいし', '人も雇いたい']);
      expect(describeStep(r)).toContain('「海外に売りたいし」と「人も雇いたい」');
    });

    it('pages agree with the whole list: no program twice, none lost, the total is what is listed', () => {
      const engine = engines[kind];
      for (const q of ['海外に売りたいし人も雇いたい', '店を開きたいし開業資金も借りたい']) {
        const all = engine.search(q);
        const listed = ids(all);
        expect(new Set(listed).size, q).toBe(listed.length);
        expect(all.total, q).toBe(listed.length);
        const paged: string[] = [];
        for (let offset = 0; offset < all.total; offset += 5) paged.push(...ids(engine.search(q, { limit: 5, offset })));
        expect(paged, q).toEqual(listed);
        expect(engine.search(q, { limit: 5, offset: 0 }).total, q).toBe(all.total);
      }
    });

    it('a question with a filter or a phrase is answered whole', () => {
      const r = engines[kind].search('"販路" 海外に売りたいし人も雇いたい', { limit: 5 });
      expect(r.clauses).toBeUndefined();
    });
  });
});

describe('intents read any particle after a word (人を雇 finds 人も雇いたい)', () => {
  it.each(ENGINE_KINDS)('%s', (kind) => {
    const asWritten = engines[kind].search('人を雇いたい', { limit: 5 });
    const other = engines[kind].search('人も雇いたい', { limit: 5 });
    expect(asWritten.expandedWith).toContain('採用');
    expect(other.expandedWith).toEqual(asWritten.expandedWith);
  });
});
