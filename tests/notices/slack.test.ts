import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INVITE_HINT, runNotices } from '../../src/notices/run.js';
import { slackPoster } from '../../src/notices/slack-post.js';
import { SqliteNoticeStore } from '../../src/notices/sqlite-store.js';
import { MessageSchema } from '../../src/slack/blocks.js';
import { startFakeSlack, type FakeSlack } from '../slack/support/fake-slack.js';
import { describePostgres, freshDatabase } from './backends.js';
import { addProgram, CATALOG_FILE, detailButtons, displayed, editFile, shien, workspace } from './support.js';

/** Through a real WebClient (as the bot and the CLI post) against a fake Slack on 127.0.0.1. */

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
afterEach(() => {
  slack.reset();
});

const NEW = { id: 'p-new-program-001', name: '新しいテスト補助金', budgetThousandYen: 3000, overview: '新しく始まる補助金です。' };
const posts = () => slack.callsTo('chat.postMessage');

describe('runNotices through @slack/web-api', () => {
  const stores: SqliteNoticeStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  async function setup(timeoutMs?: number) {
    const ws = await workspace();
    const store = SqliteNoticeStore.open(ws.dataDir);
    stores.push(store);
    const post = slackPoster({ token: 'xoxb-test', slackApiUrl: slack.apiUrl, ...(timeoutMs ? { timeoutMs } : {}) });
    const run = () => runNotices({ store, catalogDir: ws.catalogDir, post, now: () => new Date(), trigger: 'once', configChannels: ['C0NOTICE'], holder: 'test' });
    return { ...ws, store, run };
  }

  it('posts one chat.postMessage with the digest, and nothing on the next run', async () => {
    const t = await setup();
    await t.run();
    expect(posts()).toEqual([]);
    await addProgram(t.catalogFile, NEW);

    const result = await t.run();
    expect(result).toMatchObject({ status: 'ok', posted: 1 });
    expect(posts()).toHaveLength(1);
    const call = posts()[0]!;
    expect(call.headers.authorization).toBe('Bearer xoxb-test');
    expect(call.body.channel).toBe('C0NOTICE');
    expect(call.body.unfurl_links).toBe('false');
    const message = { text: call.body.text, blocks: call.body.blocks };
    expect(MessageSchema.safeParse(message).success).toBe(true);
    expect(displayed(message)).toContain('新しいテスト補助金');
    expect(detailButtons(message).map((b) => [b.action_id, b.value])).toEqual([['program_details', NEW.id]]);
    expect(result.channels[0]!.ts).toMatch(/^\d+\.\d+$/);

    await t.run();
    expect(posts()).toHaveLength(1);
  });

  it('{"ok": false} from Slack: reported with a hint, posted on the next run, and not again', async () => {
    const t = await setup();
    await t.run();
    await addProgram(t.catalogFile, NEW);
    slack.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));

    const failed = await t.run();
    expect(failed).toMatchObject({ status: 'failed', failed: 1 });
    expect(failed.channels[0]).toMatchObject({ channel: 'C0NOTICE', posted: false, error: 'not_in_channel', hint: INVITE_HINT });
    expect(posts()).toHaveLength(1); // tried once: no retries inside the run

    slack.off('chat.postMessage');
    const retried = await t.run();
    expect(retried).toMatchObject({ status: 'ok', posted: 1 });
    expect(posts()).toHaveLength(2);
    expect(displayed(posts()[1]!.body.blocks)).toContain('新しいテスト補助金');

    await t.run();
    expect(posts()).toHaveLength(2);
  });

  it('a Slack that does not answer in time is a failed post ("timeout"), retried next run', async () => {
    const t = await setup(300);
    await t.run();
    await addProgram(t.catalogFile, NEW);
    slack.on('chat.postMessage', () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, ts: '1.000001' }), 3000)));
    const started = Date.now();
    const failed = await t.run();
    expect(Date.now() - started).toBeLessThan(2500);
    expect(failed.channels[0]).toMatchObject({ posted: false, error: 'timeout' });

    slack.off('chat.postMessage');
    const retried = await t.run();
    expect(retried).toMatchObject({ status: 'ok', posted: 1 });
  });
});

describe('npm run -s shien -- notify --once', () => {
  /** The environment of one deployment: data dir, catalog copy, one configured channel. */
  async function deployment() {
    const ws = await workspace();
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: slack.apiUrl,
      SHIEN_DATA_DIR: ws.dataDir,
      SHIEN_CATALOG_DIR: ws.catalogDir,
      SHIEN_NOTIFY_CHANNELS: 'C0NOTICE',
    };
    return { ...ws, env };
  }

  it('baseline, one new program, a failure, a retry and a broken catalog, with the exit codes a cron job sees', async () => {
    const d = await deployment();

    const baseline = await shien(['notify', '--once'], d.env);
    expect(baseline.stderr).toBe('');
    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toContain('C0NOTICE: SHIEN_NOTIFY_CHANNELS から購読を始めました');
    expect(baseline.stdout).toContain('C0NOTICE: 新着なし');
    expect(baseline.stdout).toContain('合計: 投稿 0 チャンネル・失敗 0 チャンネル');
    expect(posts()).toEqual([]);

    await addProgram(d.catalogFile, NEW);
    const posted = await shien(['notify', '--once'], d.env);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toContain('C0NOTICE: 新着 1 件を投稿しました');
    expect(posts()).toHaveLength(1);
    expect(posts()[0]!.body.channel).toBe('C0NOTICE');
    expect(displayed(posts()[0]!.body.blocks)).toContain('新しいテスト補助金');

    await addProgram(d.catalogFile, { id: 'p-new-program-002', name: '二つ目の新事業' });
    slack.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    const failed = await shien(['notify', '--once'], d.env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('C0NOTICE: 新着 1 件を投稿できませんでした (not_in_channel)');
    expect(failed.stdout).toContain(INVITE_HINT);

    slack.off('chat.postMessage');
    const retried = await shien(['notify', '--once'], d.env);
    expect(retried.code).toBe(0);
    expect(posts().map((c) => displayed(c.body.blocks).includes('二つ目の新事業'))).toEqual([false, true, true]);

    await editFile(d.catalogFile, 'budgetThousandYen: 146520', 'budgetThousandYen: abc');
    await addProgram(d.catalogFile, { id: 'p-new-program-003', name: '三つ目の新事業' });
    const broken = await shien(['notify', '--once'], d.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('カタログに問題があるため通知しませんでした');
    expect(broken.stderr).toContain(`${CATALOG_FILE}:7 1 件目 budgetThousandYen`);
    expect(posts()).toHaveLength(3);
  }, 60_000);

  it('usage and configuration errors exit 2 with a message naming what to fix', async () => {
    const d = await deployment();
    const noToken = await shien(['notify', '--once'], { ...d.env, SLACK_BOT_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('SLACK_BOT_TOKEN を設定してください');

    const userToken = await shien(['notify', '--once'], { ...d.env, SLACK_BOT_TOKEN: 'xoxp-a-user-token' });
    expect(userToken.code).toBe(2);
    expect(userToken.stderr).toContain('SLACK_BOT_TOKEN は xoxb- で始まる');
    expect(userToken.stdout + userToken.stderr).not.toContain('xoxp-a-user-token');

    const badTime = await shien(['notify', '--once'], { ...d.env, SHIEN_NOTIFY_AT: '9時' });
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('SHIEN_NOTIFY_AT');

    const noOnce = await shien(['notify'], d.env);
    expect(noOnce.code).toBe(2);
    expect(noOnce.stderr).toContain('--once を指定してください');

    const help = await shien(['help'], {});
    expect(help.stdout).toContain('notify --once');
    expect(posts()).toEqual([]);
    expect(path.isAbsolute(d.dataDir)).toBe(true);
  }, 60_000);
});

describePostgres('notify --once with DATABASE_URL (issue 14)', () => {
  it('two machines (two data directories) on one PostgreSQL: the second finds what the first announced; bad URLs are refused without printing them', async () => {
    const url = await freshDatabase();
    const ws = await workspace();
    const other = await workspace();
    const env = (dataDir: string) => ({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: slack.apiUrl, SHIEN_DATA_DIR: dataDir, SHIEN_CATALOG_DIR: ws.catalogDir, SHIEN_NOTIFY_CHANNELS: 'C0NOTICE', DATABASE_URL: url });

    const baseline = await shien(['notify', '--once'], env(ws.dataDir));
    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toContain('C0NOTICE: SHIEN_NOTIFY_CHANNELS から購読を始めました');
    await addProgram(ws.catalogFile, NEW);
    const posted = await shien(['notify', '--once'], env(ws.dataDir));
    expect(posted.stdout).toContain('C0NOTICE: 新着 1 件を投稿しました');
    // Another machine: nothing of this in its data directory, all of it in the database — it
    // announces the next program (a fresh SQLite directory would take it as its baseline).
    await addProgram(ws.catalogFile, { id: 'p-new-program-002', name: '二つ目の新事業' });
    const elsewhere = await shien(['notify', '--once'], env(other.dataDir));
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toContain('C0NOTICE: 新着 1 件を投稿しました');
    expect(posts()).toHaveLength(2);
    expect(displayed(posts()[1]!.body.blocks)).toContain('二つ目の新事業');
    expect(displayed(posts()[1]!.body.blocks)).not.toContain('新しいテスト補助金');

    const malformed = await shien(['notify', '--once'], { ...env(ws.dataDir), DATABASE_URL: 'mysql://u:hunter2@db/x' });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('DATABASE_URL は postgres://');
    expect(malformed.stderr).not.toContain('hunter2');

    const unreachable = await shien(['notify', '--once'], { ...env(ws.dataDir), DATABASE_URL: 'postgres://shien:hunter2@127.0.0.1:1/nowhere' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('通知のデータベース (postgres://127.0.0.1:1/nowhere) を開けませんでした');
    expect(unreachable.stderr).not.toContain('hunter2');
    expect(posts()).toHaveLength(2);
  }, 60_000);
});
