import { createInterface } from 'node:readline';
import type { Paths } from '../config.js';
import { renderResponseText } from '../render/text.js';
import type { SearchEngine, SearchResponse } from '../search/engine.js';
import { sourceFields } from '../sources/fields.js';
import { loadSearchEngine } from '../search/load.js';

export const DEFAULT_LIMIT = 5;

/** The JSON line printed per query with --json. */
export function responseJson(response: SearchResponse, limit: number) {
  return {
    query: response.query,
    total: response.total,
    mode: response.mode,
    errors: response.errors,
    results: response.hits.slice(0, limit).map((h) => ({
      id: h.program.id,
      name: h.program.name,
      agency: h.program.agency,
      score: Math.round(h.score * 1000) / 1000,
      snippet: h.snippet.text,
      ...sourceFields(h.program),
    })),
    ...(response.suggestions ? { suggestions: response.suggestions } : {}),
  };
}

interface SearchArgs {
  query?: string;
  json: boolean;
  limit: number;
}

function parseArgs(args: string[]): SearchArgs | string {
  const out: SearchArgs = { json: false, limit: DEFAULT_LIMIT };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--limit' || a.startsWith('--limit=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) return `--limit には 1 以上の整数を指定してください (指定: ${value ?? 'なし'})`;
      out.limit = n;
    } else if (a.startsWith('--')) return `不明なオプション: ${a}`;
    else words.push(a);
  }
  if (words.length) out.query = words.join(' ');
  return out;
}

/**
 * `shien search "<query>" [--json] [--limit N]`. Without a query, reads one query per line
 * from standard input and answers each in order (one process, one dictionary load).
 */
export async function searchCommand(
  args: string[],
  paths: Paths,
  out: NodeJS.WritableStream,
  input: NodeJS.ReadableStream = process.stdin,
  engine?: SearchEngine,
): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    out.write(`${parsed}\n使い方: search "<検索語>" [--json] [--limit N]\n`);
    return 2;
  }
  const e = engine ?? (await loadSearchEngine(paths)).engine;
  const answer = (query: string) => {
    const response = e.search(query, { limit: parsed.limit });
    out.write(parsed.json ? JSON.stringify(responseJson(response, parsed.limit)) + '\n' : renderResponseText(response, parsed.limit) + '\n\n');
  };
  if (parsed.query !== undefined) {
    answer(parsed.query);
    return 0;
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) answer(line);
  }
  return 0;
}
