// @ts-check
/**
 * The measuring half of `npm run bench` (scripts/bench.ts runs it; not meant to be run by
 * hand). Each measurement runs in a fresh `node` process of its own, so the dictionary, one
 * catalog's index and the garbage of another size never share a heap, and what runs is the
 * compiled JavaScript in dist/ (no tsx loader).
 *
 * Paths come from the environment exactly as for `node dist/cli.js` (SHIEN_CATALOG_DIR,
 * SHIEN_INDEX_FILE), so `measure` loads what the command-line tool loads.
 * Each mode prints one JSON line on stdout (its figures) and nothing else:
 *
 *   dict
 *       Loads kuromoji's dictionary alone: time, and the RSS / heap it adds.
 *   prepare <size> <cacheDir> <rebuild 0|1>
 *       Makes sure an index of a catalog of <size> programs is cached in <cacheDir>:
 *       <size>-<fingerprint>.json (the index file as `shien index` writes it: load.ts writeIndexFile),
 *       .meta.json (build time, when) and, for a synthetic catalog, .catalog/programs.yaml.
 *       The catalog is the bundled one when <size> is its size, else synthetic
 *       (bench-synthetic.mjs). Times SearchEngine.build only when there is no cache or
 *       <rebuild> is 1.
 *   measure <queries.yaml> <rounds> <query seconds> [<product warm-up 0|1>]
 *       Loads as a serving process does (catalog, then the prebuilt index with the lexicon
 *       analyzer), timing each step; memory after loading; then query latency over the
 *       query list (the first page of 5 hits, as the surfaces ask): a short warm-up, then
 *       up to <rounds> timed passes, cut short after <query seconds>. Run with --expose-gc so memory figures are of live data, not of
 *       garbage not yet collected.
 *       With <product warm-up> 1, the warm-up is the one a serving process runs after its
 *       start (src/search/warm-up.ts: questions made from the catalog, none from the list),
 *       timed, instead of a pass of the list itself: what the first users after a deploy get.
 *       Then, apart (figures of their own, not in the list's), the slow paths (SLOW_PATHS):
 *       questions with no hit as typed, period and purpose filters, 似た事業; timed as the list.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { BUILD_ID, loadPaths, PROJECT_ROOT } from '../dist/config.js';
import { loadAnalyzer } from '../dist/search/analyzer.js';
import { indexFingerprint, SearchEngine } from '../dist/search/engine.js';
import { loadEvalQueries } from '../dist/search/evaluate.js';
import { LexiconAnalyzer } from '../dist/search/lexicon-analyzer.js';
import { loadSudachiGroups } from '../dist/search/general-synonyms.js';
import { engineFromIndex, engineInput, readIndexFile, readSources, sourceFilesFingerprint, writeIndexFile } from '../dist/search/load.js';
import { Variants } from '../dist/search/variants.js';
import { Vocabulary } from '../dist/search/vocabulary.js';
import { warmUp } from '../dist/search/warm-up.js';
import { syntheticCatalog } from './bench-synthetic.mjs';

const MB = 1024 * 1024;

/** Memory in MB, after a full collection when the process has --expose-gc. */
function memory() {
  const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rssMB: m.rss / MB, heapUsedMB: m.heapUsed / MB };
}

/** Milliseconds since `start` (a performance.now() value). */
const since = (/** @type {number} */ start) => performance.now() - start;

/** @param {string} file */
const exists = (file) =>
  stat(file).then(
    () => true,
    () => false,
  );

/**
 * The index is made from the catalog, agencies and synonyms (indexFingerprint covers those)
 * and from the code that analyses them, which it does not cover: hash the compiled search
 * and catalog modules and the versions of kuromoji and MiniSearch, so a cached index is not
 * reused after the analysis changed. (Any change there invalidates; better a rebuild too
 * many than figures from a stale index.)
 */
async function codeHash() {
  const hash = createHash('sha256');
  for (const dir of ['dist/search', 'dist/catalog']) {
    const files = (await readdir(path.join(PROJECT_ROOT, dir))).filter((f) => f.endsWith('.js')).sort();
    for (const f of files) hash.update(f).update(await readFile(path.join(PROJECT_ROOT, dir, f)));
  }
  hash.update(await readFile(path.join(PROJECT_ROOT, 'scripts', 'bench-synthetic.mjs')));
  for (const pkg of ['kuromoji', 'minisearch', 'sudachi-synonyms-dictionary']) hash.update(await readFile(path.join(PROJECT_ROOT, 'node_modules', pkg, 'package.json')));
  return hash.digest('hex').slice(0, 8);
}

async function dict() {
  const before = memory();
  const start = performance.now();
  await loadAnalyzer();
  const loadMs = since(start);
  const after = memory();
  return { loadMs, rssAddedMB: after.rssMB - before.rssMB, heapAddedMB: after.heapUsedMB - before.heapUsedMB };
}

/**
 * @param {number} size
 * @param {string} cacheDir
 * @param {boolean} rebuild
 */
async function prepare(size, cacheDir, rebuild) {
  const paths = loadPaths();
  const sources = await readSources(paths);
  const bundled = size === sources.programs.length;
  const programs = bundled ? sources.programs : syntheticCatalog(sources.programs, size);
  // indexFingerprint reads the vocabulary's source only; no need for kuromoji to compute it.
  // Of the bundled sources: a synthetic catalog is made from them alone (deterministically, by
  // bench-synthetic.mjs, which codeHash covers), and a JSON copy of 1,000,000 programs would
  // not fit in one string.
  const fingerprint = `${indexFingerprint({ programs: sources.programs, agencies: sources.agencies, vocabulary: new Vocabulary(sources.synonyms, new LexiconAnalyzer([])), variants: new Variants(sources.variants) })}-${await codeHash()}`;
  const base = path.join(cacheDir, `${size}-${fingerprint}`);
  const files = {
    index: `${base}.json`,
    meta: `${base}.meta.json`,
    catalogDir: bundled ? paths.catalogDir : `${base}.catalog`,
  };
  const cached = !rebuild && (await exists(files.index)) && (await exists(files.meta)) && (await exists(files.catalogDir));
  if (!cached) {
    // Other indexes of this size (another catalog or other code) are only disk space now.
    await mkdir(cacheDir, { recursive: true });
    for (const f of await readdir(cacheDir)) if (f.startsWith(`${size}-`)) await rm(path.join(cacheDir, f), { recursive: true });

    if (!bundled) {
      // As YAML, so the command-line tool loads it like the real catalog (SHIEN_CATALOG_DIR).
      // Written before the index is built: the YAML library's garbage (about 200 MiB at 20,000
      // programs) then comes while the process holds only the programs, not on top of the
      // built index and kuromoji, where it made the build process's peak, which is the index
      // build's figure. In slices: one YAML document of 100,000 programs built at once was
      // gigabytes. Consecutive slices of one top-level list concatenate into that list.
      await mkdir(files.catalogDir, { recursive: true });
      const yamlFile = await open(path.join(files.catalogDir, 'programs.yaml'), 'w');
      try {
        for (let at = 0; at < programs.length; at += 1000) await yamlFile.write(stringify(programs.slice(at, at + 1000), { lineWidth: 0 }));
      } finally {
        await yamlFile.close();
      }
    }
    // The catalog's files hashed now, before the build: at 100,000 programs its YAML is read
    // whole (hundreds of MB), which after the build was on top of the built index.
    const filesFingerprint = await sourceFilesFingerprint({ ...paths, catalogDir: files.catalogDir });
    const kuromoji = await loadAnalyzer();
    // The engine asks for a program's units once per program (analyzeProgram), so counting
    // them says how far a build got; a line on stderr every 10 s says so to the parent, which
    // prints the last one when the build runs out of time or memory (1,000,000 programs).
    let analysed = 0;
    const analyzer = { analyze: (/** @type {string} */ t) => kuromoji.analyze(t), units: (/** @type {string} */ t) => (analysed++, kuromoji.units(t)) };
    const served = { ...sources, programs };
    const input = { ...engineInput(served, analyzer), generalSynonymGroups: await loadSudachiGroups() };
    analysed = 0;
    let start = performance.now();
    const begun = start;
    const report = setInterval(() => {
      const rssMB = process.memoryUsage().rss / MB;
      const line = { elapsedS: since(begun) / 1000, rssMB, peakRssMB: process.resourceUsage().maxRSS / 1024, analysed: Math.min(analysed, programs.length) };
      process.stderr.write(`progress ${JSON.stringify(line)}\n`);
    }, 10_000);
    // As loadSearchEngine builds (npm run build, shien index): with Sudachi's general synonyms.
    const engine = await SearchEngine.build(input);
    const buildMs = since(start);
    clearInterval(report);
    // Written as a deployment writes it (load.ts writeIndexFile): with the validated sources,
    // the hash of the files they came from and the build, so a start whose files match takes
    // the programs from here instead of parsing the YAML (what `npm start` and the CLI do).
    start = performance.now();
    await writeIndexFile(files.index, engine, served, filesFingerprint);
    const serializeMs = since(start);
    const peakRssMB = process.resourceUsage().maxRSS / 1024;
    const meta = { size, bundled, fingerprint, buildMs, serializeMs, peakRssMB, builtAt: new Date().toISOString(), node: process.version, code: BUILD_ID };
    await writeFile(files.meta, JSON.stringify(meta, null, 2) + '\n');
  }
  const meta = JSON.parse(await readFile(files.meta, 'utf8'));
  if (meta.code !== BUILD_ID) {
    await restampBuild(files.index, meta.code);
    meta.code = BUILD_ID;
    await writeFile(files.meta, JSON.stringify(meta, null, 2) + '\n');
  }
  return { ...meta, cached, ...files, indexBytes: (await stat(files.index)).size };
}

/**
 * A cached index is valid for this build when the code that makes indexes did not change
 * (codeHash: dist/search, dist/catalog, kuromoji, MiniSearch), but it names the build that
 * wrote it, and a start takes the sources stored in it only from its own build (load.ts). So
 * the build id is rewritten in place: ids are all 16 hex digits, and `"code":"<id>"` occurs
 * once in the file (any such text inside a string would have its quotes escaped).
 * @param {string} file
 * @param {string | undefined} old
 */
async function restampBuild(file, old) {
  const text = await readFile(file);
  const key = Buffer.from(`"code":"${old}"`);
  const at = old && old.length === BUILD_ID.length ? text.indexOf(key) : -1;
  if (at < 0 || text.indexOf(key, at + 1) >= 0) throw new Error(`${file}: cannot restamp the build id (${old}); run the bench with --rebuild`);
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.from(BUILD_ID), 0, BUILD_ID.length, at + key.length - old.length - 1);
  } finally {
    await handle.close();
  }
}

/**
 * The steps of loadSearchEngine with a matching index file, timed one by one: the source files
 * hashed, the index read; the sources stored in it taken when the files and the build are the
 * ones it was written from (else the YAML read and validated); the engine made.
 *
 * A function of its own, as in load.ts: a suspended async function keeps the values it awaited
 * (here the index file's text and the parsed index, 200 MB at 10,000 programs) until it
 * returns, so loading inside `measure` counted them as memory the engine holds.
 * @param {ReturnType<typeof loadPaths>} paths
 */
async function load(paths) {
  let start = performance.now();
  const files = await sourceFilesFingerprint(paths);
  const hashMs = since(start);
  start = performance.now();
  /** @type {any} */
  const json = await readIndexFile(paths.indexFile);
  if (!json) throw new Error(`${paths.indexFile}: no index file to load`);
  const readParseMs = since(start);
  const fromIndex = Boolean(json.sources && json.files === files && json.code === BUILD_ID);
  start = performance.now();
  const sources = fromIndex ? json.sources : await readSources(paths);
  const sourcesMs = fromIndex ? null : since(start);
  start = performance.now();
  const engine = await engineFromIndex(json, sources, undefined, fromIndex);
  const fromJsonMs = since(start);
  if (!engine) throw new Error(`${paths.indexFile} was not built from ${paths.catalogDir} (fingerprint differs)`);
  return { engine, hashMs, readParseMs, sourcesMs, fromJsonMs };
}

/** Value at quantile `q` of ascending `sorted` (nearest rank). */
function quantile(/** @type {number[]} */ sorted, /** @type {number} */ q) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/**
 * Hits asked for, as every surface asks (Slack's page and the console: 5; the CLI's default
 * --limit: 5). Snippets are made only for the page, so an unlimited search would time
 * thousands of snippets nobody is shown (40% of the query time at 10,000 programs).
 */
const PAGE = 5;

/** A colloquial question of the list (tests/fixtures/queries.yaml) that reads the purpose and need models. */
const FIRST_COLLOQUIAL = '資金繰りが苦しい';

/** Longest a warm-up may take, so that it stays short at 100,000 programs. */
const WARM_UP_MS = 5000;

/**
 * Paths the query list does not take, or takes once among 140 questions, and that cost far more
 * than it in a large catalog (issue 13: at 100,000 programs 0.3–1.2 s where the list's p99 was
 * tens of ms). Timed apart and reported per kind, so the list's figures stay comparable with
 * earlier runs. The filters match nothing in the bundled and synthetic catalogs (no program has
 * a period or areas: only jGrants' do), so they are answered with suggestions, like the words
 * the catalog lacks (typos, other things altogether), which some answer by nearby words.
 */
const SLOW_PATHS = {
  'no hit as typed': ['クワガタの飼育', 'ほげほげ', 'ものずくり', 'えきすぽーと', 'カブトムシ 飼育 方法', 'ぴよぴよ ふがふが', 'Zxqvw'],
  'filter, no hit': ['受付中 締切:30日以内 創業', '受付中', '締切:7日以内 補助金', '地域:鹿児島 受付中 事業承継', '受付中 ほげほげ', '目的:創業 受付中'],
  '目的 filter': ['目的:創業', '目的:販路拡大 重点:3', '目的:資金繰り 融資'],
};
/** 似た事業 of this many programs, spread over the catalog. */
const SIMILAR_PROGRAMS = 5;

/**
 * The slow paths (SLOW_PATHS and 似た事業) as `measure` times the list: one pass first (its
 * time per kind reported as `firstMs`, the worst of the kind: tables some paths make on first
 * use), then up to `rounds` passes, cut short after `querySeconds`.
 * @param {any} engine
 * @param {number} rounds
 * @param {number} querySeconds
 */
function slowPaths(engine, rounds, querySeconds) {
  /** @type {Array<{ kind: string; ask: () => unknown }>} */
  const asks = [];
  for (const [kind, queries] of Object.entries(SLOW_PATHS)) for (const q of queries) asks.push({ kind, ask: () => engine.search(q, { limit: PAGE }) });
  const programs = engine.programs;
  const count = Math.min(SIMILAR_PROGRAMS, programs.length);
  for (let i = 0; i < count; i++) {
    const id = programs[Math.floor((i * programs.length) / count)].id;
    asks.push({ kind: '似た事業', ask: () => engine.similar(id, 3) });
  }
  /** @type {Map<string, { first: number; samples: number[] }>} */
  const byKind = new Map();
  for (const { kind, ask } of asks) {
    const t = performance.now();
    ask();
    const d = since(t);
    const k = byKind.get(kind) ?? { first: 0, samples: [] };
    k.first = Math.max(k.first, d);
    byKind.set(kind, k);
  }
  const start = performance.now();
  for (let n = 0; n < rounds * asks.length; n++) {
    if (n >= asks.length && since(start) > querySeconds * 1000) break;
    const { kind, ask } = asks[n % asks.length];
    const t = performance.now();
    ask();
    byKind.get(kind)?.samples.push(since(t));
  }
  return [...byKind].map(([kind, { first, samples }]) => {
    samples.sort((a, b) => a - b);
    return { kind, asks: asks.filter((a) => a.kind === kind).length, samples: samples.length, firstMs: first, p50Ms: quantile(samples, 0.5), p99Ms: quantile(samples, 0.99), maxMs: samples[samples.length - 1] ?? NaN };
  });
}

/**
 * @param {string} queriesFile
 * @param {number} rounds
 * @param {number} querySeconds
 */
async function measure(queriesFile, rounds, querySeconds, productWarmUp = false) {
  const paths = loadPaths();
  const baseline = memory();

  const { engine, hashMs, readParseMs, sourcesMs, fromJsonMs } = await load(paths);
  const loaded = memory();

  // The answer the command-line tool should give too (the parent compares them).
  const first = engine.search('創業', { limit: 1 });
  const firstAnswer = { total: first.total, top: first.hits[0]?.program.id ?? null };

  // Queries interleaved by kind (keyword, colloquial, kana, …, keyword, …), so that a pass
  // cut short by the time limit still samples every kind in its proportion.
  const list = await loadEvalQueries(queriesFile);

  // A colloquial question asked cold (before any warm-up) that reads the purpose and need
  // models, which a process makes on first use unless its index file holds them (the list's
  // first, お金を借りたい, reads neither). Only in the process warmed by the list: the product's
  // warm-up is measured untouched.
  const colloquial = productWarmUp ? undefined : FIRST_COLLOQUIAL;
  let firstColloquial = null;
  if (colloquial !== undefined) {
    const t = performance.now();
    engine.search(colloquial, { limit: PAGE });
    firstColloquial = { query: colloquial, ms: since(t) };
  }
  /** @type {Map<string, typeof list>} */
  const byKind = new Map();
  for (const q of list) byKind.set(q.kind, [...(byKind.get(q.kind) ?? []), q]);
  /** @type {string[]} */
  const queries = [];
  for (let i = 0; queries.length < list.length; i++) for (const group of byKind.values()) if (group[i]) queries.push(group[i].query);

  // Warm-up (JIT, caches filled on first use such as phrase haystacks): in the same order,
  // so one query of each kind comes first, for at most WARM_UP_MS. Or the product's own
  // warm-up (the same function and bounds as the bot's), which never sees the list.
  let start = performance.now();
  /** @type {import('../dist/search/warm-up.js').WarmUpResult | null} */
  let warmed = null;
  if (productWarmUp) {
    warmed = await warmUp(engine);
  } else {
    for (const q of queries) {
      if (since(start) > WARM_UP_MS) break;
      engine.search(q, { limit: PAGE });
    }
  }

  // Up to `rounds` passes; past `querySeconds`, stop, but not before one query of each kind.
  /** @type {number[]} */
  const samples = [];
  // Per sample, the main thread's own CPU time and its wait for a CPU (Linux only): on a shared
  // 2-core machine a wall-clock tail can be time spent waiting, not answering.
  /** @type {number[]} */
  const cpuSamples = [];
  /** @type {number[]} */
  const waitSamples = [];
  start = performance.now();
  while (samples.length < rounds * queries.length) {
    if (samples.length >= byKind.size && since(start) > querySeconds * 1000) break;
    const q = queries[samples.length % queries.length] ?? '';
    const before = mainThreadSchedule();
    const t = performance.now();
    engine.search(q, { limit: PAGE });
    samples.push(since(t));
    const after = mainThreadSchedule();
    if (before && after) {
      cpuSamples.push((after.cpuNs - before.cpuNs) / 1e6);
      waitSamples.push((after.waitNs - before.waitNs) / 1e6);
    }
  }
  samples.sort((a, b) => a - b);
  cpuSamples.sort((a, b) => a - b);
  waitSamples.sort((a, b) => a - b);
  const slow = slowPaths(engine, rounds, querySeconds);
  return {
    programs: engine.size,
    hashMs,
    sourcesMs,
    readParseMs,
    fromJsonMs,
    baseline,
    loaded,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    firstAnswer,
    firstColloquial,
    queries: queries.length,
    samples: samples.length,
    p50Ms: quantile(samples, 0.5),
    p99Ms: quantile(samples, 0.99),
    maxMs: samples[samples.length - 1] ?? NaN,
    // A query's CPU of 0 means the kernel did not bring it up to date (see mainThreadSchedule): then there is no figure.
    cpuP99Ms: (cpuSamples[0] ?? 0) > 0 ? quantile(cpuSamples, 0.99) : null,
    waitP99Ms: waitSamples.length ? quantile(waitSamples, 0.99) : null,
    productWarmUp: warmed,
    slowPaths: slow,
  };
}

const SCHEDSTAT = `/proc/${process.pid}/task/${process.pid}/schedstat`;

/**
 * The main thread's CPU time and time waiting for a CPU so far (ns), from Linux's schedstat
 * ("on-CPU ns, run-queue wait ns, timeslices"); null where there is none. Read around each
 * timed query, outside its wall-clock time; its own cost (about 10 µs) falls in the CPU figure.
 *
 * The kernel brings a running thread's CPU time up to date only at a scheduler tick or a
 * context switch, and reading schedstat does not: read alone, a query's CPU was 0 or one tick
 * (4 ms at HZ=250), so its p99 was 4.0 ms whatever the query cost (84–87 % of 432 deltas were 0,
 * the rest ≈ 4 ms; their mean was right). process.cpuUsage() (getrusage) first makes the kernel
 * account the calling thread's time so far (thread_group_cputime), so the CPU figure is exact:
 * a 0.3 ms busy loop then reads 0.32 ms (p50 of 2,000), never 0. The wait needs no such step:
 * it is added up when the thread gets a CPU back, which is before the read after a query.
 */
function mainThreadSchedule() {
  try {
    process.cpuUsage();
    const [cpu, wait] = readFileSync(SCHEDSTAT, 'utf8').split(' ');
    return { cpuNs: Number(cpu), waitNs: Number(wait) };
  } catch {
    return null;
  }
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  switch (mode) {
    case 'dict':
      return dict();
    case 'prepare':
      return prepare(Number(args[0]), String(args[1]), args[2] === '1');
    case 'measure':
      return measure(String(args[0]), Number(args[1]), Number(args[2]), args[3] === '1');
    default:
      throw new Error(`bench-child: unknown mode ${mode} (run npm run bench instead)`);
  }
}

process.stdout.write(JSON.stringify(await main()) + '\n');
