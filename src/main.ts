#!/usr/bin/env node
import { CatalogError } from './catalog/errors.js';
import { checkDataDir, checkPaths, ConfigError, loadAdminUsers, loadPaths, loadWarmUpSetting, readDotEnv, slackSettingsGiven, type Paths } from './config.js';
import type { SlackConfig } from './slack-config.js';

/**
 * `npm start`. The environment picks the mode (see config.ts): Slack over Socket Mode,
 * Slack over HTTP, or, with no Slack tokens, the local console on the bundled catalog.
 * Each mode imports what it uses and nothing else: the console never loads Bolt, SQLite or
 * the notices (a third of its start-up time).
 */
const USAGE = `使い方: npm start   (引数はありません。Slack のトークンを環境変数か .env に設定するとボット、なければローカルのコンソール)
  コマンドラインの道具: npm run -s shien -- help
`;

async function main(argv: string[]): Promise<number> {
  if (argv.length) {
    const help = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help');
    if (help) process.stdout.write(USAGE);
    else process.stderr.write(`不明な引数: ${argv.join(' ')}\n${USAGE}`);
    return help ? 0 : 2;
  }
  let config: SlackConfig;
  let paths: Paths;
  let warmUp: boolean;
  try {
    readDotEnv();
    // zod (a sixth of the console's start-up) is loaded only when there are Slack settings to validate.
    config = slackSettingsGiven() ? (await import('./slack-config.js')).loadSlackConfig() : { mode: 'console' };
    paths = loadPaths();
    checkPaths(paths);
    warmUp = loadWarmUpSetting();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(error.message + '\n');
    return 1;
  }
  try {
    return config.mode === 'console' ? await consoleMode(paths, warmUp) : await slackMode(config, paths, warmUp);
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    const { catalogProblemsText } = await import('./cli/io.js');
    process.stderr.write(catalogProblemsText('カタログを読み込めないため起動できません', error));
    return 1;
  }
}

/** Answers from the terminal or a pipe until its input ends. */
async function consoleMode(paths: Paths, warmUp: boolean): Promise<number> {
  const [{ runConsole }, { loadEngineSaying }, { exitQuietlyOnClosedPipe }] = await Promise.all([import('./console.js'), import('./cli/engine.js'), import('./cli/io.js')]);
  exitQuietlyOnClosedPipe(); // `npm start | head` closes the pipe early: the reader leaving, not an error
  const engine = await loadEngineSaying(paths, process.stderr);
  // The contacts staff entered in Slack, as Slack's cards show them (a database that cannot be read: none, said once).
  const { readStaffEdits, staffLookup } = await import('./contacts/read.js');
  const staff = await readStaffEdits(process.env).then(staffLookup, (error: unknown) => {
    process.stderr.write(`スタッフが Slack で登録した連絡先を読めないため、seeds/agencies.yaml の連絡先を表示します: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  });
  await runConsole(engine, process.stdin, process.stdout, { warmUp, err: process.stderr, prompt: process.stdout.isTTY ? process.stdout : process.stderr, ...(staff ? { staff } : {}) });
  return 0;
}

/** The bot: serves until SIGTERM/SIGINT; returns once it is listening. */
async function slackMode(slack: Exclude<SlackConfig, { mode: 'console' }>, paths: Paths, warmUp: boolean): Promise<number> {
  const [{ loadNoticeConfig, NoticeConfigError }, { startBot }, { createLogger }] = await Promise.all([import('./notices/config.js'), import('./bot.js'), import('./log.js')]);
  let notices;
  let adminUsers;
  try {
    notices = loadNoticeConfig();
    adminUsers = loadAdminUsers();
    checkDataDir(notices.dataDir);
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof NoticeConfigError)) throw error;
    process.stderr.write(error.message + '\n');
    return 1;
  }
  const logger = createLogger({ level: slack.logLevel });
  // The signals are heard from before the start: a SIGTERM between "listening" and the end of
  // startBot (a deploy stopped at once, `npm start` then kill) used to end the process at once,
  // without its shutdown; it now shuts down once started (at the latest 8 s after the signal).
  let bot: Awaited<ReturnType<typeof startBot>> | undefined;
  let asked: string | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (!bot) {
      // Still starting (an index being built can take a minute): stop once started, and at
      // the latest after the grace period, as a stop that hangs does.
      if (asked === undefined) {
        process.stderr.write(`支援ナビ: ${signal} を受けました。起動が終わりしだい止めます。\n`);
        setTimeout(() => process.exit(1), 8000).unref();
      }
      asked ??= signal;
      return;
    }
    if (stopping) return;
    stopping = true;
    // Should anything hang past the grace period, the process still ends.
    setTimeout(() => process.exit(1), 8000).unref();
    const stopped = bot.stop(5000); // the HTTP server stops accepting before this returns
    logger.info({ signal }, 'shutting down');
    stopped.then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  // A library promise nobody awaits must not end the bot silently: say what it was, as a log line.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  try {
    bot = await startBot({ slack, notices, adminUsers, paths, logger, warmUp });
  } catch (error) {
    // The port taken (another bot still running) or not allowed: one line naming the setting, not Node's stack.
    const code = (error as NodeJS.ErrnoException).code;
    if (slack.mode !== 'http' || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw error;
    process.stderr.write(code === 'EADDRINUSE' ? `設定エラー: PORT ${slack.port} は他のプロセスが使っています (別の支援ナビが動いていないか確かめるか、PORT を変えてください)\n` : `設定エラー: PORT ${slack.port} で待ち受ける権限がありません (1024 以上の番号にしてください)\n`);
    // What the start opened before the port failed (a PostgreSQL LISTEN, the stores) would keep
    // the process alive: end it here.
    process.exit(1);
  }
  if (asked) shutdown(asked);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
