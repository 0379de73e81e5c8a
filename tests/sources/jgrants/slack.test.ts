/**
 * jGrants programs as Slack sees them: the real app in HTTP mode on 127.0.0.1 answering signed
 * requests, a fake Slack capturing (and validating) what it sends. The engine serves the
 * bundled catalog plus programs mapped from the recorded jGrants payloads, one of them
 * accepting applications now and carrying hostile text.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../../src/search/analyzer.js';
import { SearchEngine } from '../../../src/search/engine.js';
import { readSources } from '../../../src/search/load.js';
import { Vocabulary } from '../../../src/search/vocabulary.js';
import { SOURCE_PAGE_ACTION } from '../../../src/slack/render/imported.js';
import { ACTIONS } from '../../../src/slack/render/results.js';
import { toProgram } from '../../../src/sources/jgrants/mapping.js';
import { parseDetail, parseList } from '../../../src/sources/jgrants/parser.js';
import { ANALYZER_TIMEOUT, bundledPaths } from '../../search/support.js';
import { blockAction, buttonsOf, expectSlackMessage, responseTo, startTestApp, type TestApp } from '../../slack/support/app.js';
import { KAGOSHIMA_DETAIL, KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

const day = 86_400_000;
const OPEN_ID = 'jg-a0W2x000007CtjqEAC';
let app: TestApp;

beforeAll(async () => {
  const now = new Date();
  // The recorded 鹿児島県 detail, moved to accept applications now, with hostile text added.
  const { detail } = parseDetail({
    result: [
      {
        ...KAGOSHIMA_DETAIL(),
        acceptance_start_datetime: new Date(now.getTime() - day).toISOString(),
        acceptance_end_datetime: new Date(now.getTime() + 10 * day).toISOString(),
        detail: `<p>&lt;!channel&gt; 至急 <!here> A&amp;B</p>${String(KAGOSHIMA_DETAIL().detail)}`,
      },
    ],
  });
  const open = toProgram(detail!, detail, now);
  const others = parseList({ result: KAGOSHIMA_ITEMS().filter((i) => i.id !== detail!.id) }).items.map((i) => toProgram(i, undefined, now));
  const sources = await readSources(bundledPaths());
  const analyzer = await loadAnalyzer();
  const engine = await SearchEngine.build({ programs: [...sources.programs, open, ...others], agencies: sources.agencies, vocabulary: new Vocabulary(sources.synonyms, analyzer), analyzer });
  app = await startTestApp(engine);
}, ANALYZER_TIMEOUT);
afterAll(() => app?.close());
afterEach(() => {
  for (const r of app.fake.responses) expectSlackMessage(r.body, `response ${r.id}`);
  for (const c of app.fake.callsTo('chat.postMessage')) expectSlackMessage(c.body, 'chat.postMessage');
  app.fake.reset();
});

const textOf = (m: unknown) => JSON.stringify(m);

describe('jGrants programs in Slack', () => {
  it('/支援 受付中 lists the program accepting now, with its deadline in JST and the credit', async () => {
    const { responseId } = await app.command('受付中');
    const answer = await responseTo(app, responseId);
    const shown = textOf(answer);
    expect(buttonsOf(answer).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value)).toEqual([OPEN_ID]);
    expect(shown).toMatch(/受付中（締切 (\d{4}年)?\d{1,2}月\d{1,2}日\([日月火水木金土]\) \d\d:\d\d）/);
    expect(shown).toContain('上限 300万円');
    expect(shown).toContain('出典：Jグランツ（jGrants）（一部を要約）');
  });

  it('a word query finds catalog and jGrants programs together; the credit comes with the jGrants ones', async () => {
    const { responseId } = await app.command('海外出願');
    const shown = textOf(await responseTo(app, responseId));
    expect(shown).toContain('jg-');
    expect(shown).toContain('出典：Jグランツ（jGrants）');
  });

  it('詳細 of a jGrants program: period, 問合せ先 as printed, reference URL, the jGrants button, the credit; hostile text escaped', async () => {
    await app.click(blockAction({ action_id: ACTIONS.details, value: OPEN_ID, response_url: app.fake.responseUrl('jg-details') }));
    const card = await responseTo(app, 'jg-details');
    const shown = textOf(card);
    expect(shown).toContain('受付中（締切');
    expect(shown).toContain('問い合わせ先（Jグランツの記載）');
    expect(shown).toContain('Tel 099-219-1272');
    expect(shown).toContain('出典：Jグランツ（jGrants）');
    expect(shown).not.toMatch(/<!channel>|<!here>/);
    expect(shown).toContain('&lt;!channel&gt; 至急');
    const page = buttonsOf(card).find((b) => b.action_id === SOURCE_PAGE_ACTION) as { url?: string } | undefined;
    expect(page?.url).toBe('https://www.jgrants-portal.go.jp/subsidy/a0W2x000007CtjqEAC');
  });

  it('「Jグランツで見る」 is acknowledged (Slack opens the page) and nothing is sent', async () => {
    const http = await app.click(blockAction({ action_id: SOURCE_PAGE_ACTION, value: '', response_url: app.fake.responseUrl('page') }));
    expect(http.status).toBe(200);
    expect(app.fake.responses).toHaveLength(0);
  });

  it('共有 posts the jGrants card to the channel with the credit and without pinging anyone', async () => {
    await app.click(blockAction({ action_id: ACTIONS.share, value: OPEN_ID, user_id: 'U0SHARER', channel_id: 'C0TEAM' }));
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    const shown = textOf(post.body);
    expect(shown).toContain('出典：Jグランツ（jGrants）');
    expect(shown).not.toMatch(/<!channel>|<!here>|<!everyone>/);
  });
});
