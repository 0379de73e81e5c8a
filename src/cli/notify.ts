import { hostname } from 'node:os';
import { checkDataDir, ConfigError, type Paths } from '../config.js';
import { loadPostingConfig } from '../slack-config.js';
import { CatalogError } from '../catalog/load.js';
import { loadNoticeConfig, NoticeConfigError } from '../notices/config.js';
import { postErrorHint, runNotices, type RunResult } from '../notices/run.js';
import { slackPoster } from '../notices/slack-post.js';
import { openNoticeStore } from '../notices/store.js';
import { catalogProblemsText, type CliIo } from './io.js';

export const NOTIFY_USAGE = `使い方: notify --once
  新着の支援事業を購読中の各チャンネルに今すぐ通知して終了します (毎日の通知はボットが実行します)。
  環境変数: SLACK_BOT_TOKEN (必須), SLACK_API_URL, SHIEN_DATA_DIR, DATABASE_URL, SHIEN_CATALOG_DIR, SHIEN_NOTIFY_CHANNELS
  終了コード: 0 すべて投稿できた (新着なしを含む) / 1 投稿の失敗・カタログの問題・別のプロセスが実行中 / 2 使い方・設定の誤り
`;

/** One line per channel: what the channel got, or why not and what to do. */
function channelLine(c: RunResult['channels'][number]): string {
  if (c.posted) return `${c.channel}: 新着 ${c.newCount} 件を投稿しました`;
  if (c.error === undefined) return `${c.channel}: 新着なし`;
  if (c.turnedOff) return `${c.channel}: 新着 ${c.newCount} 件を投稿できませんでした (${c.error})。チャンネルがアーカイブされているため、このチャンネルの通知をオフにしました${c.hint ? ` — ${c.hint}` : ''}`;
  return `${c.channel}: 新着 ${c.newCount} 件を投稿できませんでした (${c.error})${c.hint ? ` — ${c.hint}` : ''}。次回の実行で再送します`;
}

/** What the run did, for a person at a terminal (why it did not run: on stderr); returns the exit code. */
export function reportRun(result: RunResult, { out, err }: CliIo): number {
  if (result.status === 'catalog-error') {
    err.write(catalogProblemsText('カタログに問題があるため通知しませんでした', new CatalogError(result.catalogProblems ?? [])));
    return 1;
  }
  if (result.skipped?.reason === 'lease') {
    err.write(`別のプロセス (${result.skipped.holder}) が通知を実行中のため、何もしませんでした。終わってから実行してください\n`);
    return 1;
  }
  for (const channel of result.config?.added ?? []) {
    out.write(`${channel}: SHIEN_NOTIFY_CHANNELS から購読を始めました (今あるカタログは既知として扱い、次の新着から通知します)\n`);
  }
  for (const channel of result.config?.off ?? []) {
    out.write(`${channel}: SHIEN_NOTIFY_CHANNELS にありますが、チャンネルで通知がオフにされています (/支援 通知 オン で再開)\n`);
  }
  for (const c of result.channels) out.write(channelLine(c) + '\n');
  // 締切 reminders: counted in the totals, so each is named with why (a failed one was in the count alone; review).
  for (const d of result.deadlines ?? []) {
    const hint = d.error === undefined ? undefined : postErrorHint(d.error);
    const off = d.turnedOff ? '。チャンネルがアーカイブされているため、締切の通知をオフにしました' : '';
    out.write(d.posted ? `${d.channel}: 締切が近い ${d.programIds.length} 件をお知らせしました\n` : `${d.channel}: 締切が近い ${d.programIds.length} 件をお知らせできませんでした (${d.error ?? '不明なエラー'})${hint ? ` — ${hint}` : ''}${off}\n`);
  }
  if (!result.channels.length) out.write('通知先のチャンネルがありません (チャンネルで /支援 通知 オン、または SHIEN_NOTIFY_CHANNELS で設定します)\n');
  const quiet = result.channels.filter((c) => c.newCount === 0).length;
  out.write(`合計: 投稿 ${result.posted} チャンネル・失敗 ${result.failed} チャンネル・新着なし ${quiet} チャンネル (カタログ ${result.catalogSize ?? 0} 件)\n`);
  return result.failed > 0 ? 1 : 0;
}

/** `shien notify --once`: run the notice job now, as the bot would at SHIEN_NOTIFY_AT. */
export async function notifyCommand(args: string[], paths: Paths, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { err } = io;
  if (args.length !== 1 || args[0] !== '--once') {
    const unknown = args.filter((a) => a !== '--once');
    err.write(`${unknown.length ? `不明な引数: ${unknown.join(' ')}\n` : '--once を指定してください\n'}${NOTIFY_USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadNoticeConfig(env);
  } catch (error) {
    if (!(error instanceof NoticeConfigError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  let posting;
  try {
    posting = loadPostingConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  try {
    if (!config.databaseUrl) checkDataDir(config.dataDir, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err.write(`${error.message}\n`);
    return 1; // the value is well-formed; the directory cannot be used
  }

  const store = await openNoticeStore(config);
  try {
    try {
      await store.init();
    } catch (error) {
      err.write(`通知のデータベース (${store.location}) を開けませんでした: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    const result = await runNotices({
      store,
      catalogDir: paths.catalogDir,
      ...(paths.needsFile ? { needsFile: paths.needsFile } : {}),
      post: slackPoster({ token: posting.botToken, ...(posting.apiUrl ? { slackApiUrl: posting.apiUrl } : {}) }),
      now: () => new Date(),
      trigger: 'once',
      configChannels: config.channels,
      holder: `cli@${hostname()}:${process.pid}`,
    });
    return reportRun(result, io);
  } finally {
    await store.close();
  }
}
