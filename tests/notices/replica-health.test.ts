/**
 * /healthz of a replica on PostgreSQL (issue 14): 200 while the shared database answers, 503
 * naming the database problem once it stops answering, so the load balancer sends Slack's
 * requests to the replicas that can record them.
 */
import pg from 'pg';
import { expect, it, vi } from 'vitest';
import { startBot } from '../../src/bot.js';
import { loadPaths } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { HEALTH_PATH } from '../../src/slack/app.js';
import { startFakeSlack } from '../slack/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/support/app.js';
import { describePostgres, PG_TEST_URL, postgresBackend } from './backends.js';
import { ANALYZER_TIMEOUT } from '../search/support.js';

describePostgres('/healthz with DATABASE_URL', () => {
  it('answers 200 while the database answers and 503 with the reason once it does not', async () => {
    const fake = await startFakeSlack();
    const place = await postgresBackend.place();
    const bot = await startBot({
      slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl },
      notices: { dataDir: place.dataDir, databaseUrl: place.databaseUrl!, channels: [], at: '09:00' },
      paths: loadPaths({}),
      logger: createLogger({ level: 'silent' }),
      databaseCheckMs: 100,
    });
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${bot.started.port}${HEALTH_PATH}`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; database?: { ok: boolean; error: string } } };
    };
    try {
      await bot.started.notices;
      await vi.waitFor(async () => expect(await health()).toMatchObject({ status: 200, body: { ok: true } }), { timeout: 10_000 });

      // The database goes away (here: dropped, its connections cut).
      const admin = new pg.Client({ connectionString: PG_TEST_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE ${new URL(place.databaseUrl!).pathname.slice(1)} WITH (FORCE)`);
      await admin.end();
      await vi.waitFor(async () => expect(await health()).toMatchObject({ status: 503, body: { ok: false, database: { ok: false, error: expect.any(String) } } }), { timeout: 10_000 });
    } finally {
      await bot.stop(1000);
      await fake.close();
    }
  }, ANALYZER_TIMEOUT);
});
