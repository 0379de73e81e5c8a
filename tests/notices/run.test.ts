import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import { MORE_PAGE_SIZE, NOTICE_MORE_ACTION, parseMoreValue, renderDigestMore } from '../../src/notices/digest.js';
import { describeNoticeStatus } from '../../src/notices/status.js';
import { INVITE_HINT, LEASE_NAME, LEASE_TTL_MS, runNotices, type PostMessage, type PostResult, type RunNoticesOptions, type RunResult } from '../../src/notices/run.js';
import { lastDueAt } from '../../src/notices/schedule.js';
import { createNoticeService } from '../../src/notices/service.js';
import { MessageSchema } from '../../src/slack/blocks.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { forEachBackend } from './backends.js';
import { addProgram, BUNDLED_PROGRAMS, CATALOG_FILE, detailButtons, displayed, editFile, manualClock, memorySlack, workspace } from './support.js';

const jst = (local: string) => new Date(`${local}+09:00`);

afterEach(() => {
  vi.useRealTimers();
});

/** The programs a digest shows in full (their 詳細 buttons). */
const shownIds = (message: { blocks?: unknown }) => detailButtons(message).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value);
/** The 「ほか N 件を見る」 / 「次の40件」 button of a message, if any. */
const moreButton = (message: { blocks?: unknown }) => detailButtons(message).find((b) => b.action_id === NOTICE_MORE_ACTION);

/** A post that waits until the test lets it answer (a hung Slack). */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  let entered!: () => void;
  const reached = new Promise<void>((resolve) => {
    entered = resolve;
  });
  return { opened, reached, release: () => release(), enter: () => entered() };
}

const NEW = { id: 'p-new-program-001', name: '新しいテスト補助金', agency: '県産業立地課', budgetThousandYen: 3000, overview: '新しく始まる補助金です。詳しくは窓口へ。' };

// Every test of the runner and the service, on SQLite and on PostgreSQL (issue 14).
forEachBackend((backend) => {
  /**
   * A place for the store (data dir, or a fresh PostgreSQL database), a catalog copy, one
   * channel subscribed by command and one by configuration. `open()` is another process's store
   * on the same place; `serviceStore` what a notice service would open there.
   */
  async function setup() {
    const ws = await workspace();
    const place = await backend.place();
    const store = await backend.open(place);
    const open = () => backend.open(place);
    const serviceStore = async () => (backend.name === 'sqlite' ? {} : { store: await open() });
    const slack = memorySlack();
    const clock = manualClock('2026-11-24T09:00:00+09:00');
    const run = (extra: Partial<RunNoticesOptions> = {}) =>
      runNotices({ store, catalogDir: ws.catalogDir, post: slack.post, now: clock.now, trigger: 'once', configChannels: ['C0CONFIG'], holder: 'bot-1', ...extra });
    return { ...ws, dataDir: place.dataDir, store, open, serviceStore, slack, clock, run };
  }

  describe('runNotices', () => {
    it('baseline: the first run subscribes configured channels and posts nothing', async () => {
      const t = await setup();
      const ids = (await loadCatalog(t.catalogDir)).programs.map((p) => p.id);
      await t.store.subscribe('C0COMMAND', ids, { source: 'command', by: 'U1', now: t.clock.now() });

      const result = await t.run();
      expect(result).toMatchObject({ status: 'ok', posted: 0, failed: 0, catalogSize: BUNDLED_PROGRAMS, config: { added: ['C0CONFIG'], off: [] } });
      expect(result.channels).toEqual([
        { channel: 'C0COMMAND', newCount: 0, posted: false, programIds: [] },
        { channel: 'C0CONFIG', newCount: 0, posted: false, programIds: [] },
      ]);
      expect(t.slack.posts).toEqual([]);
      expect(await t.store.status('C0CONFIG')).toMatchObject({ active: true, source: 'config', known: BUNDLED_PROGRAMS });
      expect(await t.store.run(result.runId)).toMatchObject({ trigger: 'once', status: 'ok', posted: 0, failed: 0, holder: expect.stringMatching(/^bot-1#/) });
    });

    it('one new program: exactly one digest to each subscribed channel, then nothing the next run', async () => {
      const t = await setup();
      await t.run(); // baseline for C0CONFIG
      await t.run({ configChannels: ['C0CONFIG', 'C0SECOND'] });
      await t.store.subscribe('C0OFF', [], { source: 'command', now: t.clock.now() });
      await t.store.unsubscribe('C0OFF', { source: 'command', now: t.clock.now() });
      await addProgram(t.catalogFile, NEW);
      t.clock.advance(86_400_000);

      const result = await t.run({ configChannels: ['C0CONFIG', 'C0SECOND'] });
      expect(result).toMatchObject({ status: 'ok', posted: 2, failed: 0, catalogSize: BUNDLED_PROGRAMS + 1 });
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG', 'C0SECOND']);
      for (const { message } of t.slack.posts) {
        expect(MessageSchema.safeParse(message).success).toBe(true);
        expect(displayed(message)).toContain('新しく追加された支援事業 (2026年11月25日・1 件)');
        expect(displayed(message)).toContain('*新しいテスト補助金*\\n県産業立地課　｜　300万円\\n> 新しく始まる補助金です。詳しくは窓口へ。');
        expect(detailButtons(message)).toEqual([expect.objectContaining({ action_id: 'program_details', value: NEW.id })]);
      }
      expect(result.channels.find((c) => c.channel === 'C0CONFIG')).toMatchObject({ newCount: 1, posted: true, programIds: [NEW.id], ts: expect.any(String) });

      t.slack.clear();
      const again = await t.run({ configChannels: ['C0CONFIG', 'C0SECOND'] });
      expect(again).toMatchObject({ status: 'ok', posted: 0, failed: 0 });
      expect(t.slack.posts).toEqual([]);
    });

    it('a token Slack refuses stops the posts at the first channel; every channel records why', async () => {
      const t = await setup();
      await t.run({ configChannels: ['C0CONFIG', 'C0SECOND', 'C0THIRD'] });
      await addProgram(t.catalogFile, NEW);
      t.clock.advance(86_400_000);
      t.slack.fail('C0CONFIG', 'token_revoked');
      const result = await t.run({ configChannels: ['C0CONFIG', 'C0SECOND', 'C0THIRD'] });
      // One call to Slack, not one per channel; all three say the token was refused.
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG']);
      expect(result).toMatchObject({ status: 'failed', posted: 0, failed: 3 });
      expect(result.channels.map((c) => [c.channel, c.error])).toEqual([['C0CONFIG', 'token_revoked'], ['C0SECOND', 'token_revoked'], ['C0THIRD', 'token_revoked']]);
      expect((await t.store.status('C0THIRD')).lastPost).toMatchObject({ ok: false, error: 'token_revoked' });
      // The token fixed: the next run posts to all three, each once.
      t.slack.heal('C0CONFIG');
      t.slack.clear();
      expect(await t.run({ configChannels: ['C0CONFIG', 'C0SECOND', 'C0THIRD'] })).toMatchObject({ status: 'ok', posted: 3 });
    });

    it('a channel Slack says is archived is turned off when another channel got its digest; with none, it is kept; channel_not_found is kept', async () => {
      const t = await setup();
      const channels = ['C0CONFIG', 'C0GONE', 'C0ARCHIVED'];
      await t.run({ configChannels: channels });
      await addProgram(t.catalogFile, NEW);
      t.clock.advance(86_400_000);
      // Only gone channels failing, nothing proves the token right: kept (a wrong workspace would unsubscribe everyone).
      t.slack.fail('C0CONFIG', 'channel_not_found');
      t.slack.fail('C0GONE', 'channel_not_found');
      t.slack.fail('C0ARCHIVED', 'is_archived');
      const unproven = await t.run({ configChannels: channels });
      expect(unproven.channels.map((c) => c.turnedOff)).toEqual([undefined, undefined, undefined]);
      expect((await t.store.status('C0GONE')).active).toBe(true);
      // C0CONFIG posts: the other two were retried every day, forever; now they are turned off.
      t.slack.heal('C0CONFIG');
      const result = await t.run({ configChannels: channels });
      // channel_not_found is also what a private channel the bot was removed from answers: kept (its people may invite it back).
      expect(result.channels.map((c) => [c.channel, c.posted, c.turnedOff])).toEqual([['C0ARCHIVED', false, true], ['C0CONFIG', true, undefined], ['C0GONE', false, undefined]]);
      expect((await t.store.status('C0GONE')).active).toBe(true);
      const archived = await t.store.status('C0ARCHIVED');
      expect(archived).toMatchObject({ active: false, source: 'slack', by: 'is_archived' });
      expect(describeNoticeStatus(archived, '09:00')).toContain('*オフ* (2026年11月25日 09:00 から・Slack が「is_archived」と答えたため自動で停止)');
      // The archived one is not tried again; the configuration does not turn it back on.
      t.slack.heal('C0GONE');
      t.slack.clear();
      t.clock.advance(86_400_000);
      await addProgram(t.catalogFile, { ...NEW, id: 'p-new-program-002', name: 'もう一つの補助金' });
      expect(await t.run({ configChannels: channels })).toMatchObject({ status: 'ok', posted: 2 });
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG', 'C0GONE']);
    });

    it('a channel that subscribes later is not told about programs added before', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const ids = (await loadCatalog(t.catalogDir)).programs.map((p) => p.id);
      await t.store.subscribe('C0LATE', ids, { source: 'home', by: 'U2', now: t.clock.now() });
      await t.run();
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG']);
    });

    it('a failed post ({ok:false}) is not recorded: the next run posts it, and the one after does not', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      t.slack.fail('C0CONFIG', 'not_in_channel');

      const failed = await t.run();
      expect(failed).toMatchObject({ status: 'failed', posted: 0, failed: 1 });
      expect(failed.channels).toEqual([
        { channel: 'C0CONFIG', newCount: 1, posted: false, programIds: [NEW.id], error: 'not_in_channel', hint: INVITE_HINT },
      ]);
      expect(await t.store.run(failed.runId)).toMatchObject({ status: 'failed', failed: 1, error: 'C0CONFIG: not_in_channel' });
      expect((await t.store.status('C0CONFIG')).lastPost).toMatchObject({ ok: false, error: 'not_in_channel', programs: 1 });

      t.slack.heal('C0CONFIG');
      t.slack.clear();
      const retried = await t.run();
      expect(retried).toMatchObject({ status: 'ok', posted: 1, failed: 0 });
      expect(t.slack.posts).toHaveLength(1);
      expect(detailButtons(t.slack.posts[0]!.message).map((b) => b.value)).toEqual([NEW.id]);

      t.slack.clear();
      await t.run();
      expect(t.slack.posts).toEqual([]);
    });

    it('one channel failing does not hold back the others (status partial)', async () => {
      const t = await setup();
      await t.run({ configChannels: ['C0AAA', 'C0BBB'] });
      await addProgram(t.catalogFile, NEW);
      t.slack.fail('C0AAA', 'is_archived');
      const result = await t.run({ configChannels: ['C0AAA', 'C0BBB'] });
      expect(result).toMatchObject({ status: 'partial', posted: 1, failed: 1 });
      expect(result.channels[0]).toMatchObject({ channel: 'C0AAA', posted: false, error: 'is_archived', hint: expect.stringContaining('アーカイブ') });
      expect(result.channels[1]).toMatchObject({ channel: 'C0BBB', posted: true });
    });

    it('a post function that throws counts as a failed post, not a dead run', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const result = await t.run({
        post: async () => {
          throw new Error('socket hang up');
        },
      });
      expect(result).toMatchObject({ status: 'failed', failed: 1 });
      expect(result.channels[0]).toMatchObject({ posted: false, error: 'socket hang up' });
      expect((await t.store.acquireLease(LEASE_NAME, 'someone-else', 1000, t.clock.now())).acquired).toBe(true); // released
    });

    it('a broken catalog file: nothing posted, status catalog-error, the problem names the file and field', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      await editFile(t.catalogFile, 'budgetThousandYen: 146520', 'budgetThousandYen: abc');

      const logged: Array<{ level: string; msg?: string; obj: object }> = [];
      const log = {
        info: (obj: object, msg?: string) => logged.push({ level: 'info', obj, msg }),
        warn: (obj: object, msg?: string) => logged.push({ level: 'warn', obj, msg }),
        error: (obj: object, msg?: string) => logged.push({ level: 'error', obj, msg }),
      };
      const result = await t.run({ log });
      expect(result.status).toBe('catalog-error');
      expect(t.slack.posts).toEqual([]);
      expect(logged).toEqual([expect.objectContaining({ level: 'error', msg: 'notices: catalog refused, nothing posted' })]);
      expect(result.channels).toEqual([]);
      expect(result.catalogProblems).toEqual([expect.objectContaining({ file: CATALOG_FILE, line: 7, field: 'budgetThousandYen' })]);
      expect(await t.store.run(result.runId)).toMatchObject({ status: 'catalog-error', posted: 0 });
      expect((await t.store.run(result.runId))?.error).toContain(`${CATALOG_FILE}:7 1 件目 budgetThousandYen`);

      // Fixed: the program added meanwhile is announced, once.
      await editFile(t.catalogFile, 'budgetThousandYen: abc', 'budgetThousandYen: 146520');
      const fixed = await t.run();
      expect(fixed).toMatchObject({ status: 'ok', posted: 1 });
      expect(detailButtons(t.slack.posts[0]!.message).map((b) => b.value)).toEqual([NEW.id]);
    });

    it('a broken extra file is named, and a missing catalog directory is a catalog problem too', async () => {
      const t = await setup();
      await writeFile(path.join(t.catalogDir, 'extra.yaml'), '- name: 壊れた事業\n  agency: 県\n  budgetThousandYen: abc\n');
      const broken = await t.run();
      expect(broken.status).toBe('catalog-error');
      expect(broken.catalogProblems?.map((p) => p.file)).toEqual(['extra.yaml']);

      const missing = await t.run({ catalogDir: path.join(t.catalogDir, 'nowhere') });
      expect(missing.status).toBe('catalog-error');
      expect(missing.catalogProblems?.[0]?.file).toBe(path.join(t.catalogDir, 'nowhere'));
      expect(t.slack.posts).toEqual([]);
    });

    it('with needs.yaml, a program naming a need the file lacks is a catalog problem (search refuses it too): nothing posted', async () => {
      const t = await setup();
      await t.run();
      await writeFile(path.join(t.catalogDir, 'extra.yaml'), '- name: 新しい事業\n  agency: 県\n  needs: [海外に輸出したい, 運転資金を借りる]\n');
      const needsFile = fileURLToPath(new URL('../../seeds/needs.yaml', import.meta.url)); // the bundled catalog's
      const refused = await t.run({ needsFile });
      expect(refused.status).toBe('catalog-error');
      expect(refused.catalogProblems).toEqual([expect.objectContaining({ file: 'extra.yaml', line: 3, field: 'needs.1' })]);
      expect(t.slack.posts).toEqual([]);
      // No needs.yaml (an older seeds directory): nothing checks the needs, and the program is announced.
      expect(await t.run()).toMatchObject({ status: 'ok', posted: 1 });
    });

    it('another process holds the lease: skipped, no posts; once it expires the run goes ahead', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const other = await t.open();
      expect((await other.acquireLease(LEASE_NAME, 'bot-2', 60_000, t.clock.now())).acquired).toBe(true);

      const skipped = await t.run();
      expect(skipped).toMatchObject({ status: 'skipped', skipped: { reason: 'lease', holder: 'bot-2' }, posted: 0 });
      expect(t.slack.posts).toEqual([]);
      expect(await t.store.run(skipped.runId)).toMatchObject({ status: 'skipped', error: expect.stringContaining('bot-2') });
      // The lease is still bot-2's: the skipped run did not release it.
      expect((await other.acquireLease(LEASE_NAME, 'bot-3', 60_000, t.clock.now())).acquired).toBe(false);

      t.clock.advance(60_001);
      const ran = await t.run();
      expect(ran).toMatchObject({ status: 'ok', posted: 1 });
    });

    it('two bots whose timers fire for the same slot: the second finds it done and posts nothing', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const slot = jst('2026-11-24T09:00:00');
      const otherStore = await t.open();

      const first = await t.run({ trigger: 'schedule', scheduledFor: slot });
      const second = await runNotices({ store: otherStore, catalogDir: t.catalogDir, post: t.slack.post, now: t.clock.now, trigger: 'schedule', scheduledFor: slot, configChannels: ['C0CONFIG'], holder: 'bot-2' });
      expect(first).toMatchObject({ status: 'ok', posted: 1 });
      expect(second).toMatchObject({ status: 'skipped', skipped: { reason: 'already-ran', runId: first.runId } });
      expect(t.slack.posts).toHaveLength(1);
    });

    it('two bots racing for the same slot at the same moment post it once', async () => {
      const t = await setup();
      await t.run({ configChannels: ['C0AAA', 'C0BBB', 'C0CCC'] });
      await addProgram(t.catalogFile, NEW);
      const slot = jst('2026-11-24T09:00:00');
      const otherStore = await t.open();
      // A slow Slack keeps the first run inside its lease while the second one starts.
      const slow = memorySlack();
      const slowPost: typeof slow.post = async (channel, message) => {
        await new Promise((r) => setTimeout(r, 30));
        return slow.post(channel, message);
      };
      const common = { catalogDir: t.catalogDir, post: slowPost, now: t.clock.now, trigger: 'schedule' as const, scheduledFor: slot, configChannels: ['C0AAA', 'C0BBB', 'C0CCC'] };
      const [a, b] = await Promise.all([runNotices({ ...common, store: t.store, holder: 'bot-1' }), runNotices({ ...common, store: otherStore, holder: 'bot-2' })]);
      expect([a.status, b.status].sort()).toEqual(['ok', 'skipped']);
      expect(slow.posts.map((p) => p.channel)).toEqual(['C0AAA', 'C0BBB', 'C0CCC']);
    });

    it('two runs in one process (the schedule and a "run now") exclude each other too', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const [a, b] = await Promise.all([t.run(), t.run()]);
      expect([a.status, b.status].sort()).toEqual(['ok', 'skipped']);
      expect(t.slack.posts).toHaveLength(1);
    });

    it('more new programs than fit: one message, the first ones in full and 「ほか N 件」; all count as told', async () => {
      const t = await setup();
      await t.run();
      for (let i = 0; i < 40; i++) await addProgram(t.catalogFile, { id: `p-bulk-${String(i).padStart(3, '0')}`, name: `一括追加の事業${i}` });
      const result = await t.run();
      expect(result.channels[0]).toMatchObject({ newCount: 40, posted: true });
      expect(t.slack.posts).toHaveLength(1);
      const m = t.slack.posts[0]!.message;
      expect(MessageSchema.safeParse(m).success).toBe(true);
      const shown = shownIds(m).length;
      expect(displayed(m)).toContain(`ほか ${40 - shown} 件: 一括追加の事業${shown}、`);
      t.slack.clear();
      await t.run();
      expect(t.slack.posts).toEqual([]);
    });

    it('more new programs than fit: 「ほか N 件を見る」 lists every one of them, from what the run recorded', async () => {
      const t = await setup();
      await t.run();
      const bulk = Array.from({ length: 70 }, (_, i) => ({ id: `p-bulk-${String(i).padStart(3, '0')}`, name: `一括追加の事業${i} & 関連` }));
      for (const p of bulk) await addProgram(t.catalogFile, p);
      const result = await t.run();
      const m = t.slack.posts[0]!.message;
      const shown = shownIds(m);
      expect(shown).toEqual(bulk.slice(0, shown.length).map((p) => p.id));

      // The digest says how to see the rest, and the button carries this run and channel.
      expect(displayed(m)).toContain(`「ほか ${70 - shown.length} 件を見る」で残りの ${70 - shown.length} 件を一覧できます`);
      expect(displayed(m)).not.toContain('で検索できます');
      const button = moreButton(m)!;
      expect(button).toMatchObject({ action_id: 'notice_more', text: { text: `ほか ${70 - shown.length} 件を見る` } });
      const state = parseMoreValue(button.value)!;
      expect(state).toEqual({ runId: result.runId, channel: 'C0CONFIG', offset: shown.length });

      // What the listener does: the run's programs from the store, looked up in the catalog.
      const announced = await t.store.announcedIn(state.runId, state.channel);
      expect(announced).toEqual(bulk.map((p) => p.id));
      const byId = new Map((await loadCatalog(t.catalogDir)).programs.map((p) => [p.id, p]));
      const programs = announced.map((id) => byId.get(id)!);
      const listed: string[] = [];
      let page = renderDigestMore(programs, state);
      for (let i = 0; i < 10; i++) {
        expect(MessageSchema.safeParse(page).success).toBe(true);
        listed.push(...shownIds(page));
        const next = moreButton(page);
        if (!next) break;
        page = renderDigestMore(programs, parseMoreValue(next.value)!);
      }
      expect(listed).toEqual(bulk.slice(shown.length).map((p) => p.id));
      expect(70 - shown.length).toBeGreaterThan(MORE_PAGE_SIZE); // two pages were needed
    });

    it('a signal stops the run between channels: what Slack confirmed stays announced, the run stays unfinished, the lease is released', async () => {
      const t = await setup();
      const channels = ['C0AAA', 'C0BBB', 'C0CCC'];
      const slot = jst('2026-11-24T09:00:00');
      await t.run({ configChannels: channels });
      await addProgram(t.catalogFile, NEW);
      const controller = new AbortController();
      const post: PostMessage = async (channel, message) => {
        const answer = await t.slack.post(channel, message);
        controller.abort(); // the bot is told to stop while the first post is on its way
        return answer;
      };

      const result = await t.run({ configChannels: channels, trigger: 'schedule', scheduledFor: slot, post, signal: controller.signal });
      expect(result).toMatchObject({ status: 'aborted', posted: 1, failed: 0, aborted: { remaining: ['C0BBB', 'C0CCC'] } });
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0AAA']);
      const record = (await t.store.run(result.runId))!;
      expect(record.finishedAt).toBeUndefined();
      expect(record.status).toBeUndefined();
      expect(record).toMatchObject({ posted: 1, error: expect.stringContaining('停止のため中断しました') });
      expect(await t.store.lastScheduledRunFor(slot)).toBeUndefined(); // the slot is still owed
      expect((await t.store.acquireLease(LEASE_NAME, 'someone-else', 1000, t.clock.now())).acquired).toBe(true);
      await t.store.releaseLease(LEASE_NAME, 'someone-else');

      // The restart's catch-up posts to the channels that did not get it, and only to them.
      t.slack.clear();
      const again = await t.run({ configChannels: channels, trigger: 'missed', scheduledFor: slot });
      expect(again).toMatchObject({ status: 'ok', posted: 2 });
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0BBB', 'C0CCC']);
    });

    it('an already aborted signal posts nothing and leaves the run unfinished', async () => {
      const t = await setup();
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const result = await t.run({ signal: AbortSignal.abort() });
      expect(result).toMatchObject({ status: 'aborted', posted: 0, aborted: { remaining: ['C0CONFIG'] } });
      expect(t.slack.posts).toEqual([]);
      expect((await t.store.run(result.runId))?.finishedAt).toBeUndefined();
    });

    it('each run prunes runs and posts older than 90 days, keeping what announced programs and the latest post', async () => {
      const t = await setup();
      t.clock.set('2026-06-01T09:00:00+09:00');
      await t.run();
      await addProgram(t.catalogFile, NEW);
      const announcing = await t.run({ trigger: 'schedule', scheduledFor: jst('2026-06-01T09:00:00') }); // posts NEW to C0CONFIG
      t.clock.set('2026-06-02T09:00:00+09:00');
      const quiet = await t.run({ trigger: 'schedule', scheduledFor: jst('2026-06-02T09:00:00') }); // nothing new

      t.clock.set('2026-11-24T09:00:00+09:00');
      const today = await t.run({ trigger: 'schedule', scheduledFor: jst('2026-11-24T09:00:00') });
      expect(await t.store.run(quiet.runId)).toBeUndefined();
      expect(await t.store.run(announcing.runId)).toBeDefined(); // its announced rows (and the channel's last post) refer to it
      expect((await t.store.status('C0CONFIG')).lastPost).toMatchObject({ runId: announcing.runId, ok: true });
      expect(await t.store.run(today.runId)).toMatchObject({ status: 'ok' });
      expect(await t.store.unannounced('C0CONFIG', [NEW.id])).toEqual([]);
    });
  });

  describe('the notice service (scheduler + store + runner, as the bot wires them)', () => {
    it('down at 09:00: the bot started at 10:00 runs the missed slot once; a restart at 10:30 does not run it again', async () => {
      const t = await setup();
      const yesterday = jst('2026-11-23T09:00:00');
      await t.run({ trigger: 'schedule', scheduledFor: yesterday });
      await addProgram(t.catalogFile, NEW);
      t.clock.set('2026-11-24T10:00:00+09:00');

      const boot = async () =>
        createNoticeService({
          ...(await t.serviceStore()),
          config: { dataDir: t.dataDir, channels: ['C0CONFIG'], at: '09:00' },
          catalogDir: t.catalogDir,
          post: t.slack.post,
          clock: { now: t.clock.now },
        });
      const first = await boot();
      await expect(first.start()).resolves.toBe('missed');
      await first.stop();
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG']);
      expect(await t.store.lastScheduledRun()).toMatchObject({ trigger: 'missed', status: 'ok', scheduledFor: jst('2026-11-24T09:00:00') });
      expect(lastDueAt('09:00', t.clock.now())).toEqual(jst('2026-11-24T09:00:00'));

      t.clock.set('2026-11-24T10:30:00+09:00');
      const second = await boot();
      await expect(second.start()).resolves.toBeUndefined();
      expect(second.scheduler.nextRun()).toEqual(jst('2026-11-25T09:00:00'));
      await second.stop();
      expect(t.slack.posts).toHaveLength(1);
    });

    it('the bot died mid-run at 09:00:30 and restarted at 09:00:35: the catch-up is skipped for the dead lease, then retried when it expires', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const t = await setup();
      const slot = jst('2026-11-24T09:00:00');
      await t.run({ trigger: 'schedule', scheduledFor: jst('2026-11-23T09:00:00') });
      await addProgram(t.catalogFile, NEW);

      // The dead process: its run started at 09:00:00, it renewed its lease before a post at 09:00:30 and died.
      t.clock.set('2026-11-24T09:00:00+09:00');
      const dead = await t.store.startRun({ trigger: 'schedule', scheduledFor: slot, holder: 'bot-dead#1', now: t.clock.now() });
      t.clock.set('2026-11-24T09:00:30+09:00');
      const expires = (await t.store.acquireLease(LEASE_NAME, 'bot-dead#1', LEASE_TTL_MS, t.clock.now())).expiresAt;
      expect(LEASE_TTL_MS).toBeLessThanOrEqual(2 * 60_000);

      t.clock.set('2026-11-24T09:00:35+09:00');
      const runs: RunResult[] = [];
      const service = createNoticeService({
        ...(await t.serviceStore()),
        config: { dataDir: t.dataDir, channels: ['C0CONFIG'], at: '09:00' },
        catalogDir: t.catalogDir,
        post: t.slack.post,
        clock: { now: t.clock.now },
        onRun: (r) => runs.push(r),
      });
      await expect(service.start()).resolves.toBe('missed');
      expect(runs.map((r) => r.status)).toEqual(['skipped']);
      expect(t.slack.posts).toEqual([]);
      expect(service.scheduler.nextRetry()).toEqual(new Date(expires.getTime() + 1000));

      // Just before the lease expires: nothing yet.
      const wait = expires.getTime() + 1000 - t.clock.now().getTime();
      t.clock.advance(wait - 1);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(runs).toHaveLength(1);
      t.clock.advance(1);
      await vi.advanceTimersByTimeAsync(1);
      await service.scheduler.idle();
      expect(runs.map((r) => r.status)).toEqual(['skipped', 'ok']);
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0CONFIG']);
      expect(await t.store.lastScheduledRun()).toMatchObject({ trigger: 'missed', status: 'ok', scheduledFor: slot });
      expect((await t.store.run(dead))?.finishedAt).toBeUndefined();
      expect(service.scheduler.nextRetry()).toBeUndefined();
      await service.stop();
    });

    it('stop(graceMs) returns within graceMs while a post hangs, aborts the run, and a restart catches the slot up', async () => {
      const t = await setup();
      const channels = ['C0AAA', 'C0BBB'];
      await t.run({ configChannels: channels, trigger: 'schedule', scheduledFor: jst('2026-11-23T09:00:00') });
      await addProgram(t.catalogFile, NEW);
      t.clock.set('2026-11-24T10:00:00+09:00');

      const hang = gate();
      const post: PostMessage = async (channel, message): Promise<PostResult> => {
        hang.enter();
        await hang.opened;
        return t.slack.post(channel, message);
      };
      const runs: RunResult[] = [];
      const boot = async (p: PostMessage) =>
        createNoticeService({ ...(await t.serviceStore()), config: { dataDir: t.dataDir, channels, at: '09:00' }, catalogDir: t.catalogDir, post: p, clock: { now: t.clock.now }, onRun: (r) => runs.push(r) });
      const first = await boot(post);
      const started = first.start();
      await hang.reached; // the catch-up is inside its first post, which does not answer

      const t0 = performance.now();
      const stopped = await Promise.race([first.stop(200).then(() => 'stopped'), new Promise((r) => setTimeout(() => r('hung'), 3000))]);
      expect(stopped).toBe('stopped');
      expect(performance.now() - t0).toBeLessThan(1500);
      // The run still holds the store: it was not closed under it.
      expect(await first.store.activeChannels()).toEqual(channels);
      await expect(first.runNow()).rejects.toThrow(/stopped/);

      // Slack answers at last: that post is recorded, the next channel is not posted.
      hang.release();
      await expect(started).resolves.toBe('missed');
      expect(runs.map((r) => r.status)).toEqual(['aborted']);
      expect(runs[0]).toMatchObject({ posted: 1, aborted: { remaining: ['C0BBB'] } });
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0AAA']);
      await vi.waitFor(() => expect(first.store.activeChannels()).rejects.toThrow(/not open|after calling end/)); // closed once the run ended

      const second = await boot(t.slack.post);
      await expect(second.start()).resolves.toBe('missed');
      await second.stop();
      expect(t.slack.posts.map((p) => p.channel)).toEqual(['C0AAA', 'C0BBB']);
      expect(runs.map((r) => r.status)).toEqual(['aborted', 'ok']);
    });

    it('a fresh data directory: the first start runs once to baseline configured channels, posting nothing', async () => {
      const t = await setup();
      const service = createNoticeService({
        ...(await t.serviceStore()),
        config: { dataDir: t.dataDir, channels: ['C0FIRST'], at: '09:00' },
        catalogDir: t.catalogDir,
        post: t.slack.post,
        clock: { now: t.clock.now },
      });
      await expect(service.start()).resolves.toBe('missed');
      expect(await service.store.status('C0FIRST')).toMatchObject({ active: true, known: BUNDLED_PROGRAMS });
      const now = await service.runNow();
      expect(now).toMatchObject({ status: 'ok', posted: 0 });
      await service.stop();
      expect(t.slack.posts).toEqual([]);
    });
  });
});
