/**
 * Two replicas of the bot behind a load balancer, sharing one PostgreSQL (issue 14): each is
 * the real bot (src/bot.ts) in HTTP mode with its own data directory, both talking to one fake
 * Slack. What one replica records, the other sees at once; when both daily timers fire for the
 * same slot, each subscribed channel gets one digest; a catalog change is served by both.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startBot, type Bot } from '../../src/bot.js';
import { loadPaths } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { EVENTS_PATH } from '../../src/slack/app.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT } from '../search/support.js';
import { startFakeSlack, type FakeSlack } from '../slack/support/fake-slack.js';
import { CONTACT_EDIT_CALLBACK } from '../../src/slack/render/contact-edit.js';
import { BOT_TOKEN, blockAction, buttonsOf, driveApp, readText, responseTo, SIGNING_SECRET, type AppDriver } from '../slack/support/app.js';
import { FAKE_APP_ID, FAKE_TEAM_ID, FAKE_VERIFICATION_TOKEN, fakeTriggerId } from '../slack/support/signing.js';
import { describePostgres, postgresBackend, type Place } from './backends.js';
import { addProgram, BUNDLED_PROGRAMS, manualClock, workspace } from './support.js';

const ADMIN = 'U0ADMIN';

/** The contact form's view_submission as Slack sends it (the same shape as tests/slack/contact-edit.test.ts). */
function contactSubmission(user: string, values: Record<string, string | null>, metadata: Record<string, unknown>): Record<string, unknown> {
  const state = Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { [field]: { type: 'plain_text_input', value } }]));
  return {
    type: 'view_submission',
    team: { id: FAKE_TEAM_ID, domain: 'fake-workspace' },
    user: { id: user, username: 'staff', name: 'staff', team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    trigger_id: fakeTriggerId(),
    view: {
      id: 'V0CONTACT', team_id: FAKE_TEAM_ID, type: 'modal', callback_id: CONTACT_EDIT_CALLBACK, private_metadata: JSON.stringify(metadata),
      state: { values: state }, hash: '1700000000.abc', title: { type: 'plain_text', text: '連絡先を編集' }, blocks: [], app_id: FAKE_APP_ID,
      bot_id: 'BBOT', root_view_id: 'V0CONTACT', previous_view_id: null, external_id: '',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

const NEW = { id: 'p-replica-new-01', name: '複製テスト用の新しい補助金', budgetThousandYen: 5000, overview: '二つの複製で一度だけ知らせる事業です。' };

describePostgres('two replicas on one PostgreSQL', () => {
  let fake: FakeSlack;
  let place: Place;
  let catalog: { catalogDir: string; catalogFile: string };
  const clock = manualClock('2026-11-24T09:30:00+09:00');
  const replicas: Array<{ bot: Bot; app: AppDriver }> = [];

  async function replica(): Promise<{ bot: Bot; app: AppDriver }> {
    const own = await postgresBackend.place(); // its own data directory: nothing shared through files
    const bot = await startBot({
      slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl },
      notices: { dataDir: own.dataDir, databaseUrl: place.databaseUrl!, channels: [], at: '09:00' },
      paths: { ...loadPaths({}), catalogDir: catalog.catalogDir, indexFile: `${own.dataDir}/no-index.json` },
      logger: createLogger({ level: 'silent' }),
      adminUsers: new Set([ADMIN]),
      clock,
    });
    const r = { bot, app: driveApp(`http://127.0.0.1:${bot.started.port}${EVENTS_PATH}`, fake) };
    replicas.push(r);
    return r;
  }

  beforeAll(async () => {
    fake = await startFakeSlack();
    place = await postgresBackend.place();
    catalog = await workspace();
    // Both start at once on an empty database: both migrate (one does, under the lock) and
    // both owe today's slot; it runs once (a baseline: nothing is subscribed, nothing posted).
    await Promise.all([replica(), replica()]);
    await Promise.all(replicas.map((r) => r.bot.started.notices));
  }, 2 * ANALYZER_TIMEOUT);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.bot.stop(1000)));
    await fake?.close();
  });

  async function say(app: AppDriver, text: string, channel = 'C0TEAM'): Promise<string> {
    const { responseId } = await app.command(`通知 ${text}`.trim(), { channel, user: 'U0ADVISOR' });
    return String((await responseTo({ fake }, responseId)).text);
  }

  it('the first start migrated the database once and ran the owed slot once', async () => {
    const [a, b] = replicas.map((r) => r.bot.notices.store);
    expect(await a!.schemaVersion()).toBe(await b!.schemaVersion());
    const slot = new Date('2026-11-24T09:00:00+09:00');
    expect((await a!.lastScheduledRun())?.scheduledFor).toEqual(slot);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('a subscription made through replica A is listed by 通知 状態 on replica B at once', async () => {
    const [a, b] = replicas;
    expect(await say(b!.app, '状態')).toContain('*オフ*');
    expect(await say(a!.app, 'オン')).toContain('*オン* にしました');
    const status = await say(b!.app, '状態');
    expect(status).toContain('*オン*');
    expect(status).toContain(`既知の事業 ${BUNDLED_PROGRAMS} 件`);
    // Turned on again through B: already on (one subscription, not two).
    expect(await say(b!.app, 'オン')).toContain('すでに *オン*');
  });

  it('the same event delivered to A and then redelivered to B is answered once', async () => {
    const [a, b] = replicas;
    fake.reset();
    const mention = { type: 'app_mention', user: 'U0ADVISOR', text: '<@UBOT> 創業', ts: '1700000400.000100', channel: 'C0TEAM' };
    await a!.app.event(mention, { event_id: 'Ev0REPLICAS' });
    await fake.waitFor(() => fake.callsTo('chat.postMessage')[0]);
    expect((await b!.app.event(mention, { event_id: 'Ev0REPLICAS', retry: 1 })).status).toBe(200);
    await b!.app.event({ ...mention, ts: '1700000400.000200' }, { event_id: 'Ev0REPLICASNEW' });
    await fake.waitFor(() => fake.callsTo('chat.postMessage')[1]);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('chat.postMessage').map((c) => c.body.thread_ts)).toEqual(['1700000400.000100', '1700000400.000200']);
  });

  it('both daily timers fire for the same slot: one digest per channel, and both replicas serve the new program', async () => {
    const [a, b] = replicas;
    fake.reset();
    expect(await say(b!.app, 'オン', 'C0SECOND')).toContain('*オン* にしました');
    await addProgram(catalog.catalogFile, NEW);
    clock.set('2026-11-25T09:00:00+09:00');
    await Promise.all([a!.bot.notices.scheduler.tick(), b!.bot.notices.scheduler.tick()]);

    const digests = fake.callsTo('chat.postMessage');
    expect(digests.map((d) => d.body.channel).sort()).toEqual(['C0SECOND', 'C0TEAM']);
    expect(digests.every((d) => JSON.stringify(d.body).includes(NEW.id))).toBe(true);
    const store = a!.bot.notices.store;
    const slot = new Date('2026-11-25T09:00:00+09:00');
    expect(await store.lastScheduledRunFor(slot)).toMatchObject({ status: 'ok', posted: 2 });

    // The replica that did not run the slot caught its search up too (no restart).
    for (const r of replicas) await vi.waitFor(() => expect(r.bot.live.current.size).toBe(BUNDLED_PROGRAMS + 1), { timeout: 60_000 });
    for (const [i, r] of replicas.entries()) {
      const { responseId } = await r.app.command('複製テスト用', { channel: 'C0TEAM', user: 'U0ADVISOR', responseId: `search-${i}` });
      expect(buttonsOf(await responseTo({ fake }, responseId)).some((x) => x.action_id === ACTIONS.details && x.value === NEW.id)).toBe(true);
    }

    // The timers fire again (a late tick, a restart): nothing is posted twice.
    await Promise.all([a!.bot.notices.scheduler.tick(), b!.bot.notices.scheduler.tick()]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(2);
  }, 2 * ANALYZER_TIMEOUT);

  it('a contact edit saved through replica A is on the card replica B draws', async () => {
    const [a, b] = replicas;
    fake.reset();
    const program = b!.bot.live.current.programs[0]!;
    const form = { desk: '複製テスト窓口', phone: '099-555-0101', email: null, url: null, address: null, hours: null, note: null, source: 'https://example.jp/replica/', checkedOn: null };
    const saved = await a!.app.click(contactSubmission(ADMIN, form, { target: `program:${program.id}`, openedBy: ADMIN }));
    expect(JSON.stringify(saved.json)).toContain('連絡先を保存しました');
    await vi.waitFor(
      async () => {
        const id = `card-${Math.random()}`;
        await b!.app.click(blockAction({ action_id: ACTIONS.details, value: program.id, channel_id: 'C0TEAM', response_url: fake.responseUrl(id) }));
        expect(readText(await responseTo({ fake }, id))).toContain('099-555-0101');
      },
      { timeout: 10_000 },
    );
  });

  it('a catalog change one replica loads is served by the other at once (NOTIFY), without its own run', async () => {
    const [a, b] = replicas;
    const before = b!.bot.live.current.size;
    await addProgram(catalog.catalogFile, { id: 'p-replica-new-02', name: '複製テスト用の二つ目の補助金' });
    // Only A runs (an admin's notify --once in A's process): B's timer does not fire.
    await a!.bot.notices.runNow();
    expect(a!.bot.live.current.size).toBe(before + 1);
    await vi.waitFor(() => expect(b!.bot.live.current.get('p-replica-new-02')?.name).toBe('複製テスト用の二つ目の補助金'), { timeout: 30_000 });
  }, ANALYZER_TIMEOUT);
});
