/**
 * Every surface the bot can send, at its largest, against Slack's rules (src/slack/blocks.ts);
 * paging at its boundaries; what a user sees when Slack refuses a payload anyway; and
 * /healthz telling the truth about Slack.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Program } from '../../src/catalog/schema.js';
import { PURPOSES } from '../../src/catalog/schema.js';
import { createLogger } from '../../src/log.js';
import { createChannelNotices } from '../../src/notices/channel-notices.js';
import { renderDigest, renderDigestMore, MORE_PAGE_SIZE, NOTICE_MORE_ACTION, parseMoreValue } from '../../src/notices/digest.js';
import { SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { createSlackApp, HEALTH_PATH } from '../../src/slack/app.js';
import { HomeViewSchema, MessageSchema, ModalViewSchema, slackErrorMessages } from '../../src/slack/blocks.js';
import { ERROR_TEXT } from '../../src/slack/handled.js';
import { renderProgramCard } from '../../src/slack/render/card.js';
import { renderHelp } from '../../src/slack/render/help.js';
import { renderNeedList } from '../../src/slack/render/needs.js';
import { needList } from '../../src/search/need-list.js';
import { asModal, renderHome } from '../../src/slack/render/home.js';
import { ACTIONS, PAGE_SIZE, renderResults, searchPage } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, bundledEngine, program, tinyEngine } from '../search/support.js';
import { startFakeSlack } from './support/fake-slack.js';
import { BOT_TOKEN, buttonsOf, logCapture, readText, SIGNING_SECRET, startTestApp, type TestApp } from './support/app.js';

let analyzer: Analyzer;
let engine: SearchEngine;

beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engine = await bundledEngine(analyzer);
}, ANALYZER_TIMEOUT);

function expectAccepted(schema: z.ZodType, payload: unknown, label: string): void {
  const parsed = schema.safeParse(payload);
  expect(parsed.success, `${label}: ${parsed.success ? '' : slackErrorMessages(parsed.error).slice(0, 5).join('\n')}`).toBe(true);
}

/** A program with every field at the schema's maximum, escape-heavy. */
const longest = (id: string): Program => ({
  id,
  name: '<!channel> & 事業承継'.repeat(12),
  agency: '鹿児島県 中小企業支援課',
  budgetThousandYen: 999_999_999,
  fiscalYear: 2023,
  overview: '<&>'.repeat(2000) + '。',
  results: '&'.repeat(5000),
  relatedOrgs: '<>'.repeat(1000),
  purposes: [...PURPOSES],
  keyProjects: [1, 2, 3, 4],
  source: { document: 'x'.repeat(500), page: 999 },
});

describe('every surface at its largest passes Slack’s rules', () => {
  const subscriptions = async (count: number) => {
    const store = new SqliteNoticeStore(':memory:');
    const ids = engine.programs.map((p) => p.id);
    for (let i = 0; i < count; i++) await store.subscribe(`C${String(i).padStart(8, '0')}`, ids, { source: 'command', by: 'U0ADVISOR', now: new Date('2026-11-01T00:00:00Z') });
    return createChannelNotices({ store, config: { dataDir: '', channels: [], at: '09:00' }, catalogDir: '', servedPrograms: () => engine.programs, clock: { now: () => new Date() } });
  };

  const cases: [string, () => Promise<[z.ZodType, unknown]>][] = [
    ['help (/支援, /支援 help)', async () => [MessageSchema, renderHelp(engine.programs)]],
    ['App Home: every agency and purpose, no notices', async () => [HomeViewSchema, renderHome(engine.programs, engine.agencies)]],
    ['App Home: every agency and purpose, 60 subscribed channels with buttons', async () => [HomeViewSchema, renderHome(engine.programs, engine.agencies, await (await subscriptions(60)).homeBlocks('U0ADVISOR', async () => true))]],
    ['App Home: 60 subscribed channels seen by a non-member', async () => [HomeViewSchema, renderHome(engine.programs, engine.agencies, await (await subscriptions(60)).homeBlocks('U0OTHER', async () => false))]],
    ['a browse modal from App Home (an agency with many programs)', async () => [ModalViewSchema, asModal('支援事業を探す', renderResults(searchPage(engine, '機関:県'), { share: false }))]],
    ['詳細 of the longest card, with 3 similar programs and 共有', async () => [MessageSchema, renderProgramCard(longest('p-long'), { share: true, similar: [longest('p-a'), longest('p-b'), longest('p-c')] })]],
    ['共有: the longest card as posted to a channel', async () => [MessageSchema, renderProgramCard(longest('p-long'), { sharedBy: 'U0ADVISOR' })]],
    ['詳細 in a modal', async () => [ModalViewSchema, asModal(longest('p-long').name, renderProgramCard(longest('p-long'), { similar: [longest('p-a')] }))]],
    ['相談の種類 (/支援 相談の種類) of the bundled catalog', async () => [MessageSchema, renderNeedList(needList(engine.programs, engine.vocabulary.needs))]],
    ['相談の種類: 400 needs of 30 characters with 200-character escape-heavy descriptions', async () => {
      const needs = Array.from({ length: 400 }, (_, i) => ({ name: `<!channel>&相談${String(i).padStart(3, '0')}`.padEnd(30, '&'), description: '<&>'.repeat(66) + '。', ...(i % 3 ? { purposes: [PURPOSES[i % PURPOSES.length]!] } : {}) }));
      const message = renderNeedList(needList(engine.programs, { needs }));
      expect(readText(message)).toContain('shien needs'); // says where the rest is
      return [MessageSchema, message];
    }],
    ['a digest of 200 new programs with 「ほか N 件を見る」', async () => [MessageSchema, renderDigest(Array.from({ length: 200 }, (_, i) => longest(`p-${i}`)), { date: new Date(), runId: 7, channel: 'C0DIGEST' })]],
  ];
  it.each(cases)('%s', async (label, make) => {
    const [schema, payload] = await make();
    expectAccepted(schema, payload, label);
  });

  it('every page of 「ほか N 件を見る」 of a 200-program digest', () => {
    const programs = Array.from({ length: 200 }, (_, i) => longest(`p-${i}`));
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = renderDigestMore(programs, { runId: 7, channel: 'C0DIGEST', offset });
      expectAccepted(MessageSchema, page, `more @${offset}`);
      const next = buttonsOf(page).find((b) => b.action_id === NOTICE_MORE_ACTION);
      pages += 1;
      if (!next) break;
      const state = parseMoreValue(next.value!)!;
      expect(state.offset).toBeGreaterThan(offset);
      offset = state.offset;
    }
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(200 / MORE_PAGE_SIZE));
  });

  it('a results page at every offset of a query with many hits', () => {
    const total = searchPage(engine, '機関:県').total;
    expect(total).toBeGreaterThan(20);
    for (let offset = 0; offset < total; offset += PAGE_SIZE) {
      expectAccepted(MessageSchema, renderResults(searchPage(engine, '機関:県', offset), { offset }), `機関:県 @${offset}`);
    }
  });
});

describe('paging at the boundaries', () => {
  const engineWith = (n: number) => tinyEngine(analyzer, Array.from({ length: n }, (_, i) => program(`p-${i}`, `境界テスト事業${i}`, { overview: '境界テストの事業です。' })));
  const pagingOf = (m: unknown) => buttonsOf(m).filter((b) => b.action_id.startsWith(ACTIONS.page)).map((b) => b.text.text);

  it.each([
    [4, [[]]],
    [5, [[]]],
    [6, [['次の5件'], ['前の5件']]],
    [10, [['次の5件'], ['前の5件']]],
    [11, [['次の5件'], ['前の5件', '次の5件'], ['前の5件']]],
    [15, [['次の5件'], ['前の5件', '次の5件'], ['前の5件']]],
  ])('%i hits: every page offers 次 only while programs remain', async (n, expected) => {
    const tiny = await engineWith(n);
    const pages: string[][] = [];
    for (let offset = 0; offset < n; offset += PAGE_SIZE) {
      const page = renderResults(searchPage(tiny, '境界テスト', offset), { offset });
      expectAccepted(MessageSchema, page, `${n} @${offset}`);
      expect(buttonsOf(page).filter((b) => b.action_id === ACTIONS.details)).toHaveLength(Math.min(PAGE_SIZE, n - offset));
      pages.push(pagingOf(page));
    }
    expect(pages).toEqual(expected);
  });
});

describe('when Slack refuses a payload anyway', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(engine);
  });
  afterAll(() => app?.close());
  afterEach(() => app.fake.reset());

  it('the user sees a short plain-text message, the log carries Slack’s messages, and nothing is retried', async () => {
    const messages = ['[ERROR] a rule the fake does not know [json-pointer:/blocks/3/text]'];
    app.fake.on('chat.postMessage', (body) => (body.blocks ? { ok: false, error: 'invalid_blocks', response_metadata: { messages } } : { ok: true, ts: '1700000000.000001' }));
    await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: '<@UBOT> 創業', ts: '1700000300.000100', channel: 'C0ADVICE', event_ts: '1700000300.000100' });
    const posts = await app.fake.waitFor(() => {
      const calls = app.fake.callsTo('chat.postMessage');
      return calls.length >= 2 ? calls : undefined;
    });
    const [answer, apology] = posts;
    expect(answer!.body.blocks).toBeDefined();
    expect(apology!.body.blocks).toBeUndefined();
    expect(apology!.body.text).toBe(ERROR_TEXT);
    expect(apology!.body.thread_ts).toBe('1700000300.000100');
    const line = await app.fake.waitFor(() => app.logs.find((l) => l.msg === 'request failed'));
    expect(line).toMatchObject({ name: 'app_mention', userNotified: true, slack: { error: 'invalid_blocks', messages } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(2);
  });
});

describe('/healthz', () => {
  it('answers 503 with the reason while Slack refuses the token, without an unhandled rejection, and 200 once Slack accepts it', async () => {
    const fake = await startFakeSlack();
    fake.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const { sink, logs } = logCapture();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    const slack = createSlackApp({ mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl }, { engine: () => engine, logger: createLogger({ level: 'info', destination: sink }) });
    try {
      const { port } = await slack.start();
      const health = async () => {
        const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      await fake.waitFor(() => (slack.auth.status.ok === false && slack.auth.status.error === 'invalid_auth' ? true : undefined));
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ok: false, slack: { error: 'invalid_auth', reason: expect.stringContaining('SLACK_BOT_TOKEN') } });
      expect(JSON.stringify(logs)).not.toContain(BOT_TOKEN);
      expect(logs.some((l) => l.msg === 'slack unavailable' && l.error === 'invalid_auth')).toBe(true);

      fake.off('auth.test');
      await slack.auth.check();
      const up = await health();
      expect(up).toMatchObject({ status: 200, body: { ok: true, programs: engine.size } });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
      await slack.stop(500);
      await fake.close();
    }
  });

  it('answers 503 while Slack cannot be reached', async () => {
    const { sink } = logCapture();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    const slack = createSlackApp({ mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: 'http://127.0.0.1:9/api/' }, { engine: () => engine, logger: createLogger({ level: 'info', destination: sink }) });
    try {
      const { port } = await slack.start();
      await slack.auth.check();
      const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`);
      expect(response.status).toBe(503);
      expect(readText({ text: JSON.stringify(await response.json()) })).toContain('Slack に届きませんでした');
    } finally {
      await slack.stop(500);
    }
  });
});
