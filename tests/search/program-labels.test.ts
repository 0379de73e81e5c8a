/**
 * The programs by purpose, key project and source (program-labels.ts), made once so that an
 * answer with no hits, a 目的:/重点:/period filter and 似た事業 do not read every program's
 * arrays each time (issue 13: 100,000 programs). What they answer must be what reading the
 * arrays answered: each is checked here against that reading, on the bundled catalog plus
 * imported jGrants programs, and on programs that list a label twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AgencyDirectory } from '../../src/catalog/agencies.js';
import { PURPOSES, type Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import { readSources } from '../../src/search/load.js';
import { compactForm } from '../../src/search/normalize.js';
import { Labels, ProgramLabels } from '../../src/search/program-labels.js';
import { ProgramTexts } from '../../src/search/program-texts.js';
import { QueryFilters } from '../../src/search/query-filters.js';
import { parseQuery, type ParsedQuery } from '../../src/search/query.js';
import { periodFilters } from '../../src/search/period-filter.js';
import { Vocabulary } from '../../src/search/vocabulary.js';
import { toProgram } from '../../src/sources/jgrants/mapping.js';
import { parseList } from '../../src/sources/jgrants/parser.js';
import { isImported } from '../../src/sources/program.js';
import { KAGOSHIMA_ITEMS } from '../sources/jgrants/support/fake-jgrants.js';
import { ANALYZER_TIMEOUT, bundledPaths, program, tinyEngines } from './support.js';

const NOW = new Date('2026-11-27T03:00:00Z');
const day = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * day).toISOString();

/** Recorded jGrants items with periods around NOW (open, closing soon, upcoming, closed), some given purposes and key projects. */
function imported(): Program[] {
  const periods: Array<[number, number]> = [
    [-10, 20],
    [-10, 3],
    [5, 40],
    [-40, -2],
    [-1, 60],
  ];
  const items = KAGOSHIMA_ITEMS().map((item, i) => (periods[i] ? { ...item, acceptance_start_datetime: at(periods[i]![0]), acceptance_end_datetime: at(periods[i]![1]) } : item));
  return parseList({ result: items })
    .items.map((item) => toProgram(item, undefined, NOW))
    .map((p, i): Program => (i % 2 ? { ...p, purposes: [PURPOSES[i % PURPOSES.length]!, PURPOSES[0]], keyProjects: [((i % 4) + 1) as 1 | 2 | 3 | 4] } : p));
}

let analyzer: Analyzer;
let catalog: Program[];
let agencies: AgencyDirectory;
let vocabulary: Vocabulary;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  const sources = await readSources(bundledPaths());
  catalog = [...sources.programs, ...imported()];
  agencies = new AgencyDirectory(sources.agencies);
  vocabulary = new Vocabulary(sources.synonyms, analyzer);
}, ANALYZER_TIMEOUT);

/** What each program lists, as read from its arrays. */
const purposesOf = (p: Program) => p.purposes;
const projectsOf = (p: Program) => p.keyProjects;

describe('Labels: the programs having a label, and how many labels two programs share', () => {
  it('having and count are the programs whose array lists the label, ascending, each once', () => {
    const labels = new ProgramLabels(catalog);
    for (const purpose of [...PURPOSES, 'どれでもない']) {
      const reading = catalog.flatMap((p, doc) => (p.purposes?.includes(purpose as never) ? [doc] : []));
      expect([...labels.purposes.having(purpose)], purpose).toEqual(reading);
      expect(labels.purposes.count(purpose), purpose).toBe(reading.length);
    }
    for (const n of [1, 2, 3, 4, 5]) expect([...labels.keyProjects.having(n)], String(n)).toEqual(catalog.flatMap((p, doc) => (p.keyProjects?.includes(n as never) ? [doc] : [])));
    expect(labels.purposes.count(PURPOSES[0])).toBeGreaterThan(0);
  });

  it('imported: the programs from a source, the only ones a period filter can match', () => {
    const docs = [...new ProgramLabels(catalog).imported];
    expect(docs).toEqual(catalog.flatMap((p, doc) => (isImported(p) ? [doc] : [])));
    expect(docs.length).toBeGreaterThan(5);
  });

  it('shared counts what filtering the other program’s array counts, for every pair of programs', () => {
    const labels = new ProgramLabels(catalog);
    for (const [kind, of] of [
      ['purposes', purposesOf],
      ['keyProjects', projectsOf],
    ] as const) {
      const table = labels[kind] as Labels<unknown>;
      for (const self of catalog) {
        const set = new Set<unknown>(of(self) ?? []);
        const mask = table.maskOf(set);
        catalog.forEach((other, doc) => {
          const reading = ((of(other) ?? []) as unknown[]).filter((x) => set.has(x)).length;
          if (table.shared(doc, mask, set) !== reading) expect.fail(`${kind}: ${self.id} and ${other.id}: ${table.shared(doc, mask, set)}, reading ${reading}`);
        });
      }
    }
  });

  it('a label listed twice counts twice in shared, once in having; more labels than bits are counted from the arrays', () => {
    const many = Array.from({ length: 40 }, (_, i) => `L${i}`);
    const programs: Program[] = [
      program('twice', 'a', { purposes: [PURPOSES[1], PURPOSES[1], PURPOSES[2]] }),
      program('once', 'b', { purposes: [PURPOSES[1]] }),
      program('none', 'c'),
      program('many', 'd', { relatedOrgs: many.join(',') }),
      program('last', 'e', { relatedOrgs: 'L39,L0,L35' }),
    ];
    const table = new Labels(programs, (p) => p.relatedOrgs?.split(','));
    const purposes = new Labels(programs, purposesOf);
    expect([...purposes.having(PURPOSES[1])]).toEqual([0, 1]);
    for (const [labels, of] of [
      [purposes, purposesOf],
      [table, (p: Program) => p.relatedOrgs?.split(',')],
    ] as const) {
      for (const self of programs) {
        const set = new Set<string>(of(self) ?? []);
        const mask = (labels as Labels<string>).maskOf(set);
        programs.forEach((other, doc) => {
          expect((labels as Labels<string>).shared(doc, mask, set), `${self.id} ~ ${other.id}`).toBe((of(other) ?? []).filter((x) => set.has(x)).length);
        });
      }
    }
    expect(purposes.shared(0, purposes.maskOf(new Set([PURPOSES[1]])), new Set([PURPOSES[1]]))).toBe(2);
    expect(table.shared(4, table.maskOf(new Set(many)), new Set(many))).toBe(3);
  });
});

describe('QueryFilters: programs allowed as reading every program allowed them', () => {
  /**
   * The filters as they were read before the lists (each program's arrays, period and budget),
   * with agencies and phrases taken from QueryFilters (their reading did not change).
   */
  function readEveryProgram(query: string, texts: ProgramTexts): number[] {
    const parsed = parseQuery(query);
    const tests: Array<(p: Program, doc: number) => boolean> = [...periodFilters(parsed.period, NOW)];
    const unchanged = (only: Partial<ParsedQuery>) => {
      const docs = new QueryFilters(catalog, agencies, vocabulary, () => texts, new ProgramLabels(catalog)).allowedDocs({ ...parseQuery(''), ...only }, [], NOW);
      if (docs) {
        const allowed = new Set(catalog.flatMap((_, doc) => (docs.has(doc) ? [doc] : [])));
        tests.push((_, doc) => allowed.has(doc));
      }
    };
    if (parsed.agencies.length) unchanged({ agencies: parsed.agencies });
    if (parsed.phrases.length) unchanged({ phrases: parsed.phrases });
    for (const numbers of parsed.keyProjects) tests.push((p) => numbers.some((n) => p.keyProjects?.includes(n as never)));
    // A jGrants program's 上限額 stands for its budget (it has none).
    const budget = (p: Program) => p.budgetThousandYen ?? (isImported(p) && p.imported.maxAmountYen !== undefined ? p.imported.maxAmountYen / 1000 : undefined);
    for (const { min, max } of parsed.budgets) tests.push((p) => { const b = budget(p); return b !== undefined && (min === undefined || b >= min) && (max === undefined || b <= max); });
    for (const value of new Set(parsed.purposes)) {
      const purposes = vocabulary.purposesNamed(value);
      if (purposes.length) tests.push((p) => purposes.some((x) => p.purposes?.includes(x)));
    }
    return catalog.flatMap((p, doc) => (tests.every((t) => t(p, doc)) ? [doc] : []));
  }

  const QUERIES = [
    '受付中',
    '受付中 創業',
    '締切:7日以内',
    '締切:30日以内 目的:創業',
    '地域:鹿児島県',
    '地域:東京都 受付中',
    '目的:創業',
    '目的:販路拡大 重点:3',
    '目的:資金繰り 目的:人材',
    '目的:事業',
    '目的:改善 受付中',
    '重点:産業',
    '重点:産業 目的:改善',
    '重点:1 重点:4',
    '重点:2 予算:1000万以上',
    '目的:創業 "創業"',
    '"事業承継" 重点:2',
    '機関:商工会 目的:事業承継',
    '機関:ジェトロ 受付中',
    '受付中 目的:新たな事業 重点:2 地域:九州・沖縄地方',
    '目的:存在しない 重点:3',
    '予算:500万以下',
  ];

  it.each(QUERIES)('%s', (query) => {
    const texts = new ProgramTexts(catalog, compactForm, (a) => agencies.spellingsOf(a));
    const docs = new QueryFilters(catalog, agencies, vocabulary, () => texts, new ProgramLabels(catalog)).allowedDocs(parseQuery(query), [], NOW);
    expect(docs).toBeDefined();
    expect(catalog.flatMap((_, doc) => (docs!.has(doc) ? [doc] : []))).toEqual(readEveryProgram(query, texts));
  });

  it('the queries above are not all empty: periods, purposes and key projects each allow some programs', () => {
    const texts = new ProgramTexts(catalog, compactForm, (a) => agencies.spellingsOf(a));
    const filters = new QueryFilters(catalog, agencies, vocabulary, () => texts, new ProgramLabels(catalog));
    const count = (query: string) => {
      const docs = filters.allowedDocs(parseQuery(query), [], NOW)!;
      return catalog.filter((_, doc) => docs.has(doc)).length;
    };
    for (const q of ['受付中', '締切:7日以内', '地域:鹿児島県', '目的:創業', '重点:1', '目的:販路拡大 重点:3', '目的:事業', '重点:産業', '締切:30日以内 目的:創業', '目的:創業 "創業"']) expect(count(q), q).toBeGreaterThan(0);
  });
});

describe('suggestions: each purpose with the number of programs listing it', () => {
  it('counted as reading every program (a purpose listed twice counts its program once)', async () => {
    const programs: Program[] = [
      program('p1', '創業の支援', { purposes: [PURPOSES[0], PURPOSES[0], PURPOSES[3]] }),
      program('p2', '販路の支援', { purposes: [PURPOSES[1]] }),
      program('p3', '資金の支援', { purposes: [PURPOSES[3]] }),
      program('p4', '名前だけ'),
    ];
    const engines = await tinyEngines(analyzer, programs);
    for (const engine of Object.values(engines)) {
      const reading = PURPOSES.map((purpose) => ({ purpose, count: programs.filter((p) => p.purposes?.includes(purpose)).length })).filter((p) => p.count > 0);
      expect(engine.search('ほげほげ').suggestions?.purposes).toEqual(reading);
      expect(engine.search('受付中 ふがふが').suggestions?.purposes).toEqual(reading);
    }
  });
});

describe('似た事業: shared purposes and key projects weigh as counted from the arrays', () => {
  it('programs alike in words are ordered by 1 + 0.15 × shared purposes + 0.1 × shared key projects (a purpose listed twice counts twice)', async () => {
    const text = { overview: '果樹の栽培と加工品の販売を支援します' };
    const programs: Program[] = [
      program('self', '果樹農家の加工支援', { ...text, purposes: [PURPOSES[0], PURPOSES[1]], keyProjects: [1, 2] }),
      program('none', '果樹農家の加工支援', text),
      program('twice', '果樹農家の加工支援', { ...text, purposes: [PURPOSES[1], PURPOSES[1]] }),
      program('one', '果樹農家の加工支援', { ...text, purposes: [PURPOSES[0], PURPOSES[5]] }),
      program('both', '果樹農家の加工支援', { ...text, purposes: [PURPOSES[1], PURPOSES[0]] }),
      program('projects', '果樹農家の加工支援', { ...text, keyProjects: [2, 1, 3] }),
      program('mixed', '果樹農家の加工支援', { ...text, purposes: [PURPOSES[0]], keyProjects: [2] }),
    ];
    const factor: Record<string, number> = { twice: 1.3, both: 1.3, mixed: 1.25, projects: 1.2, one: 1.15, none: 1 };
    for (const engine of Object.values(await tinyEngines(analyzer, programs))) {
      const hits = engine.similar('self', 6);
      expect(hits.map((h) => h.program.id)).toEqual(['twice', 'both', 'mixed', 'projects', 'one', 'none']);
      const base = hits.find((h) => h.program.id === 'none')!.score;
      for (const h of hits) expect(h.score / base, h.program.id).toBeCloseTo(factor[h.program.id]!, 10);
    }
  });
});
