/**
 * The Slack app as Slack drives it: real signed HTTP requests to the running app (HTTP mode),
 * with everything it sends to Slack captured by a fake Web API and response_url sink on
 * 127.0.0.1. Every message and view captured is checked against Slack's limits.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Program } from '../../src/catalog/schema.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { ERROR_TEXT } from '../../src/slack/handled.js';
import { CANNOT_POST_TEXT } from '../../src/slack/listeners/actions/program-share.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, bundledEngine, SHOKEI_BY_NAME, SOGYO_BY_NAME, SOGYO_TOP5, tinyEngine } from '../search/support.js';
import { BOT_TOKEN, blockAction, buttonsOf, displayed, readText, expectSlackMessage, expectSlackView, responseTo, SIGNING_SECRET, startTestApp, type TestApp } from './support/app.js';
import { FAKE_BOT_USER_ID } from './support/signing.js';

let analyzer: Analyzer;
let engine: SearchEngine;
let app: TestApp;

beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engine = await bundledEngine(analyzer);
  app = await startTestApp(engine);
}, ANALYZER_TIMEOUT);
afterAll(() => app?.close());
afterEach(() => {
  app.serve(engine);
  app.fake.reset();
});

const textOf = (m: unknown) => JSON.stringify(m);
const detailsIds = (m: unknown) => buttonsOf(m).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value);

/** Every message the fake received (response_url posts and chat.postMessage), checked against Slack's limits. */
function expectAllCapturedValid(): void {
  for (const r of app.fake.responses) expectSlackMessage(r.body, `response ${r.id}`);
  for (const c of app.fake.callsTo('chat.postMessage')) expectSlackMessage(c.body, 'chat.postMessage');
  for (const c of [...app.fake.callsTo('views.open'), ...app.fake.callsTo('views.push'), ...app.fake.callsTo('views.update'), ...app.fake.callsTo('views.publish')]) expectSlackView(c.body.view, c.method);
}
afterEach(() => expectAllCapturedValid());

describe('/支援 and /shien', () => {
  it.each(['/支援', '/shien'])('%s 創業 acknowledges at once and answers ephemerally with the 創業 programs', async (command) => {
    const { http, responseId } = await app.command('創業', { command });
    expect(http.status).toBe(200);
    expect(http.text).toBe(''); // a bare ack: the answer follows through response_url
    const answer = await responseTo(app, responseId);
    expect(answer.response_type).toBe('ephemeral');
    expect(textOf(answer)).toMatch(/「創業」\* \d+ 件（1〜5 件目）/);
    expect(detailsIds(answer)).toEqual(SOGYO_TOP5);
    expect(buttonsOf(answer).filter((b) => b.action_id === ACTIONS.share)).toHaveLength(5);
    expect(textOf(answer)).toContain('鹿児島商工会議所');
    expect(textOf(answer)).toMatch(/万円|予算額の記載なし/);
    expect(textOf(answer)).toContain('\u200b*創業*\u200b');
  });

  it.each(['', 'help', 'ヘルプ'])('「/支援 %s」 shows how to search, with browse buttons', async (text) => {
    const { responseId } = await app.command(text);
    const help = await responseTo(app, responseId);
    const shown = readText(help);
    expect(shown).toContain('支援ナビの使い方');
    for (const filter of ['機関:', '重点:', '予算:', '目的:', '"事業承継"']) expect(shown).toContain(filter);
    const buttons = buttonsOf(help);
    expect(buttons.filter((b) => b.action_id.startsWith('browse_key_project:')).map((b) => b.value)).toEqual(['1', '2', '3', '4']);
    expect(buttons.filter((b) => b.action_id.startsWith('browse_purpose:')).length).toBeGreaterThanOrEqual(10);
  });

  it('help names the 相談: filter and how to list the 相談の種類', async () => {
    const { responseId } = await app.command('help');
    const shown = readText(await responseTo(app, responseId));
    expect(shown).toContain('`/支援 相談:運転資金` — 相談の種類で絞る');
    expect(shown).toContain('一覧は `/支援 相談の種類`');
  });

  it('「/支援 相談の種類」 lists every need by purpose, with its count and the 相談: query that filters by it', async () => {
    const { responseId } = await app.command('相談の種類');
    const list = await responseTo(app, responseId);
    expect(list.response_type).toBe('ephemeral');
    const shown = readText(list);
    expect(shown).toContain('相談の種類 (70)');
    expect(shown).toContain('スタッフの確認待ち');
    const escaped = (text: string) => text.replace(/&/g, '&amp;');
    const count = (need: string) => engine.programs.filter((p) => p.needs?.includes(need)).length;
    // Each need of needs.yaml once at least (a need with two purposes under both), with its count.
    for (const need of engine.vocabulary.needs!.needs) expect(shown, need.name).toContain(`相談:${escaped(need.name.replace(/\s+/g, ''))}\` (${count(need.name)})`);
    // Grouped: a purpose's heading, then its needs (a need needs.yaml gives no purpose under the
    // one most of its programs have: 運転資金を借りたい, 4 of 6); the rest under their own heading.
    expect(shown).toMatch(/\*資金繰りを改善したい\*\n• `相談:運転資金を借りたい` \(6\) 運転資金などの[^\n]*\n• `相談:返済を見直したい` \(2\) 売上減少などで/);
    expect(shown).toMatch(/\*目的をまたぐ相談\*\n• `相談:店の売場づくりを改善したい` \(2\)/);
    // The catalog's text is escaped: & of M&A reaches Slack as &amp;.
    expect(shown).toContain('`相談:会社を第三者に譲りたい(M&amp;A)` (2)');
    // And what it lists is a query: the same 6 programs.
    const { responseId: filtered } = await app.command('相談:運転資金を借りたい');
    expect(readText(await responseTo(app, filtered))).toMatch(/[^0-9]6 件/);
  });

  // `browse_purpose` is the id of messages sent before the ids were made unique: it keeps working.
  it.each(['browse_purpose:7', 'browse_purpose'])('a browse button (%s) from help lists that purpose’s programs', async (actionId) => {
    await app.click(blockAction({ action_id: actionId, value: '事業を引き継ぎたい', response_url: app.fake.responseUrl(`browse-${actionId}`) }));
    const answer = await responseTo(app, `browse-${actionId}`);
    expect(textOf(answer)).toContain('目的:事業を引き継ぎたい');
    const ids = detailsIds(answer);
    expect(ids.length).toBe(5);
    for (const id of ids) expect(engine.get(id!)!.purposes).toContain('事業を引き継ぎたい');
  });

  const ephemeral = { type: 'message', message_ts: '1700000000.000050', channel_id: 'C0ADVICE', is_ephemeral: true };

  it('次の5件 replaces the (ephemeral) answer with results 6–10; 前の5件 goes back', async () => {
    const { responseId } = await app.command('補助');
    const first = await responseTo(app, responseId);
    const next = buttonsOf(first).find((b) => b.text.text === '次の5件')!;
    expect(next).toBeDefined();
    await app.click(blockAction({ action_id: next.action_id, value: next.value!, container: ephemeral, response_url: app.fake.responseUrl('page2') }));
    const second = await responseTo(app, 'page2');
    expect(second.replace_original).toBe(true);
    expect(textOf(second)).toContain('6〜10 件目');
    const all = engine.search('補助').hits.map((h) => h.program.id);
    expect(detailsIds(second)).toEqual(all.slice(5, 10));
    const prev = buttonsOf(second).find((b) => b.text.text === '前の5件')!;
    await app.click(blockAction({ action_id: prev.action_id, value: prev.value!, container: ephemeral, response_url: app.fake.responseUrl('page1') }));
    expect(detailsIds(await responseTo(app, 'page1'))).toEqual(all.slice(0, 5));
  });

  it('a page button past the end (the catalog shrank since) shows the last page, not an empty one', async () => {
    const total = engine.search('補助').total;
    const { encodePageState } = await import('../../src/slack/render/results.js');
    await app.click(blockAction({ action_id: 'results_page_next', value: encodePageState({ q: '補助', o: 5000 }), container: ephemeral, response_url: app.fake.responseUrl('past') }));
    const last = await responseTo(app, 'past');
    const from = Math.floor((total - 1) / 5) * 5;
    expect(detailsIds(last)).toEqual(engine.search('補助').hits.map((h) => h.program.id).slice(from));
    expect(detailsIds(last).length).toBeGreaterThan(0);
  });

  it('次の5件 on the bot’s answer in a DM replaces it in place: only the one person sees it (pages stacked up as new messages)', async () => {
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: '補助', ts: '1700000021.000100' });
    const answer = (await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0])).body;
    const next = buttonsOf(answer).find((b) => b.text.text === '次の5件')!;
    await app.click(blockAction({ action_id: next.action_id, value: next.value!, user_id: 'U0ADVISOR', channel_id: 'D0ADVISOR', response_url: app.fake.responseUrl('dm-page') }));
    const page = await responseTo(app, 'dm-page');
    expect(page.replace_original).toBe(true);
    expect(readText(page)).toContain('6〜10 件目');
  });

  it('次の5件 on an answer everyone sees (a thread) shows the next page only to whoever clicked', async () => {
    await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 補助`, ts: '1700000020.000100', channel: 'C0TEAM' });
    const answer = (await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0])).body;
    const next = buttonsOf(answer).find((b) => b.text.text === '次の5件')!;
    await app.click(blockAction({ action_id: next.action_id, value: next.value!, user_id: 'U0COLLEAGUE', channel_id: 'C0TEAM', response_url: app.fake.responseUrl('thread-page') }));
    const page = await responseTo(app, 'thread-page');
    expect(page.response_type).toBe('ephemeral');
    expect(page.replace_original).toBe(false);
    expect(readText(page)).toContain('6〜10 件目');
  });

  it('no hits: suggestions and the help line', async () => {
    const { responseId } = await app.command('ふぉおばあ');
    const answer = await responseTo(app, responseId);
    expect(textOf(answer)).toContain('見つかりませんでした');
    expect(textOf(answer)).toContain('/支援 help');
  });

  it('a 10,000-character query is answered within Slack’s limits', async () => {
    const { responseId } = await app.command('創業 ' + 'あ'.repeat(10_000));
    const answer = await responseTo(app, responseId);
    expectSlackMessage(answer, 'long query');
    expect(textOf(answer).length).toBeLessThan(12_000);
  });

  it('mentions in a query ping nobody; & < > typed by a person come back escaped once', async () => {
    // As Slack sends it: mentions as <…> tokens, typed & < > as entities.
    const { responseId } = await app.command('<!channel> <@U0OTHER|other> 創業 &amp; &lt;!here&gt; <!subteam^S1>');
    const answer = await responseTo(app, responseId);
    expect(displayed(answer)).not.toMatch(/<[!@#]/);
    expect(readText(answer)).toContain('「創業 &amp; &lt;!here&gt;」');
    expect(readText(answer)).not.toContain('&amp;amp;');
  });

  it('an emoji (a shortcode on the wire) is no word: :rocket: 創業 answers as 創業 (it found nothing, for want of 「rocket」)', async () => {
    for (const typed of [':rocket: 創業 :+1::skin-tone-2:', ':rocket:創業', '創業:tada:']) {
      const { responseId } = await app.command(typed);
      const answer = readText(await responseTo(app, responseId));
      expect(answer, typed).toMatch(/「創業」 \d+ 件/);
      expect(answer, typed).not.toMatch(/rocket|tada/);
    }
  });

  it('what looks like an emoji inside times, filters and links is left alone', async () => {
    const { fromSlackText } = await import('../../src/slack/answer.js');
    for (const typed of ['時間:10:00-12:00', '10:30:00', '予算:100万以上', 'https://example.jp/:x:/']) expect(fromSlackText(typed)).toBe(typed);
  });

  it('M&A typed in a DM (M&amp;A on the wire) is searched as M&A', async () => {
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: 'M&amp;A', ts: '1700000010.001000' });
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    const expected = engine.search('M&A', { limit: 5 });
    expect(expected.mode).toBe('all');
    expect(readText(post.body)).toContain(`「M&amp;A」* ${expected.total} 件`);
    expect(detailsIds(post.body)).toEqual(expected.hits.map((h) => h.program.id));
  });

  it('mentions and &<> in catalog text are escaped in answers, cards and shares', async () => {
    const hostile: Program = {
      id: 'hostile-1',
      name: '<!channel> 創業支援 & <@U0EVIL>',
      agency: '<!here> 機関',
      overview: '創業を支援します<!subteam^S123>。' + 'とても長い説明です。'.repeat(2000),
      results: '<https://evil.example|click> 創業',
      relatedOrgs: 'A&B<C>',
      source: { document: '<!channel>.txt', page: 2 },
    };
    app.serve(await tinyEngine(analyzer, [hostile]));
    const { responseId } = await app.command('創業');
    const answer = await responseTo(app, responseId);
    expect(displayed(answer)).not.toMatch(/<[!@#]|<https?:/);
    await app.click(blockAction({ action_id: ACTIONS.details, value: 'hostile-1', response_url: app.fake.responseUrl('card') }));
    const card = await responseTo(app, 'card');
    expect(displayed(card)).not.toMatch(/<[!@#]|<https?:/);
    expect(textOf(card)).toContain('全文は出典資料をご覧ください'); // the 20,000-character overview was cut
    await app.click(blockAction({ action_id: ACTIONS.share, value: 'hostile-1', user_id: 'U0SHARER', channel_id: 'C0SHARE' }));
    const shared = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]?.body);
    // The only mention in a shared card is the person who shared it.
    expect(displayed(shared).match(/<[!@#][^>]*>/g)).toEqual(['<@U0SHARER>']);
  });
});

describe('詳細 and チャンネルに共有', () => {
  const sogyoJuku = SOGYO_BY_NAME[0]!; // 商人塾・創業塾 (鹿児島商工会議所)

  it('詳細 shows the whole card, the agency contact (or 連絡先未登録), the source and 3 similar programs', async () => {
    await app.click(blockAction({ action_id: ACTIONS.details, value: sogyoJuku, response_url: app.fake.responseUrl('details') }));
    const card = await responseTo(app, 'details');
    const p = engine.get(sogyoJuku)!;
    const shown = textOf(card);
    expect(card.response_type).toBe('ephemeral');
    expect(card.replace_original).toBe(false);
    for (const heading of ['事業概要', '前年度 (R4) の実施内容', '関係機関', '問い合わせ先', '重点プロジェクト']) expect(shown).toContain(heading);
    expect(shown).toContain(p.overview!.slice(0, 30));
    expect(shown).toContain('連絡先未登録'); // seeds/agencies.yaml has no contact from a source yet
    expect(shown).toContain(`出典: ${p.source!.document} ${p.source!.page} ページ`);
    const similar = detailsIds(card);
    expect(similar).toHaveLength(3);
    expect(similar).not.toContain(sogyoJuku);
    expect(buttonsOf(card).some((b) => b.action_id === ACTIONS.share && b.value === sogyoJuku)).toBe(true);
  });

  it('a program removed from the catalog since the answer gets a clear message', async () => {
    await app.click(blockAction({ action_id: ACTIONS.details, value: 'p-0000000000', response_url: app.fake.responseUrl('gone') }));
    expect(textOf(await responseTo(app, 'gone'))).toContain('カタログにありません');
  });

  it('共有 posts the card to the channel for everyone, saying who shared it', async () => {
    await app.click(blockAction({ action_id: ACTIONS.share, value: SHOKEI_BY_NAME[0]!, user_id: 'U0SHARER', channel_id: 'C0TEAM' }));
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.channel).toBe('C0TEAM');
    expect(textOf(post.body)).toContain(engine.get(SHOKEI_BY_NAME[0]!)!.name);
    expect(textOf(post.body)).toContain('<@U0SHARER> さんが共有しました');
    expect(post.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
  });

  it('共有 where the bot may not post says how to invite it', async () => {
    app.fake.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    await app.click(blockAction({ action_id: ACTIONS.share, value: SHOKEI_BY_NAME[0]!, channel_id: 'G0PRIVATE', response_url: app.fake.responseUrl('noshare') }));
    const note = await responseTo(app, 'noshare');
    expect(note.text).toBe(CANNOT_POST_TEXT);
    expect(note.text).toContain('/invite @shien');
  });
});

describe('mentions, DMs and App Home', () => {
  it('@mention in a channel → the answer in a thread under the mention', async () => {
    const http = await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 事業承継`, ts: '1700000001.000100', channel: 'C0TEAM', event_ts: '1700000001.000100' });
    expect(http.status).toBe(200);
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.channel).toBe('C0TEAM');
    expect(post.body.thread_ts).toBe('1700000001.000100');
    expect(textOf(post.body)).toContain('「事業承継」');
    expect(detailsIds(post.body)).toEqual(engine.search('事業承継', { limit: 5 }).hits.map((h) => h.program.id));
  });

  it('a mention inside a thread answers in that thread', async () => {
    await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 創業`, ts: '1700000002.000200', thread_ts: '1700000000.000001', channel: 'C0TEAM' });
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.thread_ts).toBe('1700000000.000001');
  });

  it('Slack redelivering a mention (X-Slack-Retry-Num) gets it answered once', async () => {
    const event = { type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 創業`, ts: '1700000003.000300', channel: 'C0TEAM' };
    expect((await app.event(event, { event_id: 'Ev0DUPLICATE' })).status).toBe(200);
    expect((await app.event(event, { event_id: 'Ev0DUPLICATE', retry: 1 })).status).toBe(200);
    expect((await app.event(event, { event_id: 'Ev0DUPLICATE', retry: 2 })).status).toBe(200);
    await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(app.logs.some((l) => l.duplicate === true && l.retry === 2)).toBe(true);
  });

  it('a DM to the bot → the answer in the DM; the bot’s own messages are not questions', async () => {
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: '輸出', ts: '1700000004.000400' });
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.channel).toBe('D0ADVISOR');
    expect(post.body.thread_ts).toBeUndefined();
    expect(textOf(post.body)).toContain('「輸出」');
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: FAKE_BOT_USER_ID, bot_id: 'BBOT', text: '「輸出」 3 件', ts: '1700000005.000500' });
    await app.event({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: 'D0ADVISOR', ts: '1700000006.000600' });
    await new Promise((r) => setTimeout(r, 300));
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a DM asked in a thread is answered in that thread (it went to the top of the DM)', async () => {
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: '輸出', ts: '1700000040.000200', thread_ts: '1700000040.000100' });
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body).toMatchObject({ channel: 'D0ADVISOR', thread_ts: '1700000040.000100' });
    expect(textOf(post.body)).toContain('「輸出」');
  });

  it('App Home shows how to use and browse buttons; a browse button opens the programs in a modal', async () => {
    await app.event({ type: 'app_home_opened', user: 'U0ADVISOR', channel: 'D0ADVISOR', tab: 'home', event_ts: '1700000007.000700' });
    const publish = await app.fake.waitFor(() => app.fake.callsTo('views.publish')[0]);
    expect(publish.body.user_id).toBe('U0ADVISOR');
    const home = publish.body.view as Record<string, unknown>;
    expect(home.type).toBe('home');
    const buttons = buttonsOf(home);
    expect(buttons.filter((b) => b.action_id.startsWith('browse_key_project:'))).toHaveLength(4);
    const agencyButton = buttons.find((b) => b.action_id.startsWith('browse_agency:') && b.value === 'ジェトロ鹿児島貿易情報センター')!;
    expect(agencyButton).toBeDefined();
    await app.click(blockAction({ action_id: agencyButton.action_id, value: agencyButton.value!, view: { id: 'VHOME', type: 'home', blocks: home.blocks } }));
    const open = await app.fake.waitFor(() => app.fake.callsTo('views.open')[0]);
    const modal = open.body.view as Record<string, unknown>;
    expect(modal.type).toBe('modal');
    const ids = detailsIds(modal);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(engine.agencies.resolve(engine.get(id!)!.agency)?.name).toBe('ジェトロ鹿児島貿易情報センター');
    // A modal has no channel: no 共有 button there.
    expect(buttonsOf(modal).some((b) => b.action_id === ACTIONS.share)).toBe(false);
    // 詳細 inside the modal pushes the card on top.
    await app.click(blockAction({ action_id: ACTIONS.details, value: ids[0]!, view: { id: 'VMODAL', type: 'modal', hash: 'h1', blocks: modal.blocks } }));
    const push = await app.fake.waitFor(() => app.fake.callsTo('views.push')[0]);
    expect(textOf(push.body.view)).toContain('問い合わせ先');
  });

  it('other tabs (messages) do not republish App Home', async () => {
    await app.event({ type: 'app_home_opened', user: 'U0ADVISOR', channel: 'D0ADVISOR', tab: 'messages', event_ts: '1700000008.000800' });
    await new Promise((r) => setTimeout(r, 200));
    expect(app.fake.callsTo('views.publish')).toHaveLength(0);
  });
});

describe('requests Slack did not sign, failures, logs', () => {
  it('a forged signature and a stale timestamp get 401 and nothing is done', async () => {
    const { slashCommandBody } = await import('./support/signing.js');
    const body = slashCommandBody({ command: '/支援', text: '創業', response_url: app.fake.responseUrl('forged') });
    expect((await app.post(body, { signature: 'v0=' + '0'.repeat(64) })).status).toBe(401);
    expect((await app.post(body, { secret: 'ffffffffffffffffffffffffffffffff' })).status).toBe(401);
    expect((await app.post(body, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(app.fake.responses).toHaveLength(0);
  });

  it('a failure inside a handler still answers the user, logs the cause, and the bot keeps serving', async () => {
    const failing = new Proxy(engine, {
      get(target, key, receiver) {
        if (key === 'search') return () => {
          throw new Error('index exploded');
        };
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    app.serve(failing);
    const { responseId } = await app.command('創業');
    const answer = await responseTo(app, responseId);
    expect(answer.text).toBe(ERROR_TEXT);
    await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 創業`, ts: '1700000009.000900', channel: 'C0TEAM' });
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(post.body.text).toBe(ERROR_TEXT);
    expect(post.body.thread_ts).toBe('1700000009.000900');
    const failed = app.logs.filter((l) => l.msg === 'request failed');
    expect(failed.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(failed[0])).toContain('index exploded');
    app.serve(engine);
    const again = await app.command('創業');
    expect(detailsIds(await responseTo(app, again.responseId))).toEqual(SOGYO_TOP5);
  });

  it('one JSON log line per request with the command, hits and time; never a token or secret', async () => {
    const before = app.logs.length;
    const { responseId } = await app.command('創業', { command: '/shien' });
    await responseTo(app, responseId);
    await app.fake.waitFor(() => (app.logs.length > before ? true : undefined));
    const lines = app.logs.slice(before).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'command', name: '/shien', user: 'U0ADVISOR', channel: 'C0ADVICE' });
    expect(lines[0]!.hits).toBe(engine.search('創業').total);
    expect(typeof lines[0]!.ms).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('創業'); // queries are not logged
    for (const raw of app.rawLogs) {
      expect(raw).not.toContain(BOT_TOKEN);
      expect(raw).not.toContain(SIGNING_SECRET);
    }
  });

  it('/healthz answers for load balancers and monitors', async () => {
    const res = await fetch(app.url.replace('/slack/events', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, programs: engine.size });
  });
});

describe('logging at debug level', () => {
  it('still writes no token, no signing secret and no query text', async () => {
    const debugApp = await startTestApp(engine, {}, 'debug');
    try {
      const { responseId } = await debugApp.command('秘密の相談 創業');
      await responseTo(debugApp, responseId);
      await debugApp.event({ type: 'app_mention', user: 'U0ADVISOR', text: `<@${FAKE_BOT_USER_ID}> 内緒の話 創業`, ts: '1700000400.000100', channel: 'C0TEAM' });
      await debugApp.fake.waitFor(() => debugApp.fake.callsTo('chat.postMessage')[0]);
      expect(debugApp.rawLogs.some((l) => l.includes('"request"'))).toBe(true);
      for (const raw of debugApp.rawLogs) {
        for (const secret of [BOT_TOKEN, SIGNING_SECRET, '秘密の相談', '内緒の話']) expect(raw).not.toContain(secret);
      }
    } finally {
      await debugApp.close();
    }
  });
});

describe('stop()', () => {
  /** GET through a keep-alive agent, as a proxy reusing its upstream connection does. */
  const get = (url: string, agent: http.Agent) =>
    new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      http.get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      }).on('error', reject);
    });

  it('a client that keeps reusing a keep-alive connection cannot keep the server open past the grace period', async () => {
    const own = await startTestApp(engine);
    const health = own.url.replace('/slack/events', '/healthz');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get(health, agent)).connection).toBe('keep-alive');
      // A request still arriving on that connection when stop begins (its body comes later)…
      const { slashCommandBody, signSlackRequest } = await import('./support/signing.js');
      const body = slashCommandBody({ command: '/支援', text: '創業', response_url: own.fake.responseUrl('slow') });
      const slow = new Promise<number>((resolve, reject) => {
        const req = http.request(own.url, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...signSlackRequest(SIGNING_SECRET, body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write(body.slice(0, 10));
        setTimeout(() => req.end(body.slice(10)), 200);
      });
      await new Promise((r) => setTimeout(r, 50));
      const started = Date.now();
      const stopping = own.slack.stop(1000);
      // …and then keeps being reused, as a proxy does with its upstream connection.
      expect(await slow).toBe(200);
      let polling = true;
      const answers: { status: number; connection?: string }[] = [];
      const poll = (async () => {
        while (polling) {
          answers.push(await get(health, agent).catch(() => ({ status: 0 })));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await stopping;
      const took = Date.now() - started;
      polling = false;
      await poll;
      expect(took).toBeLessThan(1500);
      // Anything answered after stop began said `Connection: close`; then there is no server.
      for (const a of answers.filter((x) => x.status === 200)) expect(a.connection).toBe('close');
      await expect(get(health, agent)).rejects.toThrow();
    } finally {
      agent.destroy();
      await own.fake.close();
    }
  });
});
