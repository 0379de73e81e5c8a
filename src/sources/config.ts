import path from 'node:path';
import { z } from 'zod';
import { ConfigError, PROJECT_ROOT } from '../config.js';
import { parseNotifyAt } from '../notices/config.js';
import { checkKeyword, DEFAULT_JGRANTS_API_URL } from './jgrants/client.js';
import { SOURCE_NAMES, type SourceName } from './program.js';

/**
 * Configuration of the external sources. Every source needs the network, so none is on
 * unless `SHIEN_SOURCES` names it: a fresh clone, the console and the tests stay offline.
 */
export interface SourcesConfig {
  /** Enabled sources (SHIEN_SOURCES=jgrants); empty: nothing is fetched, nothing imported is served. */
  enabled: SourceName[];
  /** The data directory (SHIEN_DATA_DIR), shared with the notices. */
  dataDir: string;
  /** SHIEN_SYNC_AT: the bot's daily sync, HH:MM in Asia/Tokyo (default 08:30, before the digest). */
  syncAt: string;
  jgrants: {
    apiUrl: string;
    /** target_area_search values queried, each with every keyword. */
    areas: string[];
    /** The broad keywords whose union stands for "everything" (the API has no such query). */
    keywords: string[];
  };
}

export const DEFAULT_JGRANTS_AREAS = ['鹿児島県', '九州・沖縄地方', '全国'];
/**
 * The default keyword union. The API has no "list all" and needs a 2+ character keyword;
 * these are the words public collectors found to cover the programs (every title or text
 * of a subsidy says at least one of 補助/助成/支援/事業/給付/奨励). Not yet measured
 * against a run with more keywords (that needs the real API).
 */
export const DEFAULT_JGRANTS_KEYWORDS = ['事業', '補助', '助成', '支援', '給付', '奨励'];

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const SourcesEnvSchema = z.object({
  SHIEN_SOURCES: optionalText,
  SHIEN_DATA_DIR: optionalText,
  JGRANTS_API_URL: optionalText,
  SHIEN_JGRANTS_AREAS: optionalText,
  SHIEN_JGRANTS_KEYWORDS: optionalText,
  SHIEN_SYNC_AT: optionalText,
});

const list = (text: string | undefined, fallback: string[]) =>
  text === undefined ? fallback : [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];

/**
 * What serving imported programs needs of the settings: the enabled sources and the data
 * directory, not how a sync fetches them. A bad SHIEN_JGRANTS_KEYWORDS (a sync setting) made
 * search drop every imported program without a word, and save an index without them.
 */
export function loadServedSources(env: NodeJS.ProcessEnv = process.env): Pick<SourcesConfig, 'enabled' | 'dataDir'> {
  const e = SourcesEnvSchema.parse(env);
  return { enabled: enabledSources(e.SHIEN_SOURCES), dataDir: path.resolve(e.SHIEN_DATA_DIR ?? path.join(PROJECT_ROOT, 'data')) };
}

/** SHIEN_SOURCES as source names; ConfigError naming an unknown one. */
function enabledSources(text: string | undefined): SourceName[] {
  const names = list(text, []);
  const unknown = names.filter((n) => !(SOURCE_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new ConfigError(`設定エラー: SHIEN_SOURCES に知らない取り込み元があります: ${unknown.join(', ')} (使えるのは ${SOURCE_NAMES.join(', ')})`);
  return names as SourceName[];
}

/** The sources configuration from `env`; throws ConfigError (one line naming the variable) on a bad value. */
export function loadSourcesConfig(env: NodeJS.ProcessEnv = process.env): SourcesConfig {
  const e = SourcesEnvSchema.parse(env);
  const names = enabledSources(e.SHIEN_SOURCES);
  const apiUrl = e.JGRANTS_API_URL ?? DEFAULT_JGRANTS_API_URL;
  if (!/^https?:\/\/[^\s]+$/.test(apiUrl) || !URL.canParse(apiUrl)) throw new ConfigError('設定エラー: JGRANTS_API_URL は http(s) の URL です (例 https://api.jgrants-portal.go.jp/exp)');
  const areas = list(e.SHIEN_JGRANTS_AREAS, DEFAULT_JGRANTS_AREAS);
  if (!areas.length) throw new ConfigError('設定エラー: SHIEN_JGRANTS_AREAS に地域がありません (例 鹿児島県,九州・沖縄地方,全国)');
  const keywords = list(e.SHIEN_JGRANTS_KEYWORDS, DEFAULT_JGRANTS_KEYWORDS);
  const badKeyword = keywords.map(checkKeyword).find(Boolean);
  if (badKeyword || !keywords.length) throw new ConfigError(`設定エラー: SHIEN_JGRANTS_KEYWORDS: ${badKeyword ?? 'キーワードがありません'}`);
  const syncAt = e.SHIEN_SYNC_AT === undefined ? '08:30' : parseNotifyAt(e.SHIEN_SYNC_AT);
  if (!syncAt) throw new ConfigError(`設定エラー: SHIEN_SYNC_AT は 00:00〜23:59 の HH:MM で指定してください (指定: "${e.SHIEN_SYNC_AT}")`);
  return {
    enabled: names,
    syncAt,
    dataDir: path.resolve(e.SHIEN_DATA_DIR ?? path.join(PROJECT_ROOT, 'data')),
    jgrants: { apiUrl, areas, keywords },
  };
}
