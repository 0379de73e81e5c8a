import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { z } from 'zod';

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

// An empty value (`SLACK_APP_TOKEN=` left in .env) means "not set", not "malformed".
const optionalSetting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const PathsSchema = z.object({
  SHIEN_SEEDS_DIR: optionalSetting(z.string()),
  SHIEN_CATALOG_DIR: optionalSetting(z.string()),
  SHIEN_INDEX_FILE: optionalSetting(z.string()),
});

export interface Paths {
  seedsDir: string;
  catalogDir: string;
  agenciesFile: string;
  /** Search vocabulary: synonym groups, intents, purpose short names. */
  synonymsFile: string;
  /** Spelling variants folded at index and query time (optional file). */
  variantsFile?: string;
  /** Prebuilt search index (`shien index`, run by `npm run build`); used when it matches the catalog. */
  indexFile: string;
  /**
   * Whether a stale index may be replaced at start: the bundled catalog's own index, or one
   * named by SHIEN_INDEX_FILE. Not dist/'s index for another catalog (SHIEN_CATALOG_DIR alone):
   * that would make every start on the bundled catalog rebuild it again.
   */
  persistIndex?: boolean;
}

/** Where the catalog lives; validated from the environment. */
export function loadPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const parsed = PathsSchema.parse(env);
  const seedsDir = path.resolve(parsed.SHIEN_SEEDS_DIR ?? path.join(PROJECT_ROOT, 'seeds'));
  return {
    seedsDir,
    catalogDir: path.resolve(parsed.SHIEN_CATALOG_DIR ?? path.join(seedsDir, 'catalog')),
    agenciesFile: path.join(seedsDir, 'agencies.yaml'),
    synonymsFile: path.join(seedsDir, 'synonyms.yaml'),
    variantsFile: path.join(seedsDir, 'variants.yaml'),
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

/** How `npm start` serves: Slack over a WebSocket, Slack over HTTP, or a local console. */
export type SlackConfig =
  | { mode: 'console' }
  | { mode: 'socket'; botToken: string; appToken: string; apiUrl?: string; logLevel?: LogLevel }
  | { mode: 'http'; botToken: string; signingSecret: string; port: number; apiUrl?: string; logLevel?: LogLevel };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SlackEnvSchema = z.object({
  SLACK_APP_TOKEN: optionalSetting(z.string().regex(/^xapp-\S+$/, 'は xapp- で始まるアプリレベルトークンです')),
  SLACK_BOT_TOKEN: optionalSetting(z.string().regex(/^xoxb-\S+$/, 'は xoxb- で始まるボットトークンです')),
  SLACK_SIGNING_SECRET: optionalSetting(z.string().regex(/^[0-9a-f]{16,}$/i, 'は Basic Information の Signing Secret (英数字) です')),
  PORT: optionalSetting(z.coerce.number({ message: 'は数字です' }).int('は整数です').min(0, 'は 0〜65535 です').max(65535, 'は 0〜65535 です')),
  SLACK_API_URL: optionalSetting(z.url({ message: 'は URL です (例 https://slack.com/api/)' })),
  LOG_LEVEL: optionalSetting(z.enum(LOG_LEVELS, { message: `は ${LOG_LEVELS.join(' / ')} のどれかです` })),
});

/**
 * The serving mode from the environment. Tokens are checked for shape only; Slack checks
 * them for real at connection. Throws ConfigError whose message names the variable.
 */
export function loadSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const parsed = SlackEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`設定エラー: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const apiUrl = e.SLACK_API_URL;
  const logLevel = e.LOG_LEVEL ?? 'info';
  if (e.SLACK_APP_TOKEN) {
    if (!e.SLACK_BOT_TOKEN) throw new ConfigError('設定エラー: SLACK_APP_TOKEN (Socket Mode) には SLACK_BOT_TOKEN も必要です');
    return { mode: 'socket', botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN, apiUrl, logLevel };
  }
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET) {
    if (!e.SLACK_BOT_TOKEN) throw new ConfigError('設定エラー: SLACK_SIGNING_SECRET (HTTP モード) には SLACK_BOT_TOKEN も必要です');
    if (!e.SLACK_SIGNING_SECRET) throw new ConfigError('設定エラー: SLACK_BOT_TOKEN だけでは起動できません。HTTP モードには SLACK_SIGNING_SECRET、Socket Mode には SLACK_APP_TOKEN を設定してください');
    return { mode: 'http', botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, port: e.PORT ?? 3000, apiUrl, logLevel };
  }
  return { mode: 'console' };
}

/** What posting to Slack needs (`notify --once`): the bot token, and the API URL if overridden. */
export function loadPostingConfig(env: NodeJS.ProcessEnv = process.env): { botToken: string; apiUrl?: string } {
  const parsed = SlackEnvSchema.pick({ SLACK_BOT_TOKEN: true, SLACK_API_URL: true }).safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`設定エラー: ${String(issue.path[0])} ${issue.message}`);
  }
  if (!parsed.data.SLACK_BOT_TOKEN) throw new ConfigError('設定エラー: SLACK_BOT_TOKEN を設定してください (Slack アプリの Bot User OAuth Token, xoxb-…)');
  return { botToken: parsed.data.SLACK_BOT_TOKEN, ...(parsed.data.SLACK_API_URL ? { apiUrl: parsed.data.SLACK_API_URL } : {}) };
}

/** `KEY=value` (optionally `export KEY=value`), as dotenv and Node read it. */
const ENV_LINE = /^\s*(?:export\s+)?[\w.-]+\s*=/;

/**
 * Lines of a .env file that are neither a `KEY=value` line, a comment nor blank (a quoted
 * value may run over several lines): 1-based numbers, for a warning. Node's parser skips them
 * silently, and a variable that silently does not arrive is hard to find.
 */
export function unreadableEnvLines(text: string): number[] {
  const bad: number[] = [];
  let openQuote: string | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = undefined;
      return;
    }
    if (!line.trim() || line.trim().startsWith('#')) return;
    if (!ENV_LINE.test(line)) {
      bad.push(i + 1);
      return;
    }
    const value = line.slice(line.indexOf('=') + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && !value.slice(1).includes(quote)) openQuote = quote;
  });
  return bad;
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
  const bad = unreadableEnvLines(text);
  if (bad.length) warn(`警告: ${file} の ${bad.join(', ')} 行目を読めません (KEY=値 の形で書きます)。その行は無視しました`);
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
