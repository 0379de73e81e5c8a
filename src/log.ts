import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs, one line per request (see slack/handled.ts). Tokens and signing secrets are
 * never passed to a log call; `redact` is the second line of defence should a Slack client
 * object or request headers ever be logged by mistake.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'shien' },
      redact: { paths: ['token', '*.token', 'botToken', 'appToken', 'signingSecret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    // Synchronous stdout: request lines are few, and a shutdown right after the last one
    // must neither reorder nor drop it (pino's default async stream can, at process.exit).
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

const BOLT_TO_PINO: Record<LogLevel, string> = { [LogLevel.DEBUG]: 'debug', [LogLevel.INFO]: 'info', [LogLevel.WARN]: 'warn', [LogLevel.ERROR]: 'error' };

/**
 * Bolt's logger interface over pino, so Bolt's own messages are JSON lines too. Never below
 * info: at debug Bolt and its Socket Mode client log raw payloads (what people typed, and the
 * payload's token field) as strings that `redact` cannot see into.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  if (child.levelVal < pino.levels.values.info!) child.level = 'info';
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    debug: () => {},
    info: (...args) => child.info(line(args)),
    warn: (...args) => child.warn(line(args)),
    error: (...args) => child.error(line(args)),
    setLevel: (level) => {
      child.level = level === LogLevel.DEBUG ? 'info' : BOLT_TO_PINO[level];
    },
    getLevel: () => (Object.entries(BOLT_TO_PINO).find(([, v]) => v === child.level)?.[0] as LogLevel | undefined) ?? LogLevel.INFO,
    setName: () => {},
  };
}
