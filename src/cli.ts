#!/usr/bin/env node
import { catalogCommand } from './cli/catalog.js';
import { ingestCommand } from './cli/ingest.js';
import { loadPaths } from './config.js';

const USAGE = `使い方: npm run -s shien -- <command>
  catalog [--json]            カタログを検証し、要約 (または JSON) を表示
  ingest <document> [--write] 事業一覧の文書を読み取り、カタログと突き合わせる
`;

/** The command-line tool: one process, one command; exit code says whether it worked. */
export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [command, ...args] = argv;
  const paths = loadPaths();
  switch (command) {
    case 'catalog':
      return catalogCommand(args, paths, out);
    case 'ingest':
      return ingestCommand(args, paths, out);
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
