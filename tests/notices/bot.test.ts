/**
 * Notices as people use them in Slack: `/支援 通知 オン|オフ|状態` as signed slash commands and
 * the App Home toggle, against the real app in HTTP mode and a fake Slack on 127.0.0.1; then a
 * run of the job posting to the channel subscribed that way, and the digest's 詳細 button.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBot, type Bot } from '../../src/bot.js';
import { SearchEngine } from '../../src/search/engine.js';
import { loadPaths } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { NOTICE_ACTIONS } from '../../src/notices/channel-notices.js';
import type { NoticeStore } from '../../src/notices/store.js';
import { EVENTS_PATH } from '../../src/slack/app.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT } from '../search/support.js';
import { startFakeSlack } from '../slack/support/fake-slack.js';
import { BOT_TOKEN, blockAction, buttonsOf, driveApp, expectSlackMessage, expectSlackView, logCapture, readText, responseTo, SIGNING_SECRET, type AppDriver } from '../slack/support/app.js';
import { addProgram, BUNDLED_PROGRAMS, manualClock, workspace } from './support.js';

/** The bot exactly as `npm start` assembles it (src/bot.ts), in HTTP mode, on a catalog copy. */
let bot: Bot;
let app: AppDriver;
let store: NoticeStore;
let dirs: { dataDir: string; catalogDir: string; catalogFile: string };
const clock = manualClock('2026-11-24T00:30:00Z'); // 09:30 in Tokyo
const log = logCapture();
const warmUpsDone = () => log.logs.filter((l) => l.msg === 'search warm-up done');

beforeAll(async () => {
  dirs = await workspace();
  const fake = await startFakeSlack();
  bot = await startBot({
    slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl },
    notices: { dataDir: dirs.dataDir, channels: [], at: '09:00' },
    adminUsers: new Set(['U0ADMIN']),
    // The prebuilt index is for seeds/: this catalog copy is analysed, as a changed catalog would be.
    paths: { ...loadPaths({}), catalogDir: dirs.catalogDir, indexFile: `${dirs.dataDir}/no-index.json` },
    logger: createLogger({ level: 'info', destination: log.sink }),
    clock,
    // As npm start does (SHIEN_WARMUP), with fewer questions: search warms up once listening and after each reload.
    warmUp: { maxQuestions: 30 },
  });
  await bot.started.notices; // the first start's catch-up run (nothing subscribed: nothing posted)
  store = bot.notices.store;
  app = driveApp(`http://127.0.0.1:${bot.started.port}${EVENTS_PATH}`, fake);
}, ANALYZER_TIMEOUT);
afterAll(async () => {
  await bot?.stop(1000);
  await app?.fake.close();
});
afterEach(() => app.fake.reset());

async function notify(text: string, channel = 'C0TEAM', user = 'U0ADVISOR'): Promise<string> {
  const { responseId } = await app.command(`通知 ${text}`.trim(), { channel, user });
  const answer = await responseTo(app, responseId);
  expect(answer.response_type).toBe('ephemeral');
  return String(answer.text);
}

/** App Home as `user` sees it (the newest views.publish for them). */
async function homeOf(user: string): Promise<Record<string, unknown>> {
  const before = app.fake.callsTo('views.publish').length;
  await app.event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `1700000200.${String(before).padStart(6, '0')}` });
  const view = (await app.fake.waitFor(() => app.fake.callsTo('views.publish')[before])).body.view as Record<string, unknown>;
  expectSlackView(view, 'home');
  return view;
}

describe('/支援 通知', () => {
  it('オン subscribes the channel with the whole catalog as known; 状態 says so; オフ stops it', async () => {
    expect(await notify('状態')).toContain('*オフ*');
    const on = await notify('オン');
    expect(on).toContain('*オン* にしました');
    expect(on).toContain(`${BUNDLED_PROGRAMS} 件は既知`);
    expect(on).toContain('/invite @shien');
    expect(await store.status('C0TEAM')).toMatchObject({ active: true, by: 'U0ADVISOR', known: BUNDLED_PROGRAMS });
    expect(await notify('オン')).toContain('すでに *オン*');
    const status = await notify('状態');
    expect(status).toContain('*オン*');
    expect(status).toContain('<@U0ADVISOR> が設定');
    expect(status).toContain('毎日 09:00');
    expect(await notify('オフ', 'C0TEAM', 'U0OTHER')).toContain('*オフ* にしました');
    expect((await store.status('C0TEAM')).active).toBe(false);
    expect(await notify('オフ')).toContain('もともと *オフ*');
  });

  it('in a DM or a group DM, オン says notices are set per channel, and nothing is subscribed', async () => {
    expect(await notify('オン', 'D0PEOPLE')).toContain('チャンネルごとの設定');
    expect(await store.subscription('D0PEOPLE')).toBeUndefined();
    const { responseId } = await app.command('通知 オン', { channel: 'G0GROUPDM', channelName: 'mpdm-a--b--c-1' });
    expect(String((await responseTo(app, responseId)).text)).toContain('チャンネルごとの設定');
    expect(await store.subscription('G0GROUPDM')).toBeUndefined();
  });

  it('通知オン (no space), 通知:状態, 通知：オフ work as 通知 オン… did; turned on again, the whole catalog is named as known', async () => {
    // They were searched for: 「通知オン」 listed five ハンズオン支援 programs on オン.
    const ask = async (text: string, channel = 'C0SPACES') => String((await responseTo(app, (await app.command(text, { channel, user: 'U0ADVISOR' })).responseId)).text);
    expect(await ask('通知オン')).toContain('*オン* にしました');
    expect(await ask('通知:状態')).toContain('*オン*');
    expect(await ask('通知：オフ')).toContain('*オフ* にしました');
    // Back on: all the catalog is known (it said 0 件, counting only the ids stored anew).
    expect(await ask('通知 オン')).toContain(`${BUNDLED_PROGRAMS} 件は既知`);
    await ask('通知 オフ'); // the digests below go to the channels they subscribe
    // A word that only begins with 通知 (or whose next word only begins with オン) is still a search.
    for (const search of ['通知書', '通知オンライン申請', '通知オフィス']) {
      const answer = await ask(search, 'C0OTHER');
      expect(answer, search).toContain(`「${search}」`);
      expect(answer, search).not.toContain('オン / オフ / 状態');
    }
  });

  it('in a DM or a mention, 通知 オン points to the slash command instead of searching for オン', async () => {
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: '通知 オン', ts: '1700000300.000100' });
    const dm = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(String(dm.body.text)).toContain('`/支援 通知 オン`');
    expect(dm.body.blocks).toBeUndefined();
    await app.event({ type: 'app_mention', user: 'U0ADVISOR', text: '<@U0BOT> 通知オン', ts: '1700000300.000200', channel: 'C0MENTION' });
    const mention = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[1]);
    expect(mention.body).toMatchObject({ channel: 'C0MENTION', thread_ts: '1700000300.000200' });
    expect(String(mention.body.text)).toContain('`/支援 通知 オン`');
    expect(await store.subscription('C0MENTION')).toBeUndefined();
    // Other words after 通知 are a search in a DM (通知 書類 was pointed to the slash command).
    await app.event({ type: 'message', channel_type: 'im', channel: 'D0ADVISOR', user: 'U0ADVISOR', text: '通知 補助金', ts: '1700000300.000300' });
    const search = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[2]);
    expect(String(search.body.text)).not.toContain('/支援 通知 オン');
  });

  it('anything else after 通知 gets the usage, and nothing changes', async () => {
    const answer = await notify('たぶん');
    expect(answer).toContain('オン / オフ / 状態');
    expect(await store.subscription('C0ELSE')).toBeUndefined();
  });

  it('App Home lists subscribed channels with a toggle; the channel picker adds one', async () => {
    await notify('オン', 'C0HOME');
    await app.event({ type: 'app_home_opened', user: 'U0ADVISOR', channel: 'D0ADVISOR', tab: 'home', event_ts: '1700000100.000100' });
    const home = (await app.fake.waitFor(() => app.fake.callsTo('views.publish')[0])).body.view as Record<string, unknown>;
    expectSlackView(home, 'home');
    expect(readText(home)).toContain('<#C0HOME> — *オン*');
    const toggle = buttonsOf(home).find((b) => b.action_id === NOTICE_ACTIONS.toggle && b.value === 'off:C0HOME')!;
    expect(toggle.text.text).toBe('オフにする');
    await app.click(blockAction({ action_id: toggle.action_id, value: toggle.value!, view: { id: 'VHOME', type: 'home', blocks: home.blocks } }));
    const redrawn = (await app.fake.waitFor(() => app.fake.callsTo('views.publish')[1])).body.view;
    expect(readText(redrawn)).toContain('<#C0HOME> — オフ');
    expect(await store.status('C0HOME')).toMatchObject({ active: false, by: 'U0ADVISOR', source: 'home' });

    const pick = blockAction({ action_id: NOTICE_ACTIONS.addChannel, value: '', view: { id: 'VHOME', type: 'home', blocks: home.blocks } });
    pick.actions = [{ type: 'channels_select', action_id: NOTICE_ACTIONS.addChannel, block_id: 'b', selected_channel: 'C0PICKED', action_ts: '1700000101.000000' }];
    await app.click(pick);
    await app.fake.waitFor(() => app.fake.callsTo('views.publish')[2]);
    expect(await store.status('C0PICKED')).toMatchObject({ active: true, source: 'home', known: BUNDLED_PROGRAMS });
    // The person who picked is told what happens next, and to invite the bot to private channels.
    const note = (await app.fake.waitFor(() => app.fake.callsTo('views.open')[0])).body.view;
    expectSlackView(note, 'note');
    expect(readText(note)).toContain(`${BUNDLED_PROGRAMS} 件は既知`);
    expect(readText(note)).toContain('/invite @shien');
  });
});

describe('the digest a channel subscribed in Slack receives', () => {
  it('a run that posts nothing still brings search up to the catalog it read', async () => {
    const before = bot.live.current.size;
    expect(await notify('オフ', 'C0PICKED')).toContain('*オフ* にしました'); // nobody subscribed now
    await addProgram(dirs.catalogFile, { id: 'p-quiet-new-01', name: '静かに追加された事業', overview: '誰にも通知されない追加です。' });
    await app.fake.waitFor(() => (warmUpsDone().length === 1 ? true : undefined), 30_000); // the start's
    const asked = vi.spyOn(SearchEngine.prototype, 'search');
    const result = await bot.notices.runNow();
    expect(result.posted).toBe(0);
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await app.fake.waitFor(() => (bot.live.current.size === before + 1 ? true : undefined), 30_000);
    // The reloaded engine is warmed up in its turn (one more log line), and it is the one asked.
    await app.fake.waitFor(() => (warmUpsDone().length === 2 ? true : undefined), 30_000);
    expect(warmUpsDone()[1]).toMatchObject({ component: 'search', questions: 30, ended: 'done' });
    expect(asked.mock.contexts.filter((engine) => engine === bot.live.current).length).toBeGreaterThan(20);
    asked.mockRestore();
    const { responseId } = await app.command('静かに追加された事業');
    expect(buttonsOf(await responseTo(app, responseId)).some((b) => b.value === 'p-quiet-new-01')).toBe(true);
    await notify('オン', 'C0PICKED');
  }, ANALYZER_TIMEOUT);

  it('one new program → one digest to the subscribed channels; its 詳細 opens the program straight away', async () => {
    await notify('オン', 'C0DIGEST');
    await addProgram(dirs.catalogFile, { id: 'p-digest-new-01', name: '<!channel> 新しいテスト補助金 & 相談', budgetThousandYen: 25_000, overview: '新しく始まる補助金です。' });
    const result = await bot.notices.runNow();
    expect(result.failed).toBe(0);
    const digests = app.fake.callsTo('chat.postMessage');
    expect(digests.map((d) => d.body.channel).sort()).toEqual(['C0DIGEST', 'C0PICKED']);
    const digest = digests.find((d) => d.body.channel === 'C0DIGEST')!.body;
    expectSlackMessage(digest, 'digest');
    expect(readText(digest)).toContain('&lt;!channel&gt; 新しいテスト補助金 &amp; 相談');
    expect(readText(digest)).toContain('2,500万円');
    const details = buttonsOf(digest).find((b) => b.action_id === ACTIONS.details)!;
    expect(details.value).toBe('p-digest-new-01');
    // No reload by hand: the bot serves the catalog a digest announces before posting it.
    expect(bot.live.current.size).toBe(BUNDLED_PROGRAMS + 2);
    await app.click(blockAction({ action_id: ACTIONS.details, value: details.value!, channel_id: 'C0DIGEST', response_url: app.fake.responseUrl('digest-card') }));
    const card = await responseTo(app, 'digest-card');
    expect(readText(card)).toContain('新しく始まる補助金です。');
    expect(readText(card)).toContain('連絡先未登録');
    // The next run has nothing new.
    expect((await bot.notices.runNow()).failed).toBe(0);
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(2);
  }, ANALYZER_TIMEOUT);

  it('more new programs than fit: the digest offers 「ほか N 件を見る」, which lists every one of them', async () => {
    const added = Array.from({ length: 70 }, (_, i) => ({ id: `p-bulk-${String(i).padStart(3, '0')}`, name: `一括追加のテスト事業 ${i + 1}`, overview: `テスト用の事業 ${i + 1} です。` }));
    for (const p of added) await addProgram(dirs.catalogFile, p);
    expect((await bot.notices.runNow()).failed).toBe(0);
    const digest = app.fake.callsTo('chat.postMessage').find((d) => d.body.channel === 'C0DIGEST')!.body;
    expectSlackMessage(digest, 'overflowing digest');
    const shownInFull = buttonsOf(digest).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value);
    const more = buttonsOf(digest).find((b) => b.action_id === 'notice_more')!;
    expect(more.text.text).toBe(`ほか ${70 - shownInFull.length} 件を見る`);
    // A click from another channel does not open this channel's list.
    await app.click(blockAction({ action_id: 'notice_more', value: more.value!, channel_id: 'C0ELSEWHERE', response_url: app.fake.responseUrl('more-elsewhere') }));
    expect(readText(await responseTo(app, 'more-elsewhere'))).toContain('古くなっています');
    // Page by page, every program the digest did not show in full.
    const listed: string[] = [];
    let value: string | undefined = more.value;
    for (let page = 0; value && page < 5; page++) {
      await app.click(blockAction({ action_id: 'notice_more', value, channel_id: 'C0DIGEST', response_url: app.fake.responseUrl(`more-${page}`) }));
      const list = await responseTo(app, `more-${page}`);
      expectSlackMessage(list, `list page ${page}`);
      listed.push(...buttonsOf(list).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value!));
      value = buttonsOf(list).find((b) => b.action_id === 'notice_more')?.value;
    }
    expect([...shownInFull, ...listed].sort()).toEqual(added.map((p) => p.id).sort());
  }, ANALYZER_TIMEOUT);

  it('a mention redelivered to another bot process on the same data directory (or after a restart) is answered once', async () => {
    const mention = { type: 'app_mention', user: 'U0ADVISOR', text: '<@UBOT> 創業', ts: '1700000300.000100', channel: 'C0TEAM' };
    await app.event(mention, { event_id: 'Ev0ACROSSRESTART' });
    await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    const second = await startBot({
      slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: app.fake.apiUrl },
      notices: { dataDir: dirs.dataDir, channels: [], at: '09:00' },
      paths: { ...loadPaths({}), catalogDir: dirs.catalogDir, indexFile: `${dirs.dataDir}/no-index.json` },
      logger: createLogger({ level: 'silent' }),
      clock,
    });
    try {
      const other = driveApp(`http://127.0.0.1:${second.started.port}${EVENTS_PATH}`, app.fake);
      expect((await other.event(mention, { event_id: 'Ev0ACROSSRESTART', retry: 1 })).status).toBe(200);
      await other.event({ ...mention, ts: '1700000300.000200' }, { event_id: 'Ev0SOMETHINGNEW' });
      await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[1]);
      await new Promise((r) => setTimeout(r, 300));
      expect(app.fake.callsTo('chat.postMessage').map((c) => c.body.thread_ts)).toEqual(['1700000300.000100', '1700000300.000200']);
    } finally {
      await second.stop(1000);
    }
  }, ANALYZER_TIMEOUT);

  it('a broken catalog file: the run posts nothing, names the file, and search keeps the catalog it had', async () => {
    const before = bot.live.current;
    await addProgram(dirs.catalogFile, { id: 'BAD ID', name: 'x' });
    const result = await bot.notices.runNow();
    expect(result.status).toBe('catalog-error');
    expect(JSON.stringify(result.catalogProblems)).toContain('shoukougyou-shinkou-plan-kankei-kikan-r5.yaml');
    expect(app.fake.callsTo('chat.postMessage')).toHaveLength(0);
    expect(bot.live.current).toBe(before);
    const { responseId } = await app.command('創業');
    expect(readText(await responseTo(app, responseId))).toContain('「創業」');
  });
});

// Last: these subscribe channels of their own, which the digest tests above must not see.
describe('who may change a channel’s notices from App Home', () => {
  it('a non-member sees the channel without buttons; a stale or forged button is refused politely and changes nothing', async () => {
    await notify('オン', 'C0PRIVATE');
    app.fake.setMembers('C0PRIVATE', ['UBOT', 'U0ADVISOR']);
    const member = await homeOf('U0ADVISOR');
    expect(buttonsOf(member).some((b) => b.value === 'off:C0PRIVATE')).toBe(true);

    const outsider = await homeOf('U0OTHER');
    expect(readText(outsider)).toContain('<#C0PRIVATE> — *オン*');
    expect(readText(outsider)).toContain('変更できるのはチャンネルのメンバーと管理者です');
    expect(buttonsOf(outsider).some((b) => String(b.value).endsWith(':C0PRIVATE'))).toBe(false);

    // The member's button, pressed by the outsider (a stale Home, or a crafted payload).
    const stale = blockAction({ action_id: NOTICE_ACTIONS.toggle, value: 'off:C0PRIVATE', user_id: 'U0OTHER', view: { id: 'VHOME', type: 'home', blocks: member.blocks } });
    await app.click(stale);
    const refusal = (await app.fake.waitFor(() => app.fake.callsTo('views.open')[0])).body.view;
    expect(readText(refusal)).toContain('チャンネルのメンバーと管理者');
    expect((await store.status('C0PRIVATE')).active).toBe(true);

    // Picking the channel in the outsider's channel picker is refused the same way.
    const pick = blockAction({ action_id: NOTICE_ACTIONS.addChannel, value: '', user_id: 'U0OTHER', view: { id: 'VHOME', type: 'home', blocks: outsider.blocks } });
    pick.actions = [{ type: 'channels_select', action_id: NOTICE_ACTIONS.addChannel, block_id: 'b', selected_channel: 'C0PRIVATE2', action_ts: '1700000201.000000' }];
    app.fake.setMembers('C0PRIVATE2', ['UBOT']);
    await app.click(pick);
    await app.fake.waitFor(() => app.fake.callsTo('views.open')[1]);
    expect(await store.subscription('C0PRIVATE2')).toBeUndefined();
  });

  it('App Home opened again within a minute asks Slack nothing new; a click on its button is still checked afresh', async () => {
    // Each open asked conversations.members once per listed channel, and Slack opens Home on every click on its tab.
    await notify('オン', 'C0CACHED');
    app.fake.setMembers('C0CACHED', ['UBOT', 'U0ADVISOR']);
    const first = await homeOf('U0ADVISOR');
    expect(buttonsOf(first).some((b) => b.value === 'off:C0CACHED')).toBe(true);
    const asked = app.fake.callsTo('conversations.members').length;
    expect(asked).toBeGreaterThan(0);
    await homeOf('U0ADVISOR');
    expect(app.fake.callsTo('conversations.members')).toHaveLength(asked);
    // The member leaves; their (remembered) button is refused at the click.
    app.fake.setMembers('C0CACHED', ['UBOT']);
    await app.click(blockAction({ action_id: NOTICE_ACTIONS.toggle, value: 'off:C0CACHED', user_id: 'U0ADVISOR', view: { id: 'VHOME', type: 'home', blocks: first.blocks } }));
    const refusal = (await app.fake.waitFor(() => app.fake.callsTo('views.open')[0])).body.view;
    expect(readText(refusal)).toContain('チャンネルのメンバーと管理者');
    expect((await store.status('C0CACHED')).active).toBe(true);
  });

  it('an admin (SHIEN_ADMIN_USERS) may change a channel they are not in', async () => {
    await notify('オン', 'C0ELSEWHERE');
    app.fake.setMembers('C0ELSEWHERE', ['UBOT', 'U0ADVISOR']);
    const home = await homeOf('U0ADMIN');
    const toggle = buttonsOf(home).find((b) => b.value === 'off:C0ELSEWHERE')!;
    expect(toggle).toBeDefined();
    await app.click(blockAction({ action_id: toggle.action_id, value: toggle.value!, user_id: 'U0ADMIN', view: { id: 'VHOME', type: 'home', blocks: home.blocks } }));
    await vi.waitFor(async () => expect((await store.status('C0ELSEWHERE')).active).toBe(false));
    expect(await store.status('C0ELSEWHERE')).toMatchObject({ active: false, by: 'U0ADMIN' });
  });

  it('a private channel Slack will not describe to the bot (not invited) counts as not a member', async () => {
    await notify('オン', 'C0HIDDEN');
    app.fake.on('conversations.members', (body) => (body.channel === 'C0HIDDEN' ? { ok: false, error: 'channel_not_found' } : { ok: true, members: ['U0ADVISOR'] }));
    const home = await homeOf('U0ADVISOR');
    expect(buttonsOf(home).some((b) => String(b.value).endsWith(':C0HIDDEN'))).toBe(false);
  });

  it('a membership Slack refuses to tell (missing_scope): Home is drawn, that channel without its button, and the log says why', async () => {
    // It published no Home at all: the how-to and the browse buttons went with it.
    await notify('オン', 'C0NOSCOPE');
    app.fake.on('conversations.members', () => ({ ok: false, error: 'missing_scope' }));
    const home = await homeOf('U0ADVISOR');
    expect(readText(home)).toContain('<#C0NOSCOPE>');
    expect(buttonsOf(home).some((b) => String(b.value).endsWith(':C0NOSCOPE'))).toBe(false);
    expect(log.logs.some((l) => l.method === 'conversations.members' && JSON.stringify(l.errors) === '["missing_scope"]')).toBe(true);
  });
});
