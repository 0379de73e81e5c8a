import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The project root: dist/ and src/ both sit one level below it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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
  /** Prebuilt search index (`shien index`, run by `npm run build`); used when it matches the catalog. */
  indexFile: string;
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
    indexFile: path.resolve(parsed.SHIEN_INDEX_FILE ?? path.join(PROJECT_ROOT, 'dist', 'search-index.json')),
  };
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

/** Reads `.env` from the working directory when present; set variables win over the file. */
export function readDotEnv(file = '.env'): void {
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`設定エラー: ${file} を読めません (${(error as Error).message})`);
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
