#!/usr/bin/env node
import { catalogCommand } from './cli/catalog.js';
import { ingestCommand } from './cli/ingest.js';
import { indexCommand } from './cli/index.js';
import { searchCommand } from './cli/search.js';
import { loadPaths, readDotEnv } from './config.js';

const USAGE = `使い方: npm run -s shien -- <command>
  catalog [--json]            カタログを検証し、要約 (または JSON) を表示
  ingest <document> [--write] 事業一覧の文書を読み取り、カタログと突き合わせる
  index                       検索索引を作り直す (npm run build が実行する)
  search "<検索語>" [--json] [--limit N]
                              事業を検索 (検索語なしなら標準入力の 1 行を 1 件として順に答える)
  notify --once               新着の支援事業を購読中のチャンネルに今すぐ通知 (投稿の失敗があれば終了コード 1)
  sync [--dry-run] [--json]   取り込み元 (SHIEN_SOURCES=jgrants) から支援事業を取り込む (ネットワークを使う)
`;

/** The command-line tool: one process, one command; exit code says whether it worked. */
export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [command, ...args] = argv;
  readDotEnv(); // the same .env as the bot (notify --once needs its SLACK_BOT_TOKEN)
  const paths = loadPaths();
  switch (command) {
    case 'catalog':
      return catalogCommand(args, paths, out);
    case 'ingest':
      return ingestCommand(args, paths, out);
    case 'index':
      return indexCommand(args, paths, out);
    case 'search':
      return searchCommand(args, paths, out);
    case 'notify': return (await import('./cli/notify.js')).notifyCommand(args, paths, out); // loads the Slack client only when needed
    case 'sync': return (await import('./cli/sync.js')).syncCommand(args, paths, out);
    default:
      out.write(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
