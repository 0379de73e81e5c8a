/**
 * The bot started after a few days down, with SHIEN_SOURCES: the sync it owes runs before the
 * digest it owes, so the morning's digest has what jGrants added meanwhile. The digest went out
 * first (nothing new), the sync then imported the program, and no digest followed until the
 * next morning (notices walk-through). The real bot over HTTP, its sync a child process
 * against a fake jGrants, posts to a fake Slack.
 */
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startBot, type Bot } from '../../../src/bot.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { loadPaths } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { SqliteNoticeStore } from '../../../src/notices/sqlite-store.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import { runSync } from '../../../src/sources/sync.js';
import { CATALOG_DIR } from '../../catalog/support.js';
import { startFakeSlack, type FakeSlack } from '../../slack/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../../slack/support/app.js';
import { scratch } from '../../notices/support.js';
import { FakeJgrants, KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

const SAVED = { ...process.env };
let bot: Bot | undefined;
let fake: FakeJgrants | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await bot?.stop(1000);
  await fake?.stop();
  await slack?.close();
  process.env = { ...SAVED };
});

it('a start that owes both a sync and a digest syncs first: the digest has the program jGrants added meanwhile', async () => {
  fake = await FakeJgrants.start();
  slack = await startFakeSlack();
  const dir = await scratch('start-order');
  const dataDir = path.join(dir, 'data');
  const env = { SHIEN_SOURCES: 'jgrants', JGRANTS_API_URL: fake.url, SHIEN_DATA_DIR: dataDir, SHIEN_INDEX_FILE: path.join(dir, 'index.json'), SHIEN_JGRANTS_AREAS: '鹿児島県', SHIEN_JGRANTS_KEYWORDS: '補助金' };
  Object.assign(process.env, env);
  const day = 86_400_000;
  // Three days ago: the first sync (a baseline) and a channel subscribed.
  const imports = SqliteImportStore.open(dataDir);
  const config = { enabled: ['jgrants' as const], dataDir, syncAt: '08:30', jgrants: { apiUrl: fake.url, areas: ['鹿児島県'], keywords: ['補助金'] } };
  expect((await runSync({ config, store: imports, now: () => new Date(Date.now() - 3 * day) })).sources[0]!.baseline).toBe(true);
  imports.close();
  const notices = SqliteNoticeStore.open(dataDir);
  await notices.subscribe('C0TEAM', (await loadCatalog(CATALOG_DIR)).programs.map((p) => p.id), { source: 'command', by: 'U1', now: new Date(Date.now() - 3 * day) });
  await notices.close();
  // Meanwhile jGrants lists a new program.
  const id = 'a0WJ200000START01A';
  fake.items.set(id, { ...KAGOSHIMA_ITEMS()[0]!, id, title: '【鹿児島県】起動の順番を確かめる補助金', acceptance_start_datetime: new Date(Date.now() - day).toISOString(), acceptance_end_datetime: new Date(Date.now() + 20 * day).toISOString() });

  bot = await startBot({
    slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: slack.apiUrl },
    notices: { dataDir, channels: [], at: '09:00' },
    paths: { ...loadPaths({}), indexFile: env.SHIEN_INDEX_FILE },
    logger: createLogger({ level: 'silent' }),
  });
  await bot.started.notices;
  const digests = slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0TEAM');
  expect(digests).toHaveLength(1);
  expect(JSON.stringify(digests[0]!.body)).toContain(`jg-${id}`);
}, 120_000);
