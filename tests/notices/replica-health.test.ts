/**
 * A replica on PostgreSQL on its own (issue 14): /healthz answers 200 while the shared database
 * answers and 503 naming the problem once it stops, so the load balancer sends Slack's requests
 * to the replicas that can record them; a catalog edited in place is picked up by polling.
 */
import pg from 'pg';
import { expect, it, vi } from 'vitest';
import { startBot } from '../../src/bot.js';
import { loadPaths } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { CATALOG_CHANNEL } from '../../src/bot.js';
import { HEALTH_PATH } from '../../src/slack/app.js';
import { startFakeSlack } from '../slack/support/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../slack/support/app.js';
import { describePostgres, PG_TEST_URL, postgresBackend } from './backends.js';
import { ANALYZER_TIMEOUT } from '../search/support.js';
import { addProgram, workspace } from './support.js';

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

  it('a catalog edited in place is served after the next poll, without a run or a restart', async () => {
    const fake = await startFakeSlack();
    const place = await postgresBackend.place();
    const ws = await workspace();
    const bot = await startBot({
      slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl },
      notices: { dataDir: place.dataDir, databaseUrl: place.databaseUrl!, channels: [], at: '09:00' },
      paths: { ...loadPaths({}), catalogDir: ws.catalogDir, indexFile: `${place.dataDir}/no-index.json` },
      logger: createLogger({ level: 'silent' }),
      catalogPollMs: 300,
    });
    try {
      await bot.started.notices;
      const before = bot.live.current.size;
      await addProgram(ws.catalogFile, { id: 'p-polled-new-01', name: 'その場で追加された補助金' });
      await vi.waitFor(() => expect(bot.live.current.get('p-polled-new-01')).toBeDefined(), { timeout: 60_000 });
      expect(bot.live.current.size).toBe(before + 1);
    } finally {
      await bot.stop(1000);
      await fake.close();
    }
  }, ANALYZER_TIMEOUT);

  it("another replica's catalog notices arriving while this one starts: it starts and serves", async () => {
    // A rolling deploy: the other replicas announce their catalog while this one is still
    // starting. A notice that came in between LISTEN and the end of the start threw
    // (ReferenceError: the handler it calls was not made yet) and took the process down (CI, s26).
    const fake = await startFakeSlack();
    const place = await postgresBackend.place();
    // Several announcers at once: a notice must land in the short while LISTEN is answered.
    const others = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = new pg.Client({ connectionString: place.databaseUrl! });
        await c.connect();
        return c;
      }),
    );
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    process.on('uncaughtException', onUncaught);
    let announcing = true;
    const announce = Promise.all(
      others.map(async (other) => {
        while (announcing) await other.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, '143']);
      }),
    );
    try {
      const bot = await startBot({
        slack: { mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl },
        notices: { dataDir: place.dataDir, databaseUrl: place.databaseUrl!, channels: [], at: '09:00' },
        paths: loadPaths({}),
        logger: createLogger({ level: 'silent' }),
      });
      try {
        await bot.started.notices;
        await new Promise((r) => setTimeout(r, 200));
        const res = await fetch(`http://127.0.0.1:${bot.started.port}${HEALTH_PATH}`);
        expect(res.status).toBe(200);
      } finally {
        await bot.stop(1000);
      }
    } finally {
      announcing = false;
      await announce;
      await Promise.all(others.map((c) => c.end()));
      process.off('uncaughtException', onUncaught);
      await fake.close();
    }
    expect(thrown).toEqual([]);
  }, ANALYZER_TIMEOUT);
});
