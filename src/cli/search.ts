import { createInterface } from 'node:readline';
import type { Paths } from '../config.js';
import { renderResponseText, terminalSafe } from '../render/text.js';
import type { SearchResponse } from '../search/engine.js';
import { sourceFields } from '../sources/fields.js';
import { loadEngineOrSay } from './engine.js';
import { parseCommandArgs, UsageError, type CliIo } from './io.js';

export const DEFAULT_LIMIT = 5;

/** The JSON line printed per query with --json. */
export function responseJson(response: SearchResponse, limit: number) {
  return {
    query: response.query,
    // The query was cut to the search's limits (src/search/query-bounds.ts).
    ...(response.shortened ? { shortened: true } : {}),
    total: response.total,
    mode: response.mode,
    // Which step answered and which words were not found (src/search/fallback.ts).
    ...(response.step ? { step: response.step } : {}),
    ...(response.notFound?.length ? { notFound: response.notFound } : {}),
    ...(response.usedInstead?.length ? { usedInstead: response.usedInstead } : {}),
    ...(response.allCount !== undefined ? { allCount: response.allCount } : {}),
    // The need or purpose whose programs were added because the question's words lean to it (src/search/client-words.ts).
    ...(response.categoryRead ? { categoryRead: response.categoryRead } : {}),
    errors: response.errors,
    results: response.hits.slice(0, limit).map((h) => ({
      id: h.program.id,
      name: h.program.name,
      agency: h.program.agency,
      score: Math.round(h.score * 1000) / 1000,
      snippet: h.snippet.text,
      ...(h.consultation ? { consultation: h.consultation } : {}),
      ...(h.byCategory ? { byCategory: h.byCategory } : {}),
      ...sourceFields(h.program),
    })),
    ...(response.suggestions ? { suggestions: response.suggestions } : {}),
  };
}

/** `--limit N`: a whole number of at least 1. */
function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit には 1 以上の整数を指定してください (指定: ${value})`);
  return n;
}

/**
 * `shien search "<query>" [--json] [--limit N]`. Without a query, reads one query per line
 * from standard input and answers each in order (one process, one dictionary load).
 */
export async function searchCommand(args: string[], paths: Paths, { out, err }: CliIo, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: 'boolean' }, limit: { type: 'string' } });
  const json = values.json === true;
  const limit = parseLimit(values.limit);
  const engine = await loadEngineOrSay(paths, err);
  if (!engine) return 1;
  const answer = (query: string) => {
    const response = engine.search(query, { limit });
    out.write(json ? JSON.stringify(responseJson(response, limit)) + '\n' : terminalSafe(renderResponseText(response, limit)) + '\n\n');
  };
  if (positionals.length) {
    answer(positionals.join(' '));
    return 0;
  }
  // At a terminal, say what it waits for (it looked stuck).
  if ((input as { isTTY?: boolean }).isTTY) err.write('検索語を 1 行に 1 つ入力してください (終わりは Ctrl+D)。\n');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let read = 0;
  for await (const line of lines) {
    read++;
    // --json: one line out per line in, a blank one too (mode "empty"), so that the answers line
    // up with the questions (paste, zip); as text a blank line is skipped.
    if (json || line.trim()) answer(line);
  }
  // Nothing on stdout for nothing in (a script's empty list stays empty), but said: a search that
  // printed nothing at all looked broken (walk-through).
  if (!read) err.write('検索語がありませんでした (引数にも標準入力にもありません)。使い方: shien search "<検索語>" [--json] [--limit N]\n');
  return 0;
}
