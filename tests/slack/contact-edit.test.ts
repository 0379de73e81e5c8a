/**
 * Staff keep contacts current from Slack (issue 15): the real app over signed HTTP, a fake
 * Slack on 127.0.0.1, and the SQLite store in a temporary data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadAdminUsers } from '../../src/config.js';
import { createContactService } from '../../src/contacts/service.js';
import { ContactStore } from '../../src/contacts/store.js';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { CONTACT_EDIT_ACTION, CONTACT_EDIT_CALLBACK, NOT_ADMIN_TEXT } from '../../src/slack/render/contact-edit.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, program, TEST_AGENCY, tinyEngine } from '../search/support.js';
import { blockAction, buttonsOf, expectSlackMessage, expectSlackView, readText, responseTo, startTestApp, type TestApp } from './support/app.js';
import { FAKE_APP_ID, FAKE_TEAM_ID, FAKE_VERIFICATION_TOKEN, fakeTriggerId } from './support/signing.js';

const ADMIN = 'U0ADMIN';
const OTHER_ADMIN = 'U0ADMIN2';
const ADVISOR = 'U0ADVISOR';
const NOW = new Date('2026-11-27T03:00:00Z');
const PROGRAM_ID = 'p-sogyo-0001';

let app: TestApp;
let store: ContactStore;
let dataDir: string;

beforeAll(async () => {
  const analyzer = await loadAnalyzer();
  const engine = await tinyEngine(analyzer, [program(PROGRAM_ID, '創業支援事業', { overview: '創業を支援する。' })]);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shien-contacts-'));
  store = ContactStore.open(dataDir);
  const contacts = createContactService({ admins: new Set([ADMIN, OTHER_ADMIN]), store, now: () => NOW });
  app = await startTestApp(engine, { contacts });
}, ANALYZER_TIMEOUT);
afterAll(async () => {
  await app?.close();
  store?.close();
  await rm(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  for (const c of [...app.fake.callsTo('views.open'), ...app.fake.callsTo('views.push')]) expectSlackView(c.body.view, c.method);
  for (const r of app.fake.responses) expectSlackMessage(r.body, `response ${r.id}`);
  app.fake.reset();
});

/** 詳細 clicked by `user` in a channel: the card they get back (ephemeral). */
async function details(user: string): Promise<Record<string, unknown>> {
  const id = `details-${user}-${Math.random()}`;
  await app.click(blockAction({ action_id: ACTIONS.details, value: PROGRAM_ID, user_id: user, response_url: app.fake.responseUrl(id) }));
  return responseTo(app, id);
}

/** The form Slack would show after `user` clicked 連絡先を編集 (null when none was opened). */
async function openForm(user: string, value = 'agency:test-body', responseId = `edit-${Math.random()}`): Promise<Record<string, unknown> | undefined> {
  await app.click(blockAction({ action_id: CONTACT_EDIT_ACTION, value, user_id: user, response_url: app.fake.responseUrl(responseId) }));
  const opened = await app.fake.waitFor(() => app.fake.callsTo('views.open')[0] ?? app.fake.responses.find((r) => r.id === responseId)).catch(() => undefined);
  return opened && 'method' in opened ? (opened.body.view as Record<string, unknown>) : undefined;
}

/** A view_submission of the contact form as Slack sends it: `values` by field, submitted by `user`. */
function submission(user: string, values: Record<string, string | null>, metadata: Record<string, unknown>): Record<string, unknown> {
  const state = Object.fromEntries(Object.entries(values).map(([field, value]) => [field, { [field]: { type: 'plain_text_input', value } }]));
  return {
    type: 'view_submission',
    team: { id: FAKE_TEAM_ID, domain: 'fake-workspace' },
    user: { id: user, username: 'staff', name: 'staff', team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    trigger_id: fakeTriggerId(),
    view: {
      id: 'V0CONTACT',
      team_id: FAKE_TEAM_ID,
      type: 'modal',
      callback_id: CONTACT_EDIT_CALLBACK,
      private_metadata: JSON.stringify(metadata),
      state: { values: state },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: '連絡先を編集' },
      blocks: [],
      app_id: FAKE_APP_ID,
      bot_id: 'BBOT',
      root_view_id: 'V0CONTACT',
      previous_view_id: null,
      external_id: '',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

const FORM = { desk: '経営支援課', phone: '０９９－２２２－２２２２', email: null, url: 'https://example.jp/', address: null, hours: '平日 8:30〜17:15', note: null, source: 'https://example.jp/access/', checkedOn: null };

describe('who may edit', () => {
  it('shows 連絡先を編集 to staff only', async () => {
    expect(buttonsOf(await details(ADMIN)).filter((b) => b.action_id === CONTACT_EDIT_ACTION).map((b) => b.value)).toEqual(['agency:test-body']);
    expect(buttonsOf(await details(ADVISOR)).filter((b) => b.action_id === CONTACT_EDIT_ACTION)).toEqual([]);
  });

  it('opens the form for staff, filled with what is shown, remembering who opened it', async () => {
    const view = await openForm(ADMIN);
    expect(view).toBeDefined();
    expect(view!.callback_id).toBe(CONTACT_EDIT_CALLBACK);
    // No staff edit yet (base ''), and no contact shown to start from (the test body has none in YAML).
    expect(JSON.parse(String(view!.private_metadata))).toEqual({ target: 'agency:test-body', openedBy: ADMIN, base: '' });
    expect(readText(view)).toContain('テスト支援機関');
    expect(readText(view)).toContain('出典 (必須)');
  });

  it('refuses anyone else politely, even with a button they were never shown', async () => {
    const view = await openForm(ADVISOR, 'agency:test-body', 'forged-click');
    expect(view).toBeUndefined();
    const answer = await responseTo(app, 'forged-click');
    expect(answer.text).toBe(NOT_ADMIN_TEXT);
    expect(app.fake.callsTo('views.open')).toEqual([]);
    // The request's log line is written once the answer has gone out: wait for it, do not race it.
    await app.fake.waitFor(() => app.logs.find((l) => l.name === CONTACT_EDIT_ACTION && l.user === ADVISOR && l.refused === 'not-admin'));
  });

  it('refuses a submission by someone else, also staff, of a form opened for another user', async () => {
    for (const user of [ADVISOR, OTHER_ADMIN]) {
      const http = await app.click(submission(user, FORM, { target: 'agency:test-body', openedBy: ADMIN }));
      expect(http.status).toBe(200);
      const ack = http.json as { response_action: string; view: unknown };
      expect(ack.response_action).toBe('update');
      expectSlackView(ack.view, 'refusal');
      expect(readText(ack.view)).toContain(NOT_ADMIN_TEXT);
    }
    // A forged form claiming to be the advisor's own is refused too: the advisor is not staff.
    const own = await app.click(submission(ADVISOR, FORM, { target: 'agency:test-body', openedBy: ADVISOR }));
    expect(readText((own.json as { view: unknown }).view)).toContain(NOT_ADMIN_TEXT);
    expect(store.historyCount({ kind: 'agency', id: 'test-body' })).toBe(0);
  });
});

describe('the form', () => {
  it('shows what is wrong under each field, in Japanese, and stores nothing', async () => {
    const http = await app.click(
      submission(ADMIN, { ...FORM, phone: '12', url: 'javascript:alert(1)', email: 'info@', source: null }, { target: 'agency:test-body', openedBy: ADMIN }),
    );
    expect(http.json).toEqual({
      response_action: 'errors',
      errors: {
        source: expect.stringContaining('出典は必須です'),
        phone: expect.stringContaining('099-000-0000 の形'),
        email: expect.stringContaining('name@example.jp'),
        url: expect.stringContaining('http:// か https://'),
      },
    });
    const future = await app.click(submission(ADMIN, { ...FORM, checkedOn: '2027-01-01' }, { target: 'agency:test-body', openedBy: ADMIN }));
    expect(future.json).toEqual({ response_action: 'errors', errors: { checkedOn: '確認日が未来の日付です。' } });
    expect(store.historyCount({ kind: 'agency', id: 'test-body' })).toBe(0);
  });

  it('stores a valid contact with who and when, logs which fields without their values, and the card shows it', async () => {
    const http = await app.click(submission(ADMIN, FORM, { target: 'agency:test-body', openedBy: ADMIN }));
    const ack = http.json as { response_action: string; view: unknown };
    expect(ack.response_action).toBe('update');
    expectSlackView(ack.view, 'saved');
    expect(readText(ack.view)).toContain('保存しました');

    const saved = store.latest({ kind: 'agency', id: 'test-body' });
    expect(saved).toMatchObject({ editedBy: ADMIN, editedAt: NOW, contact: { desk: '経営支援課', phone: '099-222-2222', checkedOn: '2026-11-27', source: 'https://example.jp/access/' } });

    const line = await app.fake.waitFor(() => app.logs.find((l) => l.name === CONTACT_EDIT_CALLBACK && l.outcome === 'saved'));
    expect(line).toMatchObject({ kind: 'view', user: ADMIN, target: 'agency:test-body', fields: ['desk', 'phone', 'url', 'hours', 'source', 'checkedOn'] });
    const logged = app.rawLogs.join('\n');
    for (const value of ['099-222-2222', '２２２２', '経営支援課', 'example.jp', '8:30']) expect(logged).not.toContain(value);

    // Everyone's card now shows the edit, over the YAML, entered by staff (no mention: shared
    // into a channel, it pinged the editor).
    const card = readText(await details(ADVISOR));
    expect(card).toContain('電話: 099-222-2222');
    expect(card).toContain('窓口: 経営支援課');
    expect(card).toContain('確認 2026-11-27（<https://example.jp/access/|出典>）');
    expect(card).toContain('登録: スタッフ 2026-11-27');
    expect(card).not.toContain(`<@${ADMIN}>`);
    // Shared into a channel by an advisor: the one mention is the sharer's.
    await app.click(blockAction({ action_id: ACTIONS.share, value: PROGRAM_ID, user_id: ADVISOR, channel_id: 'C0TEAM' }));
    const post = await app.fake.waitFor(() => app.fake.callsTo('chat.postMessage')[0]);
    expect(JSON.stringify(post.body).match(/<@U[A-Z0-9]+>/g)).toEqual([`<@${ADVISOR}>`]);
    expect(card).not.toContain('連絡先未登録');

    // The next form starts from the stored contact.
    const view = await openForm(ADMIN);
    expect(JSON.stringify(view)).toContain('"initial_value":"099-222-2222"');
  });

  it('refuses a form whose target is not in the catalog', async () => {
    const http = await app.click(submission(ADMIN, FORM, { target: 'agency:no-such-body', openedBy: ADMIN }));
    expect(readText((http.json as { view: unknown }).view)).toContain('カタログにありません');
  });
});

describe('what a saved contact claims', () => {
  const TARGET = `program:${PROGRAM_ID}`;
  /** The form `user` gets for the program's own desk: its metadata and the values it starts with. */
  async function formFor(user: string): Promise<{ metadata: Record<string, unknown>; values: Record<string, string | null> }> {
    app.fake.reset();
    const view = (await openForm(user, TARGET)) as { private_metadata: string; blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> };
    const values = Object.fromEntries(view.blocks.filter((b) => b.element).map((b) => [b.block_id!, b.element!.initial_value ?? null]));
    return { metadata: JSON.parse(view.private_metadata) as Record<string, unknown>, values };
  }
  const save = async (user: string, values: Record<string, string | null>, metadata: Record<string, unknown>) =>
    (await app.click(submission(user, values, metadata))).json as { response_action: string; errors?: Record<string, string> };
  const target = { kind: 'program' as const, id: PROGRAM_ID };
  const first = { ...FORM, desk: '創業支援係', source: 'https://example.jp/sogyo/', checkedOn: '2026-06-01' };

  it('a changed value needs a new check date: the old source is not shown as having given it on the old day', async () => {
    const opened = await formFor(ADMIN);
    expect((await save(ADMIN, first, opened.metadata)).response_action).toBe('update');
    // Opened again: the check date is filled in, so saving it unchanged keeps it (it became today).
    const again = await formFor(ADMIN);
    expect(again.values).toMatchObject({ desk: '創業支援係', source: 'https://example.jp/sogyo/', checkedOn: '2026-06-01' });
    expect((await save(ADMIN, again.values, again.metadata)).response_action).toBe('update');
    expect(store.latest(target)?.contact.checkedOn).toBe('2026-06-01');
    // A new phone under the same source and date is refused, on the date's field.
    const changed = await formFor(ADMIN);
    const refused = await save(ADMIN, { ...changed.values, phone: '099-999-9999' }, changed.metadata);
    expect(refused.response_action).toBe('errors');
    expect(Object.keys(refused.errors ?? {})).toEqual(['checkedOn']);
    expect(refused.errors!.checkedOn).toContain('2026-11-27');
    expect(store.latest(target)?.contact.phone).toBe('099-222-2222');
    // With the day it was checked, it is saved and the card says so.
    expect((await save(ADMIN, { ...changed.values, phone: '099-999-9999', checkedOn: '2026-11-27' }, changed.metadata)).response_action).toBe('update');
    const card = readText(await details(ADVISOR));
    expect(card).toContain('電話: 099-999-9999');
    expect(card).toContain('確認 2026-11-27（<https://example.jp/sogyo/|出典>）');
  });

  it('two staff editing at once: the second save is refused, saying why, and the first one stays', async () => {
    const a = await formFor(ADMIN);
    const b = await formFor(OTHER_ADMIN);
    expect((await save(ADMIN, { ...a.values, hours: '平日 9:00〜16:00', checkedOn: '2026-11-27' }, a.metadata)).response_action).toBe('update');
    const second = await save(OTHER_ADMIN, { ...b.values, note: '予約制', checkedOn: '2026-11-27' }, b.metadata);
    expect(second.response_action).toBe('errors');
    expect(second.errors?.source).toMatch(/ほかのスタッフが 2026-11-27 12:00 に連絡先を保存しました。キャンセルして開き直す/);
    expect(store.latest(target)?.contact).toMatchObject({ hours: '平日 9:00〜16:00' });
    expect(store.latest(target)?.contact.note).toBeUndefined();
    // Opened again, B starts from A's edit and can save.
    const fresh = await formFor(OTHER_ADMIN);
    expect((await save(OTHER_ADMIN, { ...fresh.values, note: '予約制', checkedOn: '2026-11-27' }, fresh.metadata)).response_action).toBe('update');
    expect(store.latest(target)?.contact).toMatchObject({ hours: '平日 9:00〜16:00', note: '予約制' });
  });

  it('what the form accepts, the card shows whole: a 400-character note, a 190-character address, a 477-character source with 110 &', async () => {
    const opened = await formFor(ADMIN);
    const source = 'https://www.pref.kagoshima.jp/search?' + 'k=v&'.repeat(110);
    expect(source.length).toBe(477);
    const note = '事前に電話で予約してください。'.repeat(26) + '以上';
    const address = '鹿児島県鹿児島市'.repeat(23) + '一丁目';
    expect(note.length).toBeGreaterThan(390);
    const saved = await save(ADMIN, { ...opened.values, note, address, source, checkedOn: '2026-11-27' }, opened.metadata);
    expect(saved.response_action).toBe('update');
    const card = readText(await details(ADVISOR));
    expect(card).toContain(note);
    expect(card).toContain(address);
    expect(card).toContain(`<${source.replace(/&/g, '&amp;')}|出典>`);
  });

  it('refuses control characters, a scheme in full-width letters and a web address without https://, each under its field', async () => {
    const opened = await formFor(ADMIN);
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ desk: '経営\u0000支援課' }, 'desk', /窓口 \(desk\)に制御文字/],
      [{ source: 'https://example.jp/\u001b]8;;https://evil.example\u0007' }, 'source', /出典 \(source\)に制御文字/],
      [{ source: 'ｊａｖａｓｃｒｉｐｔ:alert(1)' }, 'source', /http:\/\/ か https:\/\/ で始まる形/],
      [{ source: 'www.navitime.co.jp/poi?id=jetro' }, 'source', /http:\/\/ か https:\/\/ で始まる形/],
    ];
    for (const [change, field, message] of cases) {
      const refused = await save(ADMIN, { ...opened.values, ...change, checkedOn: '2026-11-27' }, opened.metadata);
      expect(refused.response_action, JSON.stringify(change)).toBe('errors');
      expect(refused.errors?.[field]).toMatch(message);
    }
    // A document's name is still a source.
    expect((await save(ADMIN, { ...opened.values, source: '令和5年度 商工業振興プラン (資料３－４)', checkedOn: '2026-11-27' }, opened.metadata)).response_action).toBe('update');
  });
});

describe('the agency view (/支援 機関:<name> with no other words)', () => {
  it('shows the body and its contact (staff edit included) before its programs; the edit button only to staff', async () => {
    const asked = async (user: string, text: string) => {
      const { responseId } = await app.command(text, { user });
      return responseTo(app, responseId);
    };
    const staff = await asked(ADMIN, '機関:テスト支援機関');
    const blocks = staff.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]!.text!.text).toBe('*実施機関: テスト支援機関*（団体）　事業 1 件');
    const text = readText(staff);
    expect(text).toContain('*連絡先*\nテスト支援機関');
    expect(text).toContain('電話: 099-222-2222'); // the edit stored above, over the YAML
    expect(text).toContain(`登録: <@${ADMIN}> 2026-11-27`);
    expect(text.indexOf('連絡先')).toBeLessThan(text.indexOf('創業支援事業'));
    expect(buttonsOf(staff).filter((b) => b.action_id === CONTACT_EDIT_ACTION).map((b) => b.value)).toEqual(['agency:test-body']);

    const advisor = await asked(ADVISOR, '機関：テスト機関'); // an alias, full-width colon
    expect(readText(advisor)).toContain('*実施機関: テスト支援機関*');
    expect(buttonsOf(advisor).filter((b) => b.action_id === CONTACT_EDIT_ACTION)).toEqual([]);

    // With other words it is a search like any other.
    expect(readText(await asked(ADMIN, '機関:テスト支援機関 創業'))).not.toContain('*実施機関:');
  });

  it("App Home's agency button opens the same view, with the edit button for staff, and the edit pushes the form on it", async () => {
    const home = { id: 'V0HOME', type: 'home', blocks: [] };
    await app.click(blockAction({ action_id: 'browse_agency:0', value: 'テスト支援機関', user_id: ADMIN, view: home }));
    const opened = await app.fake.waitFor(() => app.fake.callsTo('views.open')[0]);
    const view = opened.body.view as Record<string, unknown>;
    expect(readText(view)).toContain('*実施機関: テスト支援機関*');
    expect(readText(view)).toContain('電話: 099-222-2222');
    expect(buttonsOf(view).filter((b) => b.action_id === CONTACT_EDIT_ACTION).map((b) => b.value)).toEqual(['agency:test-body']);

    // 連絡先を編集 inside that modal: the form goes on top of it.
    await app.click(blockAction({ action_id: CONTACT_EDIT_ACTION, value: 'agency:test-body', user_id: ADMIN, view: { ...view, id: 'V0AGENCY' } }));
    const pushed = await app.fake.waitFor(() => app.fake.callsTo('views.push')[0]);
    expect((pushed.body.view as { callback_id?: string }).callback_id).toBe(CONTACT_EDIT_CALLBACK);

    app.fake.reset();
    await app.click(blockAction({ action_id: 'browse_agency:0', value: 'テスト支援機関', user_id: ADVISOR, view: home }));
    const advisorView = (await app.fake.waitFor(() => app.fake.callsTo('views.open')[0])).body.view;
    expect(readText(advisorView)).toContain('*実施機関: テスト支援機関*');
    expect(buttonsOf(advisorView).filter((b) => b.action_id === CONTACT_EDIT_ACTION)).toEqual([]);
  });
});

describe('SHIEN_ADMIN_USERS', () => {
  it('reads comma-separated user ids, and refuses a name with one line naming the variable', () => {
    expect([...loadAdminUsers({ SHIEN_ADMIN_USERS: ' U0ADMIN, W0GRID ,,' })]).toEqual(['U0ADMIN', 'W0GRID']);
    expect(loadAdminUsers({}).size).toBe(0);
    expect(() => loadAdminUsers({ SHIEN_ADMIN_USERS: 'U0ADMIN,@tanaka' })).toThrow(ConfigError);
    expect(() => loadAdminUsers({ SHIEN_ADMIN_USERS: '@tanaka' })).toThrow(/^設定エラー: SHIEN_ADMIN_USERS /);
  });
});
