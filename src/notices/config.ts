import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../config.js';
import { POSTGRES_URL } from '../db/url.js';

/**
 * Configuration of the daily new-program notices, read from the environment.
 *
 * A mistake here (a channel *name* instead of an id, `9時`) would otherwise surface only at
 * 09:00 the next morning as a silent non-post, so values are validated at start-up and a bad
 * one is refused with one Japanese line that names the variable.
 */
export interface NoticeConfig {
  /** Directory of the notice database (`shien.db`); git-ignored `data/` by default. */
  dataDir: string;
  /** Channels subscribed by configuration (in addition to `/支援 通知 オン`), without duplicates. */
  channels: string[];
  /** Daily time of the digest in Asia/Tokyo, normalised to `HH:MM`. */
  at: string;
  /**
   * DATABASE_URL (postgres://…): the notices' state in PostgreSQL, shared by every replica
   * (issue 14). Unset: SQLite in `dataDir`, as for one process.
   */
  databaseUrl?: string;
}

export const DEFAULT_NOTIFY_AT = '09:00';

/** Slack conversation ids: C… public, G… private (legacy), D… direct message. */
export const CHANNEL_ID_PATTERN = /^[CGD][A-Z0-9]{2,}$/;

/** `9:00` and `09:00` are both accepted (people write both); `24:00` and `9時` are not. */
const TIME_PATTERN = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** A configuration value that cannot be used; the message is one line naming the variable. */
export class NoticeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoticeConfigError';
  }
}

/** An empty variable (`SHIEN_NOTIFY_AT=` in a .env file) means "not set", not "invalid". */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const NoticeEnvSchema = z.object({
  SHIEN_DATA_DIR: optionalText,
  SHIEN_NOTIFY_CHANNELS: optionalText,
  SHIEN_NOTIFY_AT: optionalText,
  DATABASE_URL: optionalText,
});

/** Parses `HH:MM` (or `H:MM`) into `HH:MM`; undefined when it is not a time of day. */
export function parseNotifyAt(text: string): string | undefined {
  const m = TIME_PATTERN.exec(text.trim());
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]!}` : undefined;
}

/** Comma-separated channel ids; blanks (`C1,,C2,`) are ignored, duplicates dropped. */
export function parseChannelList(text: string): { channels: string[]; invalid: string[] } {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    channels: [...new Set(items.filter((c) => CHANNEL_ID_PATTERN.test(c)))],
    invalid: items.filter((c) => !CHANNEL_ID_PATTERN.test(c)),
  };
}

/** The notice configuration from `env`; throws NoticeConfigError on an invalid value. */
export function loadNoticeConfig(env: NodeJS.ProcessEnv = process.env): NoticeConfig {
  const parsed = NoticeEnvSchema.parse(env);
  const at = parsed.SHIEN_NOTIFY_AT === undefined ? DEFAULT_NOTIFY_AT : parseNotifyAt(parsed.SHIEN_NOTIFY_AT);
  if (at === undefined) {
    throw new NoticeConfigError(`SHIEN_NOTIFY_AT は 00:00〜23:59 の HH:MM で指定してください (指定: "${parsed.SHIEN_NOTIFY_AT}")`);
  }
  const { channels, invalid } = parseChannelList(parsed.SHIEN_NOTIFY_CHANNELS ?? '');
  if (invalid.length) {
    throw new NoticeConfigError(
      `SHIEN_NOTIFY_CHANNELS にチャンネル ID ではない値があります: ${invalid.map((c) => `"${c}"`).join(', ')} (C0123ABCD のような ID をカンマ区切りで指定してください。ID はチャンネル詳細の最下部にあります)`,
    );
  }
  // The URL may carry a password: the message names the variable, never the value.
  if (parsed.DATABASE_URL !== undefined && !POSTGRES_URL.test(parsed.DATABASE_URL)) {
    throw new NoticeConfigError('DATABASE_URL は postgres://ユーザー:パスワード@ホスト:ポート/データベース の形で指定してください (PostgreSQL を使わないときは設定しません)');
  }
  return {
    dataDir: path.resolve(parsed.SHIEN_DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    channels,
    at,
    ...(parsed.DATABASE_URL !== undefined ? { databaseUrl: parsed.DATABASE_URL } : {}),
  };
}
