/**
 * What the PostgreSQL notice store costs next to SQLite (issue 14): one notice run, and the
 * store calls Slack requests make (a redelivery check, 通知 状態, subscribing), on the bundled
 * catalog, with a Slack that answers at once (so the figures are the store's and the run's
 * own work, not the network's).
 *
 *   npx tsx scripts/bench-store.ts                      # SQLite only
 *   SHIEN_BENCH_DATABASE_URL=postgres://… npx tsx scripts/bench-store.ts   # and PostgreSQL
 *
 * PostgreSQL gets a fresh database on that server (created and dropped here). Results on
 * stdout as a table; --json for one JSON document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadCatalog } from '../src/catalog/load.js';
import { loadPaths } from '../src/config.js';
import { PgContactStore } from '../src/contacts/pg-store.js';
import { PgNoticeStore } from '../src/notices/pg-store.js';
import { runNotices, type PostMessage } from '../src/notices/run.js';
import { SqliteNoticeStore } from '../src/notices/sqlite-store.js';
import type { NoticeStore } from '../src/notices/store.js';

const CHANNELS = 20;
const NEW_PER_RUN = 10;
const RUNS = 7;
const CALLS = 300;

const { catalogDir } = loadPaths({});
const ids = (await loadCatalog(catalogDir)).programs.map((p) => p.id);
let ts = 0;
const post: PostMessage = async () => ({ ok: true, ts: `1700000000.${String(++ts).padStart(6, '0')}` });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

async function time<T>(work: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await work();
  return performance.now() - t;
}

interface Figures {
  store: string;
  /** A run posting CHANNELS digests of NEW_PER_RUN programs each (ms, median of RUNS). */
  runPosting: number;
  /** A run with nothing new (the usual morning) (ms, median). */
  runQuiet: number;
  /** firstDelivery (every Slack event) median / p99 (ms). */
  firstDelivery: [number, number];
  /** status (通知 状態) median / p99 (ms). */
  status: [number, number];
  /** subscribe with the catalog as baseline (通知 オン) median (ms). */
  subscribe: number;
}

async function measure(name: string, store: NoticeStore): Promise<Figures> {
  await store.init();
  const posting: number[] = [];
  const quiet: number[] = [];
  let now = Date.parse('2026-11-24T00:00:00Z');
  for (let run = 0; run < RUNS + 1; run++) {
    // Fresh channels that know all but the last NEW_PER_RUN programs: each run posts CHANNELS digests.
    for (let c = 0; c < CHANNELS; c++) await store.subscribe(`C${run}X${c}`, ids.slice(0, -NEW_PER_RUN), { source: 'command', now: new Date(now) });
    const at = () => new Date((now += 1000));
    const ms = await time(() => runNotices({ store, catalogDir, post, now: at, trigger: 'once', holder: `bench-${name}` }));
    const still = await time(() => runNotices({ store, catalogDir, post, now: at, trigger: 'once', holder: `bench-${name}` }));
    if (run > 0) {
      posting.push(ms); // the first run warms the catalog loader and the connections
      quiet.push(still);
    }
  }
  const deliveries: number[] = [];
  for (let i = 0; i < CALLS; i++) deliveries.push(await time(() => store.firstDelivery(`Ev${name}${i}`, new Date(now))));
  const statuses: number[] = [];
  for (let i = 0; i < CALLS; i++) statuses.push(await time(() => store.status(`C1X${i % CHANNELS}`)));
  const subscribes: number[] = [];
  for (let i = 0; i < 30; i++) subscribes.push(await time(() => store.subscribe(`CSUB${i}`, ids, { source: 'command', now: new Date(now) })));
  return {
    store: name,
    runPosting: median(posting),
    runQuiet: median(quiet),
    firstDelivery: [median(deliveries), p99(deliveries)],
    status: [median(statuses), p99(statuses)],
    subscribe: median(subscribes),
  };
}

/** Replicas on one database: how long until replica B serves a contact edit saved through A (LISTEN/NOTIFY), ms. */
async function contactPropagation(url: string): Promise<[number, number]> {
  const [a, b] = await Promise.all([PgContactStore.open(url), PgContactStore.open(url)]);
  const times: number[] = [];
  try {
    for (let i = 0; i < 30; i++) {
      const phone = `099-000-${String(1000 + i)}`;
      const target = { kind: 'agency' as const, id: 'bench-body' };
      const t = performance.now();
      await a.save({ target, contact: { desk: '窓口', phone, source: 'https://example.jp/', checkedOn: '2026-11-27' }, editedBy: 'U0BENCH', editedAt: new Date() });
      while (b.latest(target)?.contact.phone !== phone) await new Promise((r) => setImmediate(r));
      times.push(performance.now() - t);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  return [median(times), p99(times)];
}

const results: Figures[] = [];
let propagation: [number, number] | undefined;
const dir = await mkdtemp(path.join(tmpdir(), 'shien-bench-store-'));
try {
  const sqlite = SqliteNoticeStore.open(dir);
  results.push(await measure('sqlite', sqlite));
  await sqlite.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

const url = process.env.SHIEN_BENCH_DATABASE_URL?.trim();
if (url) {
  const name = `shien_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const target = new URL(url);
    target.pathname = `/${name}`;
    const store = new PgNoticeStore(target.toString());
    try {
      results.push(await measure('postgres', store));
    } finally {
      await store.close();
    }
    propagation = await contactPropagation(target.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  process.stderr.write('SHIEN_BENCH_DATABASE_URL is unset: PostgreSQL not measured\n');
}

if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify({ channels: CHANNELS, newPerRun: NEW_PER_RUN, catalog: ids.length, results, ...(propagation ? { contactPropagationMs: propagation } : {}) }) + '\n');
} else {
  const f = (n: number) => n.toFixed(2).padStart(8);
  process.stdout.write(`notice store: ${ids.length} programs, a run posting ${CHANNELS} channels × ${NEW_PER_RUN} new programs; Slack answers at once\n`);
  process.stdout.write(`store     run posting  run quiet  firstDelivery med/p99   status med/p99      subscribe\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.store.padEnd(9)} ${f(r.runPosting)} ms ${f(r.runQuiet)} ms ${f(r.firstDelivery[0])} /${f(r.firstDelivery[1])} ms ${f(r.status[0])} /${f(r.status[1])} ms ${f(r.subscribe)} ms\n`,
    );
  }
  if (propagation) process.stdout.write(`a contact edit saved through replica A, served by replica B after: median ${propagation[0].toFixed(2)} ms, p99 ${propagation[1].toFixed(2)} ms (save included)\n`);
}
