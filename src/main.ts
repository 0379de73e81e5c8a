#!/usr/bin/env node
import { CatalogError, formatProblem, loadCatalog } from './catalog/load.js';
import { loadPaths } from './config.js';

/**
 * `npm start`. The Slack bot and its local console arrive with the search and Slack
 * issues; until then start-up loads and validates the bundled catalog and says so.
 */
async function main(): Promise<number> {
  const paths = loadPaths();
  try {
    const catalog = await loadCatalog(paths.catalogDir);
    process.stdout.write(
      `支援ナビ: カタログ ${catalog.programs.length} 件を読み込みました (${paths.catalogDir})。\n` +
        `検索とSlackボットはまだありません。カタログの確認は npm run -s shien -- catalog で行えます。\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof CatalogError)) throw error;
    process.stderr.write(error.problems.map(formatProblem).join('\n') + '\n');
    return 1;
  }
}

main().then((code) => (process.exitCode = code));
