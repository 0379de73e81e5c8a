#!/usr/bin/env node
/**
 * Build once, run many times. `npm ci` / `npm install` run this (npm's `prepare`), and so does
 * `npm run build`; `npm start` and `npm run shien` (bin/shien.mjs, scripts/start.mjs) call
 * `ensureBuilt()`, which costs a few milliseconds when nothing changed and rebuilds only when
 * the compiled code is older than src/, saying so on stderr.
 *
 * Layout: each build is a directory `.build/<hash of src/ and the tsconfigs>/` holding the
 * compiled JavaScript and the bundled catalog's search index; `dist` is a symbolic link to the
 * current one. A build is made in a directory nobody runs, completed (stamp last), and then
 * the link is replaced by rename(2), which is atomic: a process started at any moment imports
 * one whole build, never a mix of two (Node resolves `dist/…` to the real path once, so all of
 * a process's imports come from the same build). Builds are made under a lock (a directory
 * created with mkdir, atomic too), so eight commands started together build once.
 * The index of another catalog (SHIEN_CATALOG_DIR) is the running process's business
 * (src/search/load.ts): this builds the bundled catalog's.
 *
 * Plain JavaScript with node: imports only: it runs before anything is compiled.
 *
 * Usage: node scripts/build.mjs [--force]   (exit 1 when TypeScript reports errors)
 *        node scripts/build.mjs --prepare   (npm's prepare: exit 0 on type errors; without TypeScript, nothing to do)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** child_process only when building: a start with dist/ current does not pay for loading it. */
const spawnSync = (...args) => createRequire(import.meta.url)('node:child_process').spawnSync(...args);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILDS = path.join(ROOT, '.build');
export const DIST = path.join(ROOT, 'dist');
const LOCK = path.join(BUILDS, 'lock');
const STAMP = '.stamp.json';
/** Files besides src/ whose change changes the build (the lock file: a new kuromoji or MiniSearch changes the index). */
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
/** A build nobody links to any more is removed after this long (a process started on it has long finished importing). */
const RETIRED_MS = 60 * 60 * 1000;
/** A lock older than this is a crashed build's. */
const LOCK_STALE_MS = 10 * 60 * 1000;

const say = (line) => process.stderr.write(`支援ナビ: ${line}\n`);

/** src/ and the tsconfigs, relative to the root, sorted. */
function inputFiles() {
  const src = fs
    .readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
  return [...src, ...CONFIG_FILES.filter((f) => fs.existsSync(path.join(ROOT, f)))].sort();
}

/** Names, sizes and times: equal means unchanged, without reading anything. */
function statKey(files) {
  const hash = createHash('sha256');
  for (const f of files) {
    const s = fs.statSync(path.join(ROOT, f));
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** What the code is: names and contents (a touched but unchanged file is no change). */
function contentHash(files) {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(fs.readFileSync(path.join(ROOT, f)));
  return hash.digest('hex').slice(0, 16);
}

/** The build dist/ links to, or undefined (no dist/, or an old-style real directory). */
function linkedBuild() {
  try {
    return path.basename(fs.readlinkSync(DIST));
  } catch {
    return undefined;
  }
}

function readStamp(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes a file by rename, so a reader never sees half of it. */
function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Takes the build lock, waiting for another build to finish; returns its release. */
function lock() {
  fs.mkdirSync(BUILDS, { recursive: true });
  let waited = false;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(path.join(LOCK, 'owner'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
      return { waited, release: () => fs.rmSync(LOCK, { recursive: true, force: true }) };
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    let owner;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(LOCK, 'owner'), 'utf8'));
    } catch {
      owner = undefined; // being written, or left by a crash before it was
    }
    let age = 0;
    try {
      age = Date.now() - fs.statSync(LOCK).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const dead = owner && owner.host === os.hostname() && !alive(owner.pid);
    if (dead || age > LOCK_STALE_MS) {
      fs.rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (!waited) say('別のプロセスが dist/ を作っています。終わるのを待ちます…');
    waited = true;
    sleep(200);
  }
}

function tscPath() {
  const file = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return fs.existsSync(file) ? file : undefined;
}

/** Points dist at `.build/<hash>` by renaming a new link over it. */
function relink(hash) {
  const previous = linkedBuild();
  const tmp = path.join(BUILDS, `link-${process.pid}`);
  fs.rmSync(tmp, { force: true });
  if (process.platform === 'win32') fs.symlinkSync(path.join(BUILDS, hash), tmp, 'junction');
  else fs.symlinkSync(path.join('.build', hash), tmp); // relative to dist's directory, once renamed there
  let stat;
  try {
    stat = fs.lstatSync(DIST);
  } catch {
    stat = undefined;
  }
  // dist/ from before builds were kept apart: moved aside whole (once), removed later.
  if (stat && !stat.isSymbolicLink()) fs.renameSync(DIST, path.join(BUILDS, `old-dist-${process.pid}`));
  fs.renameSync(tmp, DIST);
  if (previous && previous !== hash) {
    const now = new Date();
    try {
      fs.writeFileSync(path.join(BUILDS, previous, '.retired'), now.toISOString());
    } catch {
      // already gone
    }
  }
}

/** Removes builds retired (or abandoned half-way) more than RETIRED_MS ago. */
function clean(current) {
  for (const name of fs.readdirSync(BUILDS)) {
    if (name === current || name === 'lock') continue;
    const dir = path.join(BUILDS, name);
    let since;
    try {
      const marker = path.join(dir, '.retired');
      since = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : readStamp(dir) ? undefined : fs.statSync(dir).mtimeMs;
    } catch {
      continue;
    }
    // A complete build never linked (undefined) stays: switching back to it costs nothing.
    if (since !== undefined && Date.now() - since > RETIRED_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment of the index build: the bundled catalog, whatever the caller's settings. */
function bundledCatalogEnv(indexFile) {
  const env = { ...process.env, SHIEN_INDEX_FILE: indexFile };
  delete env.SHIEN_CATALOG_DIR;
  delete env.SHIEN_SEEDS_DIR;
  return env;
}

class BuildFailed extends Error {}

/** Compiles into .build/<hash> and writes the bundled catalog's index there; dist is not touched. */
function build(hash, stat) {
  const dir = path.join(BUILDS, hash);
  if (readStamp(dir)?.hash === hash) return; // built before (src/ went back to an earlier state)
  const tsc = tscPath();
  if (!tsc) throw new BuildFailed('TypeScript (devDependencies) がインストールされていないため dist/ を作れません。npm ci (--omit=dev なし) を実行してください');
  const tmp = path.join(BUILDS, `${hash}.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  // tsc reports errors on stdout: stdout belongs to the command's answer, so they go to stderr.
  const compiled = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', tmp], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  // Exit 2: type errors, JavaScript written anyway. It runs, as tsx would run src/ (npm test
  // type-checks); exit 1 or a signal: nothing usable was written.
  const typeErrors = compiled.status === 2;
  if (compiled.status !== 0 && !typeErrors) {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(path.join(BUILDS, `${hash}.failed`), new Date().toISOString());
    throw new BuildFailed('TypeScript のコンパイルに失敗しました (上のエラーを直してください)');
  }
  if (typeErrors) say('型エラーがあります (上のとおり)。書き出された JavaScript で実行します (npm run typecheck で確認)');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  const indexed = spawnSync(process.execPath, [path.join(dir, 'cli.js'), 'index'], {
    cwd: ROOT,
    env: bundledCatalogEnv(path.join(dir, 'search-index.json')),
    stdio: ['ignore', 2, 2],
  });
  // Without an index every start analyses the catalog with kuromoji: slower, still correct.
  if (indexed.status !== 0) say('検索索引を作れませんでした (上のメッセージを参照)。起動のたびにカタログを解析します');
  writeAtomic(path.join(dir, STAMP), JSON.stringify({ hash, stat, typeErrors, builtAt: new Date().toISOString() }));
}

/**
 * Makes dist/ current. Returns quickly when it is. Throws BuildFailed with a Japanese message
 * when it cannot be built and there is no earlier build to run.
 * `force`: build again even when current (npm run build).
 */
export function ensureBuilt({ force = false } = {}) {
  const files = inputFiles();
  const stat = statKey(files);
  const linked = linkedBuild();
  if (!force && linked && readStamp(DIST)?.stat === stat) return { rebuilt: false };
  const hash = contentHash(files);
  const stamp = linked === hash ? readStamp(DIST) : undefined;
  if (!force && stamp?.hash === hash) {
    // Touched, not changed (a checkout, an editor saving unchanged files): the stamp learns
    // the new times, so the next start is back to comparing them without reading src/.
    try {
      writeAtomic(path.join(BUILDS, hash, STAMP), JSON.stringify({ ...stamp, stat }));
    } catch {
      // a read-only checkout: the next start reads src/ again, nothing worse
    }
    return { rebuilt: false };
  }
  if (!force && linked && fs.existsSync(path.join(BUILDS, `${hash}.failed`))) {
    say('src/ は前回のビルド以降に変わっていますが、コンパイルできないため前回のビルドで実行します (詳細: npm run build)');
    return { rebuilt: false };
  }
  const started = performance.now();
  const { waited, release } = lock();
  try {
    if (!force && waited && linkedBuild() === hash && readStamp(DIST)?.hash === hash) return { rebuilt: false }; // built by the process we waited for
    say(linked ? 'src/ が前回のビルドから変わったため dist/ を作り直します (TypeScript と検索索引、数秒かかります)…' : 'dist/ を作ります (TypeScript と検索索引、数秒かかります)…');
    if (force) {
      fs.rmSync(path.join(BUILDS, hash, STAMP), { force: true });
      fs.rmSync(path.join(BUILDS, `${hash}.failed`), { force: true });
    }
    try {
      build(hash, stat);
    } catch (error) {
      if (error instanceof BuildFailed && linked && !force) {
        say(`${error.message}。前回のビルドで実行します`);
        return { rebuilt: false };
      }
      throw error;
    }
    relink(hash);
    clean(hash);
    say(`dist/ を作りました (${((performance.now() - started) / 1000).toFixed(1)} 秒)`);
    return { rebuilt: true };
  } finally {
    release();
  }
}

/** Runs ensureBuilt for a launcher: on failure, the message and exit code 1. */
export function ensureBuiltOrExit() {
  try {
    ensureBuilt();
  } catch (error) {
    say(error instanceof BuildFailed ? error.message : `dist/ を作れません: ${error.stack ?? error}`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--force' && a !== '--prepare');
  if (unknown.length) {
    process.stderr.write(`不明な引数: ${unknown.join(' ')}\n使い方: node scripts/build.mjs [--force]\n`);
    process.exit(2);
  }
  // npm ci --omit=dev (no TypeScript) still installs; the first start then says what is missing.
  if (args.includes('--prepare') && !tscPath()) {
    say('TypeScript (devDependencies) がないため dist/ は作りません');
    process.exit(0);
  }
  try {
    const { rebuilt } = ensureBuilt({ force: args.includes('--force') });
    if (!rebuilt) say('dist/ は最新です (作り直すには npm run build -- --force)');
    // A build with type errors runs, but `npm run build` says it failed. npm's prepare does not:
    // it also runs on `npm install <package>`, which type errors elsewhere must not block
    // (npm test type-checks).
    if (readStamp(DIST)?.typeErrors && !args.includes('--prepare')) {
      say('型エラーがあるため終了コード 1 で終わります (npm run typecheck で確認)');
      process.exit(1);
    }
  } catch (error) {
    say(error instanceof BuildFailed ? error.message : `dist/ を作れません: ${error.stack ?? error}`);
    process.exit(1);
  }
}
