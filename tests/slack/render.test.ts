import { beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { loadEvalQueries } from '../../src/search/evaluate.js';
import { LIMITS, MessageSchema, type Message } from '../../src/slack/blocks.js';
import { cutText, escapeCut, escapeMrkdwn } from '../../src/slack/mrkdwn.js';
import { renderProgramCard } from '../../src/slack/render/card.js';
import { ACTIONS, decodePageState, encodePageState, renderResults, searchPage } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, bundledEngine, QUERIES_FILE, tinyEngines } from '../search/support.js';

/** Every message must pass Slack's limits; the error names the block that broke one. */
function expectValid(message: Message, label: string): void {
  const parsed = MessageSchema.safeParse(message);
  expect(parsed.success, `${label}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
}

const allText = (m: Message) => JSON.stringify(m);
/** What Slack displays (button values are data, never shown or parsed as mrkdwn). */
const displayed = (m: Message) => JSON.stringify(m, (key, value: unknown) => (key === 'value' ? undefined : value));

let analyzer: Analyzer;
let engine: SearchEngine;
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engine = await bundledEngine(analyzer);
}, ANALYZER_TIMEOUT);

describe('mrkdwn helpers', () => {
  it('escapes &, < and > so that <!channel> pings nobody', () => {
    expect(escapeMrkdwn('<!channel> & <@U123>')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('cuts at a sentence end with …, within the limit, and leaves short text alone', () => {
    const text = '一文目です。'.repeat(100);
    const cut = cutText(text, 50);
    expect(cut.cut).toBe(true);
    expect([...cut.text].length).toBeLessThanOrEqual(50);
    expect(cut.text.endsWith('。…')).toBe(true);
    expect(cutText('短い。', 50)).toEqual({ text: '短い。', cut: false });
  });
});

describe('search answers as Block Kit', () => {
  it('every eval query, on every page, renders within Slack limits', async () => {
    const queries = await loadEvalQueries(QUERIES_FILE);
    for (const q of queries) {
      for (const offset of [0, 5, 10]) expectValid(renderResults(searchPage(engine, q.query, offset), { offset }), `${q.query} @${offset}`);
    }
  });

  it('hostile and huge queries render within limits and echo the query escaped', () => {
    const hostile = ['<!channel> 創業', '<!here|here> & <@U0123ABC>', '創業 ' + 'あ'.repeat(10_000), '"'.repeat(3000) + ' 創業', 'a&b<c>d'];
    for (const q of hostile) {
      const m = renderResults(engine.search(q));
      expectValid(m, q.slice(0, 20));
      expect(displayed(m)).not.toMatch(/<[!@#]/);
    }
    expect(allText(renderResults(engine.search('<!channel> 創業')))).toContain('&lt;!channel&gt;');
  });

  it('shows count, five programs with 詳細 and 共有 buttons, and pages through the rest', () => {
    const response = searchPage(engine, '創業', 0);
    expect(response.total).toBeGreaterThan(10);
    const first = renderResults(response);
    const buttons = first.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.filter((e) => e.type === 'button') : []));
    expect(buttons.filter((b) => b.action_id === ACTIONS.details).map((b) => b.value)).toEqual(response.hits.slice(0, 5).map((h) => h.program.id));
    expect(buttons.filter((b) => b.action_id === ACTIONS.share)).toHaveLength(5);
    const next = buttons.find((b) => b.text.text === '次の5件');
    expect(decodePageState(next!.value!)).toEqual({ q: '創業', o: 5 });
    expect(buttons.some((b) => b.text.text === '前の5件')).toBe(false);
    expect(JSON.stringify(first.blocks[0])).toContain(`${response.total} 件`);

    const lastOffset = Math.floor((response.total - 1) / 5) * 5;
    const last = renderResults(searchPage(engine, '創業', lastOffset), { offset: lastOffset });
    const lastButtons = last.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.filter((e) => e.type === 'button') : []));
    expect(lastButtons.some((b) => b.text.text === '前の5件')).toBe(true);
    expect(lastButtons.some((b) => b.text.text === '次の5件')).toBe(false);
  });

  it('a paging value stays within 2,000 characters for any query and decodes back', () => {
    for (const q of ['創業', '"'.repeat(5000), '\\'.repeat(5000), 'あ'.repeat(10_000)]) {
      const value = encodePageState({ q, o: 5 });
      expect(value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
      const state = decodePageState(value)!;
      expect(state.o).toBe(5);
      expect(q.startsWith(state.q)).toBe(true);
    }
    expect(decodePageState('not json')).toBeUndefined();
    expect(decodePageState('{"q":"x","o":-5}')).toBeUndefined();
  });

  it('matched words are bold, and no hits gives suggestions and the help line', () => {
    const m = renderResults(engine.search('事業承継'));
    expect(allText(m)).toContain('\u200b*事業承継*\u200b');
    const none = renderResults(engine.search('ふぉおばあ'));
    expectValid(none, 'none');
    expect(allText(none)).toContain('見つかりませんでした');
    expect(allText(none)).toContain('目的:');
    expect(allText(none)).toContain('/支援 help');
  });

  it('catalog text with mentions and a 10,000-character overview is escaped and cut cleanly', async () => {
    const long: Program = {
      id: 'long',
      name: '<!channel> 創業支援 & 相談 ' + '長'.repeat(400),
      agency: '<@U999> 機関',
      overview: ('創業を支援する<!here>。' + 'あ'.repeat(50) + '。').repeat(200),
    };
    const tiny = await tinyEngines(analyzer, [long]);
    for (const kind of ['kuromoji', 'served'] as const) {
      const m = renderResults(tiny[kind].search('創業'));
      expectValid(m, kind);
      expect(displayed(m)).not.toMatch(/<[!@#]/);
      expect(allText(m)).toContain('&lt;!channel&gt;');
    }
  });

  it('a program a question in a client’s words found shows the 相談例 that says it, escaped', async () => {
    const p: Program = { id: 'kyuyo', name: '経営安定相談', agency: 'テスト機関', overview: '資金繰りに悩む事業者に助言する。', consultations: ['給料日前に口座が<!channel>空っぽ & 困る'] };
    const tiny = await tinyEngines(analyzer, [p]);
    for (const kind of ['kuromoji', 'served'] as const) {
      const m = renderResults(tiny[kind].search('給料日前に口座が空っぽ'));
      expectValid(m, kind);
      expect(allText(m), kind).toContain('検索に使った相談例: 「給料日前に口座が&lt;!channel&gt;空っぽ &amp; 困る」');
      expect(displayed(m)).not.toMatch(/<[!@#]/);
      // A word typed alone is not a client's sentence: no 相談例 line.
      expect(allText(renderResults(tiny[kind].search('資金繰り'))), kind).not.toContain('相談例');
    }
  });
});

/** The texts Slack reads as mrkdwn (plain_text is shown literally; values are data). */
const mrkdwnOnly = (m: Message) =>
  JSON.stringify(m, (key, value: unknown) => (key === 'value' || (value as { type?: unknown } | null)?.type === 'plain_text' ? undefined : value));

describe('text that grows when escaped', () => {
  const heavy: Program = {
    id: 'heavy-1',
    name: '&'.repeat(600) + ' 創業',
    agency: 'あ&<'.repeat(800),
    budgetText: '<>'.repeat(500),
    overview: '創業の<支援>&相談。'.repeat(800),
    results: '&'.repeat(5000),
    relatedOrgs: '<&>'.repeat(2000),
    source: { document: '&'.repeat(400) + '.txt', page: 3 },
  };

  it('escapeCut never exceeds its room once escaped and never splits an entity', () => {
    for (const text of ['&'.repeat(5000), 'あ&<'.repeat(800), '創業の<支援>&相談。'.repeat(800), 'plain'.repeat(10)]) {
      for (const room of [10, 300, 2400]) {
        const { text: cut } = escapeCut(text, room);
        expect([...cut].length).toBeLessThanOrEqual(room);
        expect(cut).not.toMatch(/&(?!amp;|lt;|gt;)/); // every & starts a whole entity
      }
    }
  });

  it('a card, and five results, made of escape-heavy catalog text stay within Slack limits', async () => {
    const others = Array.from({ length: 5 }, (_, i) => ({ ...heavy, id: `heavy-${i + 2}` }));
    const card = renderProgramCard(heavy, { similar: others.slice(0, 3), share: true });
    expectValid(card, 'card');
    expect(mrkdwnOnly(card)).not.toMatch(/&(?!amp;|lt;|gt;)/);
    // Long, escape-heavy names and agencies in five hits (short overviews keep indexing quick).
    const tiny = await tinyEngines(analyzer, others.map((p) => ({ ...p, overview: '創業の<支援>&相談。', results: undefined, relatedOrgs: undefined })));
    expectValid(renderProgramCard(heavy, { sharedBy: 'U0SHARER' }), 'shared card');
    const results = renderResults(searchPage(tiny.kuromoji, '創業'));
    expect(results.blocks.filter((b) => b.type === 'actions').length).toBeGreaterThanOrEqual(5);
    expectValid(results, 'results');
  });
});
