/**
 * jGrants programs on Slack: the card and the result list show the period in JST, the facts
 * and 問合せ先 as jGrants prints them, the credit its terms require, and nothing of the
 * untrusted HTML that Slack could read as markup. Every message is checked against the
 * Block Kit schema with Slack's limits (src/slack/blocks.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Program } from '../../../src/catalog/schema.js';
import type { SearchHit, SearchResponse } from '../../../src/search/engine.js';
import { parseQuery } from '../../../src/search/query.js';
import { MessageSchema, type Message } from '../../../src/slack/blocks.js';
import { renderProgramCard } from '../../../src/slack/render/card.js';
import { formatYen, SOURCE_PAGE_ACTION } from '../../../src/slack/render/imported.js';
import { renderResults } from '../../../src/slack/render/results.js';
import { renderResponseText } from '../../../src/render/text.js';
import { renderHelp } from '../../../src/slack/render/help.js';
import { toProgram } from '../../../src/sources/jgrants/mapping.js';
import { parseDetail, parseList } from '../../../src/sources/jgrants/parser.js';
import { KAGOSHIMA_DETAIL, KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';
import { renderDigest, renderDigestMore } from '../../../src/notices/digest.js';
import { renderProgramText } from '../../../src/render/program-text.js';

const NOW = new Date('2026-11-27T03:00:00Z');

function program(overrides: Record<string, unknown> = {}) {
  const { detail } = parseDetail({ result: [{ ...KAGOSHIMA_DETAIL(), ...overrides }] });
  return toProgram(detail!, detail, NOW);
}

function valid(message: Message): Message {
  const parsed = MessageSchema.safeParse(message);
  if (!parsed.success) throw new Error(JSON.stringify(parsed.error.issues.slice(0, 3)));
  return message;
}

const textOf = (message: Message) => JSON.stringify(message.blocks);

describe('the card of a jGrants program', () => {
  it('shows its period, amount, rate, areas, the 問合せ先 as printed, the reference URL, a button to jGrants and the credit', () => {
    const card = valid(renderProgramCard(program(), { today: NOW }));
    const text = textOf(card);
    expect(text).toContain('受付終了（締切 2024年6月17日(月) 17:00）');
    expect(text).toContain('*上限額*\\n300万円');
    expect(text).toContain('*補助率*\\n1/2');
    expect(text).toContain('*対象地域*\\n鹿児島県');
    expect(text).toContain('問い合わせ先（Jグランツの記載）');
    expect(text).toContain('Tel 099-219-1272');
    expect(text).toContain('E-mail ikusei@kisc.or.jp');
    expect(text).toContain('<https://www.kisc.or.jp/cat-sangyou/60973/|https://www.kisc.or.jp/cat-sangyou/60973/>');
    expect(text).not.toContain('連絡先未登録'); // the agencies.yaml contact is not shown for it
    const button = card.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).find((e) => e.action_id === SOURCE_PAGE_ACTION);
    expect(button).toMatchObject({ url: 'https://www.jgrants-portal.go.jp/subsidy/a0W2x000007CtjqEAC' });
    expect(text).toContain('出典：Jグランツ（jGrants）');
    expect(text).not.toContain('一部を要約');
  });

  it('says 一部を要約 when the text was shortened, and 掲載終了 when jGrants no longer lists it', () => {
    const long = program({ detail: `<p>${'長い説明。'.repeat(1000)}</p>` });
    long.imported.closedAt = '2026-11-20T00:00:00.000Z';
    const text = textOf(valid(renderProgramCard(long, { today: NOW })));
    expect(text).toContain('出典：Jグランツ（jGrants）（一部を要約）');
    expect(text).toContain('掲載終了（締切 2024年6月17日(月) 17:00）');
  });

  it('hostile detail text reaches Slack escaped: no mention, no link, no entity of its own', () => {
    const hostile = program({
      detail: '<p>&lt;!channel&gt; <!here> &lt;@U123&gt; A&amp;B <script>x()</script>&lt;https://evil.example|click&gt;</p><p>＜問合せ先＞</p><p>&lt;!everyone&gt;課</p><p>Tel 099-000-0000</p>',
      subsidy_catch_phrase: '<b>&lt;!channel&gt;</b>',
    });
    const card = valid(renderProgramCard(hostile, { today: NOW }));
    const text = textOf(card);
    expect(text).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U123>|<https:\/\/evil/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('A&amp;B');
    expect(text).not.toContain('x()');
    expect(text).toContain('&lt;!everyone&gt;課'); // the desk, escaped
  });

  it('shows none of the catalog’s own fields (予算, 重点プロジェクト, 前年度, 関係機関), on Slack and in the console', () => {
    const p = program();
    const text = textOf(valid(renderProgramCard(p, { today: NOW })));
    for (const field of ['*予算*', '予算額の記載なし', '*重点プロジェクト*', '前年度 (R4)', '*関係機関*']) expect(text).not.toContain(field);
    expect(text).toContain('*上限額*');
    const console = renderProgramText(p, undefined, NOW);
    expect(console).toContain('  上限額: 300万円');
    expect(console).toContain('  補助率: 1/2');
    expect(console).not.toContain('重点プロジェクト');
    expect(console).not.toMatch(/予算: /);
  });

  it('a program read from jGrants’ list alone says its overview, rate and contact were not fetched, not that jGrants gives none', () => {
    const item = parseList({ result: [KAGOSHIMA_ITEMS()[4]] }).items[0]!;
    const listOnly = toProgram(item, undefined, NOW);
    expect(listOnly.imported.listOnly).toBe(true);
    expect(program().imported.listOnly).toBeUndefined();
    const text = textOf(valid(renderProgramCard(listOnly, { today: NOW })));
    expect(text).toContain('Jグランツの一覧の情報だけを取り込んだ事業です');
    expect(text).toContain('*補助率*\\n未取得 (Jグランツのページをご確認ください)');
    expect(text).not.toContain('Jグランツの記載に問い合わせ先はありません');
    expect(text).not.toContain('記載なし');
    const console = renderProgramText(listOnly, undefined, NOW);
    expect(console).toContain('  補助率: 未取得 (Jグランツのページをご確認ください)');
    expect(console).toContain('Jグランツの一覧の情報だけを取り込んだ事業です');
    expect(console).not.toContain('問い合わせ先はありません');
  });

  it('a catalog program shows no period and no jGrants credit', () => {
    const catalog: Program = { id: 'p-0000000001', name: '創業支援事業', agency: '県産業立地課' };
    const text = textOf(valid(renderProgramCard(catalog, { today: NOW })));
    expect(text).not.toMatch(/受付|Jグランツ/);
  });

  it('formats amounts in yen as people say them', () => {
    expect(formatYen(3_000_000)).toBe('300万円');
    expect(formatYen(150_000_000)).toBe('1億5,000万円');
    expect(formatYen(100_000_000)).toBe('1億円');
    expect(formatYen(5_000)).toBe('5,000円');
    // Exact, never rounded up: a 上限 of 15,000 yen read 2万円, 4,995,000 yen 500万円.
    expect(formatYen(15_000)).toBe('1万5,000円');
    expect(formatYen(99_999)).toBe('9万9,999円');
    expect(formatYen(4_995_000)).toBe('499万5,000円');
    expect(formatYen(2_666_000)).toBe('266万6,000円');
    expect(formatYen(100_005_000)).toBe('1億5,000円');
    expect(formatYen(0)).toBe('0円');
  });
});

describe('a digest of jGrants programs', () => {
  it('「ほか N 件を見る」 shows each one’s maximum amount and period, as the digest’s own lines do', () => {
    const programs = Array.from({ length: 16 }, (_, i) => program({ id: `a0W2x0000000MOR${String(i).padStart(3, '0')}`, title: `補助金${i}` }));
    const digest = textOf(valid(renderDigest(programs, { date: NOW, runId: 1, channel: 'C0X' })));
    const more = textOf(valid(renderDigestMore(programs, { runId: 1, channel: 'C0X', offset: 15 }, NOW)));
    expect(digest).toMatch(/上限 [0-9,万億]+円 ｜ 受付終了（締切/);
    // It said 予算額の記載なし (a catalog field) and no period.
    expect(more).not.toContain('予算額の記載なし');
    expect(more).toMatch(/上限 [0-9,万億]+円 ｜ 受付終了（締切/);
  });
});

describe('a result list with jGrants programs', () => {
  const hit = (p: Program): SearchHit => ({ program: p, score: 1, terms: [], snippet: { text: p.overview?.slice(0, 60) ?? '', highlights: [] } });
  const response = (programs: Program[]): SearchResponse =>
    ({ query: '海外', shortened: false, parsed: parseQuery('海外'), hits: programs.map(hit), total: programs.length, mode: 'all', errors: [], expandedWith: [] }) as SearchResponse;

  it('each jGrants hit shows its period; the list carries the credit with 一部を要約 (it shows excerpts)', () => {
    // The list reads the clock: a period around the real now.
    const open = program({ acceptance_start_datetime: new Date(Date.now() - 86_400_000).toISOString(), acceptance_end_datetime: new Date(Date.now() + 14 * 86_400_000).toISOString() });
    const catalog: Program = { id: 'p-0000000001', name: '海外展開支援', agency: '県産業立地課' };
    const text = textOf(valid(renderResults(response([open, catalog]))));
    expect(text).toMatch(/受付中（締切 (\d{4}年)?\d{1,2}月\d{1,2}日\([日月火水木金土]\) \d\d:\d\d）/);
    expect(text).toContain('出典：Jグランツ（jGrants）（一部を要約）');
    expect(text).toContain('上限 300万円'); // its maximum amount, not a budget it does not have
    expect(text).toContain('重点: 記載なし'); // the catalog program keeps its line
    expect(text.match(/重点:/g)).toHaveLength(1);
  });

  it('a list of catalog programs only has no credit', () => {
    const catalog: Program = { id: 'p-0000000001', name: '海外展開支援', agency: '県産業立地課' };
    expect(textOf(valid(renderResults(response([catalog]))))).not.toContain('Jグランツ');
  });
});

describe('the plain-text answer (command line, local console)', () => {
  const hit = (p: Program): SearchHit => ({ program: p, score: 1, terms: [], snippet: { text: p.overview?.slice(0, 60) ?? '', highlights: [] } });
  const response = (programs: Program[]): SearchResponse =>
    ({ query: '海外', shortened: false, parsed: parseQuery('海外'), hits: programs.map(hit), total: programs.length, mode: 'all', errors: [], expandedWith: [] }) as SearchResponse;

  it('shows a jGrants program with its period and page, and the credit', () => {
    const text = renderResponseText(response([program()]), 5);
    expect(text).toContain('受付終了（締切 2024年6月17日(月) 17:00）');
    expect(text).toContain('https://www.jgrants-portal.go.jp/subsidy/a0W2x000007CtjqEAC');
    expect(text).toContain('    上限 300万円\n');
    expect(text).not.toContain('予算額の記載なし');
    expect(text).toContain('出典：Jグランツ（jGrants）（一部を要約）');
  });

  it('a catalog-only answer has no credit', () => {
    expect(renderResponseText(response([{ id: 'p-0000000001', name: '海外展開支援', agency: '県産業立地課' }]), 5)).not.toContain('Jグランツ');
  });
});

describe('help', () => {
  const catalog: Program = { id: 'p-0000000001', name: '海外展開支援', agency: '県産業立地課' };
  it('offers the period and area filters, and counts the jGrants programs apart, only when they are served', () => {
    const withImports = textOf(valid(renderHelp([catalog, program()])));
    expect(withImports).toContain('支援事業 1 件から');
    expect(withImports).toContain('Jグランツに掲載の補助金 1 件');
    expect(withImports).toContain('受付中 補助金');
    expect(withImports).toContain('締切:30日以内');
    const catalogOnly = textOf(valid(renderHelp([catalog])));
    expect(catalogOnly).not.toMatch(/受付中|Jグランツ/);
  });
});
