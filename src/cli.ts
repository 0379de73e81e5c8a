#!/usr/bin/env node
import { exitQuietlyOnClosedPipe, UsageError, type CliIo } from './cli/io.js';
import { checkPaths, ConfigError, loadPaths, readDotEnv, type Paths } from './config.js';

const USAGE = `使い方: npm run -s shien -- <command>   (または npx shien <command>)
  catalog [--json]            カタログを検証し、要約 (または JSON) を表示
  ingest <document> [--write] 事業一覧の文書を読み取り、カタログと突き合わせる
  index                       検索索引を作り直す (npm run build が実行する)
  search "<検索語>" [--json] [--limit N]
                              事業を検索 (検索語なしなら標準入力の 1 行を 1 件として順に答える)
  needs [--json]              相談の種類 (search の 相談: で絞れる名前) を目的ごとに、事業の数とともに表示
  notify --once               新着の支援事業を購読中のチャンネルに今すぐ通知 (投稿の失敗があれば終了コード 1)
  sync [--dry-run] [--json]   取り込み元 (SHIEN_SOURCES=jgrants) から支援事業を取り込む (ネットワークを使う)
  agencies [--json | --export]
                              実施機関ごとの連絡先の状況 (--export: Slack での編集を反映した agencies.yaml を出力)
`;

type Command = (args: string[], paths: Paths, io: CliIo) => Promise<number>;

/** One file per command, imported when it runs: `search` does not load SQLite or Slack's client. */
const COMMANDS: Record<string, { usage: string; run: () => Promise<Command>; needs?: Parameters<typeof checkPaths>[1]; more?: () => Promise<string[]> }> = {
  catalog: { usage: 'catalog [--json]', run: async () => (await import('./cli/catalog.js')).catalogCommand, needs: { synonyms: false } },
  ingest: { usage: 'ingest <document> [--write]', run: async () => (await import('./cli/ingest.js')).ingestCommand, needs: { synonyms: false, catalogMayBeMissing: true } },
  index: { usage: 'index', run: async () => (await import('./cli/index.js')).indexCommand },
  search: {
    usage: 'search "<検索語>" [--json] [--limit N]',
    run: async () => (await import('./cli/search.js')).searchCommand,
    // The query's forms (filters, phrases), as Slack's help lists them: `--help` did not say them.
    more: async () => ['検索語の書き方:', ...(await import('./slack/render/help.js')).helpLines('shien search').filter((l) => !l.includes('通知')).map((l) => `  ${l.replace(/`/g, '').replace(/^(shien search )("[^"]*")/, "$1'$2'")}`)], // a phrase's quotes survive the shell
  },
  needs: { usage: 'needs [--json]', run: async () => (await import('./cli/needs.js')).needsCommand },
  notify: { usage: 'notify --once', run: async () => (await import('./cli/notify.js')).notifyCommand, needs: { synonyms: false } },
  sync: { usage: 'sync [--dry-run] [--json]', run: async () => (await import('./cli/sync.js')).syncCommand },
  agencies: { usage: 'agencies [--json | --export]', run: async () => (await import('./cli/agencies.js')).agenciesCommand, needs: { synonyms: false } },
};

/**
 * The command-line tool: one process, one command. stdout carries the command's answer and
 * nothing else (`--json`: exactly JSON); usage, warnings and errors go to stderr.
 * Exit code: 0 done, 1 failed (a broken catalog, a setting that cannot be used), 2 usage.
 */
export async function runCli(argv: string[], io: CliIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out.write(USAGE);
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command]! : undefined;
  if (!entry) {
    io.err.write(`不明なコマンド: ${command}\n${USAGE}`);
    return 2;
  }
  // `search --help`: the command's own usage, as an answer (it was refused as an unknown option).
  if (args.includes('--help') || args.includes('-h')) {
    io.out.write(`使い方: npm run -s shien -- ${entry.usage}\n${entry.more ? (await entry.more()).join('\n') + '\n' : ''}`);
    return 0;
  }
  let paths: Paths;
  try {
    readDotEnv('.env', (line) => io.err.write(line + '\n')); // the same .env as the bot (notify --once needs its SLACK_BOT_TOKEN)
    paths = loadPaths();
    checkPaths(paths, entry.needs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err.write(error.message + '\n');
    return 1;
  }
  try {
    return await (await entry.run())(args, paths, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err.write(`${error.message}\n使い方: npm run -s shien -- ${entry.usage}\n`);
    return 2;
  }
}

exitQuietlyOnClosedPipe();
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
