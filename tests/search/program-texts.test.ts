/**
 * ProgramTexts (src/search/program-texts.ts): the programs' texts joined into one string per
 * kind and searched with indexOf. Each program containing a text is found once, in catalog
 * order, the first and the last included; a text only two neighbours' halves make, or two
 * fields of one program, is not found; the answer equals a program-by-program search.
 */
import { describe, expect, it } from 'vitest';
import type { Program } from '../../src/catalog/schema.js';
import { ProgramTexts, TEXT_SEP } from '../../src/search/program-texts.js';

const p = (id: string, name: string, overview = '', agency = '県'): Program => ({ id, name, agency, overview }) as Program;

const programs = [
  p('a', '創業支援', '創業の相談に応じる'),
  p('b', '販路開拓', '商談会を開く。創業'),
  p('c', '商談', '会の運営'), // 商談 | 会: 「商談会」 only across two fields
  p('d', '事業承継', '後継者を探す', 'よろず'),
  p('e', '創業塾', '創業者を育てる'),
];
const texts = new ProgramTexts(programs, (t) => t, (agency) => (agency === 'よろず' ? ['よろず支援拠点'] : []));
const oneByOne = (kind: 'names' | 'all', text: string) =>
  programs.flatMap((prog, doc) => {
    const fields = kind === 'names' ? [prog.name, prog.agency, ...(prog.agency === 'よろず' ? ['よろず支援拠点'] : [])] : [prog.name, prog.agency, prog.overview, prog.results, prog.relatedOrgs];
    return fields.some((f) => (f ?? '').includes(text)) ? [doc] : [];
  });

describe('ProgramTexts.containing', () => {
  it('finds each program once, in catalog order, first and last included', () => {
    expect(texts.containing('all', '創業')).toEqual([0, 1, 4]);
    expect(texts.containing('names', '創業')).toEqual([0, 4]);
    expect(texts.containing('names', '支援拠点')).toEqual([3]);
  });

  it('never finds a text across two fields or two programs', () => {
    expect(texts.containing('all', '商談会')).toEqual([1]);
    expect(texts.containing('all', '創業商談')).toEqual([]);
    expect(texts.containing('all', `商談${TEXT_SEP}会`)).toEqual([]);
  });

  it('answers as a program-by-program search, for every substring of the texts', () => {
    const all = programs.map((prog) => [prog.name, prog.overview].join('')).join('');
    for (let i = 0; i < all.length; i++) {
      for (const len of [1, 2, 3]) {
        const text = all.slice(i, i + len);
        for (const kind of ['names', 'all'] as const) expect(texts.containing(kind, text), `${kind} ${text}`).toEqual(oneByOne(kind, text));
      }
    }
    expect(texts.containing('all', '')).toEqual([]);
  });
});

describe('ProgramTexts with a fold and agencies shared by many programs', () => {
  // Agencies' parts are folded once per agency; the texts must be those of folding every field of every program.
  const fold = (t: string) => t.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  const spellings: Record<string, string[]> = { 'ＪＥＴＲＯ 鹿児島': ['ジェトロ', 'Jetro Kagoshima'], 県: [] };
  const shared = [
    p('j1', 'Ｅｘｐｏ 出展', '海外の 展示会', 'ＪＥＴＲＯ 鹿児島'),
    p('k1', '創業 支援', 'ＩＴ 導入', '県'),
    p('j2', '商談会', 'JETRO と 共催', 'ＪＥＴＲＯ 鹿児島'),
    p('k2', '事業 承継', '後継者', '県'),
    p('j3', 'セミナー', '', 'ＪＥＴＲＯ 鹿児島'),
  ];
  const folded = new ProgramTexts(shared, fold, (agency) => spellings[agency] ?? []);
  const reading = (kind: 'names' | 'all', text: string) =>
    shared.flatMap((prog, doc) => {
      const fields = kind === 'names' ? [prog.name, prog.agency, ...(spellings[prog.agency] ?? [])] : [prog.name, prog.agency, prog.overview, prog.results, prog.relatedOrgs];
      return fields.some((f) => fold(f ?? '').includes(text)) ? [doc] : [];
    });

  it('finds what folding each field of each program finds', () => {
    for (const text of ['jetro鹿児島', 'jetro', 'ジェトロ', 'jetrokagoshima', '県', 'expo', '創業支援', '海外の展示会', 'it導入', '共催', '鹿児島', 'セミナー', 'kagoshima']) {
      for (const kind of ['names', 'all'] as const) expect(folded.containing(kind, text), `${kind} ${text}`).toEqual(reading(kind, text));
    }
    expect(folded.containing('names', 'ジェトロ')).toEqual([0, 2, 4]);
    expect(folded.containing('all', 'ジェトロ')).toEqual([]);
    expect(folded.containing('all', 'jetro')).toEqual([0, 2, 4]);
  });

  it('a text spanning a separator is looked for program by program, with the same texts', () => {
    for (const text of [`jetro鹿児島${TEXT_SEP}ジェトロ`, `expo出展${TEXT_SEP}jetro鹿児島`, `創業支援${TEXT_SEP}県`]) {
      const expected = shared.flatMap((prog, doc) => {
        const names = [prog.name, prog.agency, ...(spellings[prog.agency] ?? [])].map(fold).join(TEXT_SEP);
        return names.includes(text) ? [doc] : [];
      });
      expect(folded.containing('names', text), text).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    }
  });
});

describe('ProgramTexts.prepare', () => {
  it('makes ahead, a slice at a time with a pause between, the texts a first search would make', async () => {
    const ahead = new ProgramTexts(programs, (t) => t, (agency) => (agency === 'よろず' ? ['よろず支援拠点'] : []));
    let pauses = 0;
    for (const kind of ['names', 'all'] as const) await ahead.prepare(kind, async () => void pauses++, 2);
    expect(pauses).toBe(4); // 5 programs, 2 at a time, for each kind
    for (const kind of ['names', 'all'] as const) {
      for (const text of ['創業', '商談会', 'よろず支援', '会の運営', '者を']) expect(ahead.containing(kind, text), `${kind} ${text}`).toEqual(texts.containing(kind, text));
    }
  });

  it('stops when a search made the text meanwhile', async () => {
    const ahead = new ProgramTexts(programs, (t) => t, () => []);
    let pauses = 0;
    await ahead.prepare('all', async () => {
      pauses++;
      ahead.containing('all', '創業'); // a question arrives during the pause and makes the text
    }, 2);
    expect(pauses).toBe(1);
    expect(ahead.containing('all', '創業')).toEqual([0, 1, 4]);
  });
});
