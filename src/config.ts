import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

/**
 * The project root: the nearest directory above this file with a package.json. src/ sits
 * right below it; compiled code in .build/<hash>/, which dist/ links to (scripts/build.mjs).
 */
export const PROJECT_ROOT = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..');
  }
}

/** Which build this code is: the compiled directory's name (its source hash), or `src` under tsx. */
export const BUILD_ID = path.basename(path.dirname(fileURLToPath(import.meta.url)));

/** A configuration value that cannot be used: one line, safe to print (never the value). */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

// An empty value (`SHIEN_CATALOG_DIR=` left in .env) means "not set", not "malformed".
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The settings that make `npm start` serve Slack instead of the local console
 * (slack-config.ts validates them with zod). Checked here without zod, so the console never
 * loads it: importing zod is a sixth of the console's start-up (issue 11).
 */
export const SLACK_SETTINGS = ['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'SLACK_API_URL', 'LOG_LEVEL'] as const;

/** Whether any Slack setting is given (an empty value is not): otherwise the mode is the console. */
export function slackSettingsGiven(env: NodeJS.ProcessEnv = process.env): boolean {
  return SLACK_SETTINGS.some((name) => setting(env, name) !== undefined);
}

export interface Paths {
  seedsDir: string;
  catalogDir: string;
  agenciesFile: string;
  /** Search vocabulary: synonym groups, intents, purpose short names. */
  synonymsFile: string;
  /** Spelling variants folded at index and query time (optional file). */
  variantsFile?: string;
  /** The 相談の種類 (needs) a program may list (optional file: absent, the catalog's needs are not checked). */
  needsFile?: string;
  /** Prebuilt search index (`shien index`, run by `npm run build`); used when it matches the catalog. */
  indexFile: string;
  /**
   * Whether a stale index may be replaced at start: the bundled catalog's own index, or one
   * named by SHIEN_INDEX_FILE. Not dist/'s index for another catalog (SHIEN_CATALOG_DIR alone):
   * that would make every start on the bundled catalog rebuild it again.
   */
  persistIndex?: boolean;
}

/** Where the catalog lives, from the environment (checkPaths checks that it can be used). */
export function loadPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const parsed = { SHIEN_SEEDS_DIR: setting(env, 'SHIEN_SEEDS_DIR'), SHIEN_CATALOG_DIR: setting(env, 'SHIEN_CATALOG_DIR'), SHIEN_INDEX_FILE: setting(env, 'SHIEN_INDEX_FILE') };
  const seedsDir = path.resolve(parsed.SHIEN_SEEDS_DIR ?? path.join(PROJECT_ROOT, 'seeds'));
  return {
    seedsDir,
    catalogDir: path.resolve(parsed.SHIEN_CATALOG_DIR ?? path.join(seedsDir, 'catalog')),
    agenciesFile: path.join(seedsDir, 'agencies.yaml'),
    synonymsFile: path.join(seedsDir, 'synonyms.yaml'),
    variantsFile: path.join(seedsDir, 'variants.yaml'),
    needsFile: path.join(seedsDir, 'needs.yaml'),
    indexFile: path.resolve(parsed.SHIEN_INDEX_FILE ?? path.join(PROJECT_ROOT, 'dist', 'search-index.json')),
    persistIndex: parsed.SHIEN_INDEX_FILE !== undefined || (parsed.SHIEN_SEEDS_DIR === undefined && parsed.SHIEN_CATALOG_DIR === undefined),
  };
}

/** The variable a path came from, for messages; undefined when it is the built-in default. */
function settingOf(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  return names.find((n) => env[n]);
}

function describeSetting(name: string | undefined, what: string, at: string): string {
  return name ? `${name} (${at})` : `${what} (${at})`;
}

/**
 * Checks that the directories and files the paths name can be used, before anything reads
 * them: one line naming the variable and the path instead of a raw ENOENT later.
 * `catalogMayBeMissing`: ingest creates the catalog directory; `synonyms: false`: a command that does not search.
 */
export function checkPaths(paths: Paths, options: { catalogMayBeMissing?: boolean; synonyms?: boolean } = {}, env: NodeJS.ProcessEnv = process.env): void {
  const seeds = describeSetting(settingOf(env, 'SHIEN_SEEDS_DIR'), 'seeds ディレクトリ', paths.seedsDir);
  if (!isDirectory(paths.seedsDir)) throw new ConfigError(`設定エラー: ${seeds} ${existsSync(paths.seedsDir) ? 'はディレクトリではありません' : 'がありません'}`);
  for (const file of options.synonyms === false ? [paths.agenciesFile] : [paths.agenciesFile, paths.synonymsFile]) {
    if (!isReadableFile(file)) throw new ConfigError(`設定エラー: ${seeds} に ${path.basename(file)} がありません (または読めません)`);
  }
  const catalog = describeSetting(settingOf(env, 'SHIEN_CATALOG_DIR', 'SHIEN_SEEDS_DIR'), 'カタログのディレクトリ', paths.catalogDir);
  if (existsSync(paths.catalogDir)) {
    if (!isDirectory(paths.catalogDir)) throw new ConfigError(`設定エラー: ${catalog} はディレクトリではありません`);
    if (!canAccess(paths.catalogDir, constants.R_OK | constants.X_OK)) throw new ConfigError(`設定エラー: ${catalog} を読めません`);
  } else if (!options.catalogMayBeMissing) {
    throw new ConfigError(`設定エラー: ${catalog} がありません`);
  }
  const indexSetting = settingOf(env, 'SHIEN_INDEX_FILE');
  if (indexSetting && !isDirectory(path.dirname(paths.indexFile))) {
    throw new ConfigError(`設定エラー: SHIEN_INDEX_FILE (${paths.indexFile}) のディレクトリがありません`);
  }
}

/**
 * Makes sure the notice database's directory (SHIEN_DATA_DIR) exists and is writable, so a
 * wrong setting is one line naming it, not SQLite's `unable to open database file`.
 */
export function checkDataDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): void {
  const what = describeSetting(settingOf(env, 'SHIEN_DATA_DIR'), 'データのディレクトリ', dataDir);
  if (existsSync(dataDir) && !isDirectory(dataDir)) throw new ConfigError(`設定エラー: ${what} はディレクトリではありません`);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch {
    throw new ConfigError(`設定エラー: ${what} を作れません`);
  }
  if (!canAccess(dataDir, constants.W_OK | constants.X_OK)) throw new ConfigError(`設定エラー: ${what} に書き込めません`);
  const db = path.join(dataDir, 'shien.db');
  if (existsSync(db) && !canAccess(db, constants.R_OK | constants.W_OK)) throw new ConfigError(`設定エラー: ${what} の shien.db に書き込めません`);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isReadableFile(p: string): boolean {
  try {
    return statSync(p).isFile() && canAccess(p, constants.R_OK);
  } catch {
    return false;
  }
}

function canAccess(p: string, mode: number): boolean {
  try {
    accessSync(p, mode);
    return true;
  } catch {
    return false;
  }
}

/** `KEY=value` (optionally `export KEY=value`), as dotenv and Node read it. */
const ENV_LINE = /^\s*(?:export\s+)?[\w.-]+\s*=/;

/**
 * What a .env file's lines will not give as written, by 1-based line number, for warnings:
 * - `unreadable`: neither a `KEY=value` line, a comment nor blank (a quoted value may run over
 *   several lines). Node's parser skips them silently, and a variable that silently does not
 *   arrive is hard to find.
 * - `commentCut`: an unquoted value with a `#` glued to it. Node's parser (as dotenv) reads the
 *   rest as a comment, so `SLACK_BOT_TOKEN=xoxb-…#1` arrived cut at the `#`, unsaid (operator
 *   walk-through). A `#` after a space is meant as a comment (`KEY=value # note`).
 */
export function envLineProblems(text: string): { unreadable: number[]; commentCut: number[] } {
  const unreadable: number[] = [];
  const commentCut: number[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (!line.trim() || line.trim().startsWith('#')) return;
    if (!ENV_LINE.test(line)) {
      unreadable.push(i + 1);
      return;
    }
    const value = line.slice(line.indexOf('=') + 1).trim();
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      if (!value.slice(1).includes(quote)) openQuote = quote;
    } else if (/\S#/.test(value)) commentCut.push(i + 1);
  });
  return { unreadable, commentCut };
}

/**
 * Reads `.env` from the working directory when present; set variables win over the file.
 * A UTF-8 byte-order mark (Windows editors save one) is ignored: with it, the first variable
 * would be read as `\uFEFFSLACK_BOT_TOKEN` and silently missing. Lines that cannot be read
 * are named on stderr (their line numbers, never their text: it may hold a secret).
 */
export function readDotEnv(file = '.env', warn: (line: string) => void = (line) => process.stderr.write(line + '\n')): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new ConfigError(`設定エラー: ${file} を読めません (${code ?? (error as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const { unreadable: bad, commentCut: cut } = envLineProblems(text);
  if (bad.length) warn(`警告: ${file} の ${bad.join(', ')} 行目を読めません (KEY=値 の形で書きます)。その行は無視しました`);
  if (cut.length) warn(`警告: ${file} の ${cut.join(', ')} 行目の値は # の前までとして読みました (# は行内コメントの始まりです。# を含む値は "…" で囲みます)`);
  // Blanked before parsing: Node's parser would read such a line and the next as one key
  // ("junk\nSHIEN_CATALOG_DIR"), silently losing the variable after it.
  const unreadable = new Set(bad);
  const readable = text.split(/\r?\n/).map((line, i) => (unreadable.has(i + 1) ? '' : line)).join('\n');
  for (const [key, value] of Object.entries(parseEnv(readable))) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

/** Slack user ids: U… (W… in Enterprise Grid). */
export const USER_ID_PATTERN = /^[UW][A-Z0-9]{2,}$/;

/**
 * `SHIEN_ADMIN_USERS`: the Slack user ids (comma-separated) of the staff who may edit
 * contacts from Slack. Unset means nobody. A name or an @mention instead of an id is
 * refused with one line naming the variable (the value is a list of ids, not a secret).
 */
export function loadAdminUsers(env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> {
  const items = (env.SHIEN_ADMIN_USERS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const invalid = items.filter((id) => !USER_ID_PATTERN.test(id));
  if (invalid.length) {
    throw new ConfigError(`設定エラー: SHIEN_ADMIN_USERS は U0123ABCD のような Slack のユーザー ID をカンマ区切りで書きます (ID でない値: ${invalid.length} 件。ID はプロフィールの「︙」→「メンバー ID をコピー」で取れます)`);
  }
  return new Set(items);
}

/**
 * `SHIEN_WARMUP`: whether a serving process (the bot, the interactive console) warms its search
 * engine up in idle time after a start or a catalog reload (src/search/warm-up.ts). On unless
 * `0`. Validated here without zod, like the paths: the console must not load zod (issue 11,
 * a sixth of its start-up), and the bot reads the same setting.
 */
export function loadWarmUpSetting(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = setting(env, 'SHIEN_WARMUP')?.trim().toLowerCase();
  if (value === undefined || ['1', 'on', 'true', 'yes'].includes(value)) return true;
  if (['0', 'off', 'false', 'no'].includes(value)) return false;
  throw new ConfigError('設定エラー: SHIEN_WARMUP は 1 (起動後に検索の準備運動をする、既定) か 0 (しない) です');
}
