import { z } from 'zod';
import { ConfigError, SLACK_SETTINGS } from './config.js';

/**
 * The Slack settings (tokens, signing secret, port, API URL, log level), validated with zod at
 * start-up. Imported only when one of them is given (config.ts#slackSettingsGiven), so the
 * local console starts without zod.
 */

// An empty value (`SLACK_APP_TOKEN=` left in .env) means "not set", not "malformed".
const optionalSetting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

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

// The console's check (slackSettingsGiven) must know every setting this schema reads: checked by the compiler.
type Listed = (typeof SLACK_SETTINGS)[number];
const keysAgree: [keyof typeof SlackEnvSchema.shape] extends [Listed] ? ([Listed] extends [keyof typeof SlackEnvSchema.shape] ? true : never) : never = true;
void keysAgree;

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
