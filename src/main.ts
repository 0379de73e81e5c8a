#!/usr/bin/env node
import { createInterface } from 'node:readline';
import { CatalogError, formatProblem } from './catalog/load.js';
import { loadPaths } from './config.js';
import { renderResponseText } from './render/text.js';
import { loadSearchEngine } from './search/load.js';

/**
 * `npm start`. Until the Slack issue lands this is the local console on the bundled
 * catalog: type `/支援 創業` or just `創業`; with input from a pipe, one answer per line.
 */
const COMMAND_PREFIX = /^\/(支援|shien)(\s+|$)/;
const RESULTS_SHOWN = 5;

async function main(): Promise<number> {
  const paths = loadPaths();
  let engine;
  try {
    ({ engine } = await loadSearchEngine(paths));
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    process.stderr.write(error.problems.map(formatProblem).join('\n') + '\n');
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  const lines = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  if (interactive) {
    process.stdout.write(`支援ナビ (ローカル) — カタログ ${engine.size} 件。例: /支援 創業 ・ お金を借りたい ・ 機関:ジェトロ (終了は Ctrl+D)\n`);
    lines.setPrompt('支援> ');
    lines.prompt();
  }
  for await (const line of lines) {
    const query = line.replace(COMMAND_PREFIX, '').trim();
    if (query) process.stdout.write(renderResponseText(engine.search(query), RESULTS_SHOWN) + '\n\n');
    if (interactive) lines.prompt();
  }
  return 0;
}

main().then((code) => (process.exitCode = code));
