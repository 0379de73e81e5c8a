// @ts-check
/**
 * The "hostile queries" half of `npm run bench` (scripts/bench.ts runs it; by hand for one
 * path or one query while working on the query boundary):
 *
 *   node --expose-gc scripts/bench-hostile.mjs <lexicon|kuromoji> [query name …]
 *
 * Loads the bundled catalog's engine one of the two ways a process answers queries:
 * - lexicon: from the prebuilt index (SHIEN_INDEX_FILE, default dist/search-index.json, or
 *   one made now when that is stale), queries split by its lexicon (what `npm start` serves
 *   after `npm run build`);
 * - kuromoji: built now with kuromoji, as a running bot does after it reloads a changed
 *   catalog (queries analysed by kuromoji).
 * Then, after a few ordinary queries as a warm-up (one with no hits, so the suggestions' index
 * exists), each hostile query (see HOSTILE) is asked RUNS + 2 times. Timed asks: coldMs is the
 * first (new code paths, JIT), warmMs the median of the last RUNS, maxMs the slowest; cpuMs the
 * most CPU time of one (the process's, GC threads included: steadier than wall time on a busy
 * machine); gcMs the most time in collections during any ask. The second ask measures memory,
 * after a full collection, as two figures above their values just before:
 * - extraHeapMB: the V8 heap's high-water mark while it ran (heap used before each collection
 *   during the query, from v8.GCProfiler, and at its end);
 * - extraRssMB: the highest RSS seen while it ran, sampled every millisecond by a worker
 *   thread (RSS rises only once V8 needs pages beyond those it already holds).
 * Prints one JSON line: {path, programs, rssMB, queries: [{name, chars, coldMs, warmMs, maxMs,
 * cpuMs, gcMs, extraHeapMB, extraRssMB, total, shortened}]}.
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { loadPaths } from '../dist/config.js';
import { engineFromIndex, loadSearchEngine, readIndexFile, readSources } from '../dist/search/load.js';
import { decodeIndexFile, encodeIndexFile } from '../dist/search/index-file.js';

const MB = 1024 * 1024;
/** Times each query is asked (HOSTILE_RUNS overrides: 1 to survey slow code). */
const RUNS = Number(process.env.HOSTILE_RUNS) || 3;

/** A deterministic pseudo-random generator (mulberry32), so every run asks the same text. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 40,000 characters drawn from kanji, kana, Latin, digits, emoji, spaces and mrkdwn specials. */
function mixedScripts() {
  const pools = ['創業補助金事業承継輸出融資鹿児島県', 'あいうえおかきくけこをがの', 'アイウエオスタートアップドローン', 'abcxyzDX', '0123456789', '😀👩‍👩‍👧🇯🇵', '  \u3000', '<>&*_~`!@'];
  const next = random(10);
  let out = '';
  while (out.length < 40_000) {
    const pool = [...pools[Math.floor(next() * pools.length)]];
    out += pool[Math.floor(next() * pool.length)];
  }
  return out;
}

/** Every C0 and C1 control character (NUL, BEL, ESC, DEL, NEL, …). */
const CONTROLS = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('') + Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)).join('');

/** The queries of the "hostile queries" row: name → text. */
export const HOSTILE = {
  'ordinary: 事業承継 補助金': '事業承継 補助金',
  'a × 4,000': 'a'.repeat(4_000),
  'a × 40,000': 'a'.repeat(40_000),
  '創業 × 50,000': '創業'.repeat(50_000),
  'ア × 40,000': 'ア'.repeat(40_000),
  '1 × 40,000': '1'.repeat(40_000),
  '創業 NUL 補助金': '創業\u0000補助金',
  'NUL × 10,000': '\u0000'.repeat(10_000),
  'C0/C1 controls × 200': CONTROLS.repeat(200),
  'lone surrogates × 5,000': '\ud800創業\udfff'.repeat(5_000),
  'combining marks × 40,000': 'a' + '\u0301\u0316\u0489\u0300'.repeat(10_000),
  'emoji (ZWJ) × 4,000': '👩‍👩‍👧‍👦'.repeat(4_000),
  'mrkdwn specials × 2,000': '<!channel> & < > * _ ~ ` '.repeat(2_000),
  '予算:1…1万以上 (40,000 digits)': `予算:${'1'.repeat(40_000)}万以上`,
  '創業 × 10,000 words': '創業 '.repeat(10_000),
  '機関:ジェトロ × 5,000': '機関:ジェトロ '.repeat(5_000),
  '" × 40,000': '"'.repeat(40_000),
  'mixed scripts, 40,000': mixedScripts(),
};

/**
 * A worker that records the highest RSS it sees, every millisecond while it runs, into `peak`.
 * Paused while queries are timed, so that its wake-ups do not count in their CPU time.
 */
function rssSampler() {
  const shared = new SharedArrayBuffer(16);
  const peak = new BigInt64Array(shared, 0, 1);
  const running = new Int32Array(shared, 8, 1);
  const source = `
    const { workerData } = require('node:worker_threads');
    const peak = new BigInt64Array(workerData, 0, 1);
    const running = new Int32Array(workerData, 8, 1);
    for (;;) {
      Atomics.wait(running, 0, 0); // while paused
      const rss = BigInt(process.memoryUsage.rss());
      if (rss > Atomics.load(peak, 0)) Atomics.store(peak, 0, rss);
      Atomics.wait(running, 0, 1, 1); // a millisecond
    }`;
  const worker = new Worker(source, { eval: true, workerData: shared });
  worker.unref();
  const set = (/** @type {number} */ value) => {
    Atomics.store(running, 0, value);
    Atomics.notify(running, 0);
  };
  return {
    /** Starts a new measurement from the RSS now. */
    start() {
      Atomics.store(peak, 0, BigInt(process.memoryUsage.rss()));
      set(1);
    },
    /** Pauses and returns the highest RSS seen since start(), in MB. */
    stop() {
      set(0);
      return Number(Atomics.load(peak, 0)) / MB;
    },
  };
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

function collect() {
  const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
  gc?.();
  gc?.();
}

async function engineFor(path) {
  const paths = loadPaths();
  if (path === 'kuromoji') return (await loadSearchEngine(paths, { useIndexFile: false })).engine;
  if (path !== 'lexicon') throw new Error(`bench-hostile: the path is lexicon or kuromoji (got ${path})`);
  const sources = await readSources(paths);
  const file = await readIndexFile(paths.indexFile);
  const served = file && (await engineFromIndex(file, sources));
  if (served) return served;
  // No current index file (the catalog changed since npm run build): serve one made now.
  const built = (await loadSearchEngine(paths, { sources, useIndexFile: false })).engine;
  const engine = await engineFromIndex(decodeIndexFile(encodeIndexFile(built.toJSON())), sources);
  if (!engine) throw new Error('bench-hostile: an index made now does not match its own sources');
  return engine;
}

async function main() {
  const [path = '', ...names] = process.argv.slice(2);
  const engine = await engineFor(path);
  for (const q of ['創業', 'お金を借りたい', '機関:ジェトロ', '"事業承継"', 'そうぎょう', 'xyzzy']) engine.search(q, { limit: 5 });
  const sampler = rssSampler();
  const chosen = names.length ? names : Object.keys(HOSTILE);
  const queries = [];
  for (const name of chosen) {
    const text = HOSTILE[/** @type {keyof typeof HOSTILE} */ (name)];
    if (text === undefined) throw new Error(`bench-hostile: no query named ${name}`);
    /** @type {number[]} */
    const times = [];
    let cpuMs = 0;
    let gcMs = 0;
    let extraRssMB = 0;
    let extraHeapMB = 0;
    /** @type {any} */
    let response;
    // Ask 0 is timed cold; ask 1 measures memory (after a full collection, with the RSS sampler
    // running); the others are timed warm. No collection right before a timed ask: V8 sweeps
    // after one on other threads, which would count in the CPU time and slow the ask.
    for (let i = 0; i <= RUNS + 1; i++) {
      const sampling = i === 1;
      let heapBefore = 0;
      let rssBefore = 0;
      if (sampling) {
        collect();
        heapBefore = process.memoryUsage().heapUsed / MB;
        rssBefore = process.memoryUsage.rss() / MB;
        sampler.start();
      } else await sleep(i === 0 ? 100 : 20);
      const profiler = new v8.GCProfiler();
      profiler.start();
      const cpu = process.cpuUsage();
      const start = performance.now();
      response = engine.search(text, { limit: 5 });
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      const gcs = profiler.stop()?.statistics ?? [];
      gcMs = Math.max(gcMs, gcs.reduce((sum, g) => sum + g.cost / 1000, 0));
      if (!sampling) {
        times.push(ms);
        cpuMs = Math.max(cpuMs, (used.user + used.system) / 1000);
        continue;
      }
      const heapEnd = process.memoryUsage().heapUsed / MB;
      const heapPeak = Math.max(heapEnd, ...gcs.map((g) => g.beforeGC.heapStatistics.usedHeapSize / MB));
      extraHeapMB = heapPeak - heapBefore;
      // Let the sampler see the end state too (a query shorter than its period).
      await sleep(2);
      extraRssMB = sampler.stop() - rssBefore;
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    const coldMs = times[0] ?? NaN;
    const warmMs = warm[Math.floor(warm.length / 2)] ?? NaN;
    queries.push({ name, chars: text.length, coldMs, warmMs, maxMs: Math.max(...times), cpuMs, gcMs, extraHeapMB, extraRssMB, total: response.total, shortened: response.shortened ?? null });
  }
  collect();
  return { path, programs: engine.size, rssMB: process.memoryUsage.rss() / MB, queries };
}

process.stdout.write(JSON.stringify(await main()) + '\n');
