import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatProblem, type CatalogError } from '../catalog/errors.js';

/**
 * Standard input and output of the command-line tool and the console: the answer on stdout,
 * everything else on stderr, strict options.
 */

/** Where a command writes: its answer on `out`, progress, warnings and errors on `err`. */
export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** A command line that cannot be run as typed: exit code 2 with the command's usage. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Node's parseArgs reports in English: the option or argument it refused, in Japanese. */
function japanese(error: Error & { code?: string }): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `不明なオプション: ${quoted ?? error.message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return `オプションの値がありません: ${quoted ?? error.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `余分な引数: ${quoted ?? error.message}`;
    default:
      return error.message;
  }
}

/**
 * Parses a command's arguments strictly: an option the command does not know (`--jsn`) is
 * refused (UsageError) instead of ignored, so a typo never quietly gives another answer.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, { positionals = true } = {}) {
  // `--limit -1` is the value -1 (parseArgs would call it ambiguous): say it as `--limit=-1`.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : undefined;
    if (name && Object.hasOwn(options, name) && options[name]!.type === 'string' && i + 1 < args.length && args[i + 1] !== '--') joined.push(`--${name}=${args[++i]}`);
    else joined.push(args[i]!);
  }
  try {
    return parseArgs({ args: joined, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(japanese(error));
    throw error;
  }
}

/** The seeds files besides the catalog, named in a heading when the problems are theirs alone. */
const SEEDS_FILES: Record<string, string> = {
  'synonyms.yaml': 'synonyms.yaml (検索の言い換え・意図) を読み込めません',
  'agencies.yaml': 'agencies.yaml (実施機関の一覧) を読み込めません',
  'variants.yaml': 'variants.yaml (表記ゆれ) を読み込めません',
  'needs.yaml': 'needs.yaml (相談の種類) を読み込めません',
};

/**
 * A catalog (or agencies.yaml / synonyms.yaml) that does not load: a heading saying which
 * file it is and one line per problem (file, line, field), for stderr.
 */
export function catalogProblemsText(heading: string, error: CatalogError): string {
  const files = new Set(error.problems.map((p) => path.basename(p.file)));
  const own = files.size === 1 ? SEEDS_FILES[[...files][0]!] : undefined;
  return `${own ?? heading} (${error.problems.length} 件の問題):\n${error.problems.map((p) => '  ' + formatProblem(p)).join('\n')}\n`;
}

/**
 * `shien search 創業 | head -1` closes the pipe after one line: that is the reader leaving,
 * not an error. The process ends quietly, exit 0, instead of with an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
