/**
 * Imported programs in search beside the catalog: period and area filters, deadline order,
 * and catalog programs never given a period. The engine is built with kuromoji from the
 * bundled catalog plus programs mapped from the recorded jGrants payloads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../../src/search/analyzer.js';
import { SearchEngine } from '../../../src/search/engine.js';
import { readSources } from '../../../src/search/load.js';
import { parseQuery } from '../../../src/search/query.js';
import { renderResponseText } from '../../../src/render/text.js';
import { renderResults } from '../../../src/slack/render/results.js';
import { answerConsoleLine } from '../../../src/console.js';
import { Vocabulary } from '../../../src/search/vocabulary.js';
import { toProgram } from '../../../src/sources/jgrants/mapping.js';
import { parseList } from '../../../src/sources/jgrants/parser.js';
import type { ImportedProgram } from '../../../src/sources/program.js';
import { ANALYZER_TIMEOUT, bundledPaths } from '../../search/support.js';
import { KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

const NOW = new Date('2026-11-27T03:00:00Z'); // 12:00 JST
const day = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * day).toISOString();

/** Recorded items with periods moved around NOW: open (closing in 3 and 20 days), upcoming, closed. */
function imported(): ImportedProgram[] {
  const items = KAGOSHIMA_ITEMS();
  const periods: Array<[number, number]> = [
    [-10, 20], // 0: open, closes in 20 days
    [-10, 3], // 1: open, closes in 3 days
    [5, 40], // 2: upcoming
    [-40, -2], // 3: closed
  ];
  const envelope = { result: items.map((item, i) => (periods[i] ? { ...item, acceptance_start_datetime: at(periods[i]![0]), acceptance_end_datetime: at(periods[i]![1]) } : item)) };
  return parseList(envelope).items.map((item) => toProgram(item, undefined, NOW));
}

let engine: SearchEngine;
let programs: ImportedProgram[];
beforeAll(async () => {
  const sources = await readSources(bundledPaths());
  programs = imported();
  const analyzer = await loadAnalyzer();
  engine = await SearchEngine.build({ programs: [...sources.programs, ...programs], agencies: sources.agencies, vocabulary: new Vocabulary(sources.synonyms, analyzer), analyzer });
}, ANALYZER_TIMEOUT);

const ids = (query: string) => engine.search(query, { now: NOW }).hits.map((h) => h.program.id);

describe('period and area filters', () => {
  it('受付中 alone lists only programs accepting now, soonest deadline first', () => {
    expect(ids('受付中')).toEqual([programs[1]!.id, programs[0]!.id]);
    expect(engine.search('受付中', { now: NOW }).mode).toBe('filters');
  });

  it('締切:N日以内 keeps open programs closing within N JST days', () => {
    expect(ids('締切:7日以内')).toEqual([programs[1]!.id]);
    expect(ids('締切:30日以内')).toEqual([programs[1]!.id, programs[0]!.id]);
    expect(engine.search('締切:あした', { now: NOW }).errors[0]).toMatch(/締切:30日以内/);
  });

  it('advisors’ own words are the filters they mean: 締切が近い (7 days), 今月締切 (this month, JST), 申請できる (受付中)', () => {
    // NOW is 2026-11-27 12:00 JST: programs[1] closes on the 30th, programs[0] in December.
    expect(ids('締切が近い')).toEqual([programs[1]!.id]);
    expect(ids('締切間近 海外')).toEqual(ids('締切:7日以内 海外'));
    expect(ids('今月締切')).toEqual([programs[1]!.id]);
    expect(ids('申請できる')).toEqual(ids('受付中'));
    // On December 1st, 今月 is December: both (programs[0] closes on the 17th; programs[1] closed).
    const december = new Date('2026-12-01T03:00:00Z');
    expect(engine.search('今月締切', { now: december }).hits.map((h) => h.program.id)).toEqual([programs[0]!.id]);
    expect(parseQuery('締切が近い 創業')).toMatchObject({ words: ['創業'], period: { deadlineWithinDays: 7 } });
    expect(parseQuery('締切:3日以内 締切が近い').period?.deadlineWithinDays).toBe(3);
    expect(parseQuery('今月締切 補助金')).toMatchObject({ words: ['補助金'], period: { deadlineThisMonth: true } });
    // Typed without spaces, as advisors type Japanese (they were searched as words).
    expect(parseQuery('締切が近い補助金')).toMatchObject({ words: ['補助金'], period: { deadlineWithinDays: 7 } });
    expect(parseQuery('今月締切の補助金')).toMatchObject({ words: ['補助金'], period: { deadlineThisMonth: true } });
    expect(parseQuery('募集中の創業補助金')).toMatchObject({ words: ['創業補助金'], period: { accepting: true } });
    expect(parseQuery('創業、募集中')).toMatchObject({ words: ['創業'], period: { accepting: true } });
    expect(parseQuery('今月締切りの補助金')).toMatchObject({ words: ['補助金'], period: { deadlineThisMonth: true } });
    expect(parseQuery('補助金の募集中か確認したい')).toMatchObject({ words: ['補助金', 'か確認したい'], period: { accepting: true } });
    // Inside a sentence 申請できる / 申請可能 ask who or what may apply: words (they emptied
    // 申請可能な経費を知りたい, 33 → 0; review). As a word of their own they are still 受付中.
    for (const q of ['申請できる補助金', '申請可能な経費を知りたい', '補助金を申請できるまでの流れ', '応募できる条件を知りたい']) expect(parseQuery(q).period, q).toBeUndefined();
    expect(parseQuery('創業 申請できる')).toMatchObject({ words: ['創業'], period: { accepting: true } });
    // A quoted phrase is not cut open into a suggestion.
    expect(engine.search('創業 "募集中の補助金" 受付中', { now: NOW }).suggestions?.withoutPeriod).toBeUndefined();
    expect(ids('締切が近い補助金')).toEqual(ids('締切:7日以内 補助金'));
    // Not a period: 今月中 is when the money is needed; 募集中止 is a cancellation.
    expect(parseQuery('今月中に借りたい')).toMatchObject({ words: ['今月中に借りたい'] });
    expect(parseQuery('今月中に借りたい').period).toBeUndefined();
    expect(parseQuery('募集中止').period).toBeUndefined();
  });

  it('予算: bounds a jGrants program’s 上限額 (it has no budget): it never matched one', () => {
    const withMax = programs.filter((p) => p.imported.maxAmountYen !== undefined);
    expect(withMax.length).toBeGreaterThan(0);
    const max = withMax[0]!.imported.maxAmountYen!;
    const found = (query: string) => engine.search(query, { now: NOW, limit: 500 }).hits.map((h) => h.program.id);
    expect(found(`予算:${max / 10_000}万以上`)).toContain(withMax[0]!.id);
    expect(found(`予算:${max / 10_000}万未満`)).not.toContain(withMax[0]!.id);
    // Catalog programs still by their budget.
    expect(found('予算:1億以上').some((id) => !id.startsWith('jg-'))).toBe(true);
  });

  it('combines with words: 受付中 海外 finds the open overseas programs', () => {
    const hits = ids('受付中 海外');
    expect(hits.sort()).toEqual([programs[0]!.id, programs[1]!.id].sort());
  });

  it('地域: a prefecture finds programs for it, for its region and for 全国; catalog programs have no area and never match', () => {
    const kagoshima = ids('地域:鹿児島県');
    expect(kagoshima).toHaveLength(10); // 8 Kagoshima, the Kyushu-wide one, the nationwide one
    const tokyo = ids('地域:東京都');
    expect(tokyo).toEqual([programs[9]!.id]); // only the nationwide one
    expect(kagoshima.every((id) => id.startsWith('jg-'))).toBe(true);
    // A region by the start of its name, as people say it: 九州 is 九州・沖縄地方 (it found nothing).
    expect(ids('地域:九州').sort()).toEqual(ids('地域:九州・沖縄地方').sort());
    expect(ids('地域:九州').length).toBeGreaterThan(1);
  });

  it('without any jGrants program, a period filter says why it answers nothing; with some, it says nothing of it', async () => {
    const sources = await readSources(bundledPaths());
    const analyzer = await loadAnalyzer();
    const catalogOnly = await SearchEngine.build({ programs: sources.programs, agencies: sources.agencies, vocabulary: new Vocabulary(sources.synonyms, analyzer), analyzer });
    for (const q of ['受付中', '締切:30日以内 創業']) {
      const r = catalogOnly.search(q, { now: NOW });
      expect(r.total, q).toBe(0);
      expect(r.errors, q).toEqual([expect.stringContaining('Jグランツから取り込んだ事業) にだけ使えます')]);
      // Advisors read it in Slack, where no variable can be set.
      expect(r.errors[0], q).not.toContain('SHIEN_SOURCES');
      expect(engine.search(q, { now: NOW }).errors, q).toEqual([]);
    }
    expect(catalogOnly.search('創業', { now: NOW }).errors).toEqual([]);
    // What the rest of the query finds is offered instead of words like 創業's (近い言葉: 創業塾…),
    // which read as if 創業 had no match; with jGrants programs, the period is a real condition.
    const total = catalogOnly.search('創業', { now: NOW, limit: 0 }).total;
    expect(total).toBeGreaterThan(0);
    const asked = catalogOnly.search('創業 募集中', { now: NOW });
    expect(asked.suggestions?.withoutPeriod).toEqual({ query: '創業', total });
    expect(asked.notFound ?? []).toEqual([]);
    expect(renderResponseText(asked, 5)).toContain(`受付期間の条件を外すと ${total} 件: 「創業」`);
    expect(renderResponseText(asked, 5)).not.toContain('近い言葉');
    expect(JSON.stringify(renderResults(asked))).toContain(`受付期間の条件を外すと ${total} 件`);
    expect(catalogOnly.search('受付中', { now: NOW }).suggestions?.withoutPeriod).toBeUndefined();
    // A question with a period word inside, on a catalog without periods, is searched by its words
    // (it answered nothing); with jGrants programs the period is read.
    const question = catalogOnly.search('募集中の補助金はありますか', { now: NOW });
    expect(question.total).toBeGreaterThan(0);
    expect(question.parsed.period).toBeUndefined();
    expect(engine.search('募集中の補助金はありますか', { now: NOW }).parsed.period).toEqual({ accepting: true });
    // With jGrants programs too: 事業承継 受付中 said 近い言葉 as if 事業承継 had no match.
    const withImports = engine.search('事業承継 受付中', { now: NOW });
    expect(withImports.total).toBe(0);
    expect(withImports.suggestions?.withoutPeriod).toEqual({ query: '事業承継', total: engine.search('事業承継', { now: NOW, limit: 0 }).total });
  }, ANALYZER_TIMEOUT);

  it('catalog programs never count as accepting (they have no period) and words find both kinds', () => {
    const all = ids('海外');
    expect(all.some((id) => id.startsWith('p-'))).toBe(true);
    expect(all.some((id) => id.startsWith('jg-'))).toBe(true);
    expect(ids('受付中 海外').some((id) => id.startsWith('p-'))).toBe(false);
  });

  it('parseQuery reads the new filters and leaves other queries as they were', () => {
    expect(parseQuery('受付中 締切:30日以内 地域:鹿児島県 創業')).toMatchObject({ words: ['創業'], period: { accepting: true, deadlineWithinDays: 30, areas: ['鹿児島県'] } });
    expect(parseQuery('創業')).not.toHaveProperty('period');
  });
});

describe('the console', () => {
  it('help names the jGrants programs and the period filters when they are served, as Slack’s help does', () => {
    const help = answerConsoleLine(engine, 'help');
    expect(help).toContain(`Jグランツに掲載の補助金 ${programs.length} 件も`);
    expect(help).toContain('  • 受付中 補助金 — いま申請を受け付けている事業');
    expect(help).not.toContain('`');
  });
});

describe('ranking', () => {
  it('a closed program ranks after an open one its words match as well, but one asked for stays among the first', async () => {
    const item = (id: string, title: string, end: number) => ({ ...KAGOSHIMA_ITEMS()[0]!, id, title, acceptance_start_datetime: at(-30), acceptance_end_datetime: at(end) });
    const [closedTwin, openTwin, named] = parseList({
      result: [
        item('a0WJ200000RANK001A', '【鹿児島県】海外出願支援の補助金', -2),
        item('a0WJ200000RANK002A', '【鹿児島県】海外出願支援の補助金', 20),
        item('a0WJ200000RANK003A', '【鹿児島県】業務改善助成金', -2),
      ],
    }).items.map((i) => toProgram(i, undefined, NOW));
    const sources = await readSources(bundledPaths());
    const analyzer = await loadAnalyzer();
    const small = await SearchEngine.build({ programs: [...sources.programs, closedTwin!, openTwin!, named!], agencies: sources.agencies, vocabulary: new Vocabulary(sources.synonyms, analyzer), analyzer });
    const order = (q: string) => small.search(q, { now: NOW, limit: 200 }).hits.map((h) => h.program.id);
    // The same words: the open one first (the closed one came first, by catalog order).
    const twins = order('海外出願支援').filter((id) => id === closedTwin!.id || id === openTwin!.id);
    expect(twins).toEqual([openTwin!.id, closedTwin!.id]);
    // Asked for by its words, the closed program still comes among the first (a hard key sent it
    // after every catalog program matching 業務改善: 79th of 79).
    const asked = order('業務改善');
    expect(asked.length).toBeGreaterThan(20);
    expect(asked.indexOf(named!.id)).toBeLessThan(3);
    // Before its deadline it is not held back: the twins by catalog order.
    expect(small.search('海外出願支援', { now: new Date(NOW.getTime() - 5 * day), limit: 200 }).hits.map((h) => h.program.id).filter((id) => id === closedTwin!.id || id === openTwin!.id)).toEqual([closedTwin!.id, openTwin!.id]);
  }, ANALYZER_TIMEOUT);
});
