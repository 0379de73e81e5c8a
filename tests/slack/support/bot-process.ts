/**
 * The bot as a child process, as an operator runs it: the real entry point (`node --import tsx
 * src/main.ts`), or `npm start`. The environment is built from scratch (no SLACK_*, PORT or
 * SHIEN_* from the machine running the tests; the notice database in a temp dir) and the working
 * directory is an empty temp dir, so a developer's `.env` in the project root cannot leak in
 * (main.ts reads `.env` from the cwd). Importing this registers the hooks that make that
 * directory and kill the children a test file started (per test, or per describe for `shared`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ROOT, tempDir } from '../../search/support.js';

const MAIN = path.join(ROOT, 'src', 'main.ts');
/** tsx by absolute URL: the child runs outside the project, where `--import tsx` would not resolve. */
const TSX = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;

/** Without a current dist/search-index.json the child loads kuromoji's dictionary: allow for it. */
export const START_TIMEOUT = 60_000;
export const TEST_TIMEOUT = START_TIMEOUT + 30_000;

export const BOT_TOKEN = 'xoxb-test';
export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef'; // 32 hex characters

/** The variables a process needs to run at all; nothing that configures shien. */
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'USERPROFILE', 'APPDATA'];

/**
 * A from-scratch environment plus `extra`. The notice database goes to the temp dir, never to
 * the project's data/ (the default).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { SHIEN_DATA_DIR: path.join(cwd, 'data') };
  for (const key of PASSED_THROUGH) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

/** Lines node or npm may print on stderr that are not the program's own (deprecations, experimental features). */
const ALLOWED_STDERR = [/^\(node:\d+\) \[?\w*\]? ?\w*Warning: /, /^\(Use `node --trace-\w+ \.\.\.` to show where the warning was created\)$/, /^npm warn /];
export const unexpectedStderr = (stderr: string): string[] => stderr.split('\n').filter((l) => l !== '' && !ALLOWED_STDERR.some((re) => re.test(l)));

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the child exited. */
  at: number;
}

export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Complete stdout lines so far. */
  lines(): string[];
  exited: Promise<Exit>;
  /** Resolves once the child exited and its stdout and stderr are drained. */
  closed: Promise<void>;
  /** The first complete stdout line `pick` accepts; rejects when the child exits first or after timeoutMs. */
  waitForLine<T>(pick: (line: string) => T | undefined, timeoutMs?: number): Promise<T>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const children: Child[] = [];
/** Children shared by the tests of a describe: killed in its afterAll, not after each test. */
export const shared = new Set<Child>();

/** The children's working directory (empty: no `.env`), made before the file's tests; a live binding for importers. */
export let cwd: string;

/**
 * Starts the bot: `node --import tsx src/main.ts`, or `options.command` (npm start). `detached`:
 * in a process group of its own, so that what it starts can be killed with it (killGroup).
 */
export function start(env: NodeJS.ProcessEnv, options: { cwd?: string; stdin?: string; command?: [string, string[]]; detached?: boolean } = {}): Child {
  const [command, args] = options.command ?? [process.execPath, ['--import', TSX, MAIN]];
  const proc = spawn(command, args, { cwd: options.cwd ?? cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: options.detached ?? false });
  let out = '';
  let err = '';
  let exit: Exit | undefined;
  const watchers = new Set<() => void>();
  const poke = () => {
    for (const w of [...watchers]) w();
  };
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    poke();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => {
      exit = { code, signal, at: Date.now() };
      resolve(exit);
    });
  });
  // stdout/stderr may still hold data when 'exit' fires; 'close' is when they are drained.
  let isClosed = false;
  const closed = new Promise<void>((resolve) => {
    proc.once('close', () => {
      isClosed = true;
      resolve();
      poke();
    });
  });
  proc.stdin!.on('error', () => {}); // a child that exits early closes its stdin under us
  if (options.stdin !== undefined) proc.stdin!.end(options.stdin);
  const lines = () => out.split('\n').slice(0, -1);

  const child: Child = {
    proc,
    stdout: () => out,
    stderr: () => err,
    lines,
    exited,
    closed,
    waitForLine: <T>(pick: (line: string) => T | undefined, timeoutMs = START_TIMEOUT) =>
      new Promise<T>((resolve, reject) => {
        const check = () => {
          for (const line of lines()) {
            const value = pick(line);
            if (value !== undefined) return done(() => resolve(value));
          }
          if (isClosed) done(() => reject(new Error(`the child exited (${exit?.code ?? exit?.signal}) first; stdout:\n${out}\nstderr:\n${err}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no matching stdout line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      }),
  };
  children.push(child);
  return child;
}

/** The exit, or a failure naming what the child printed if it does not come within timeoutMs. */
export async function exitOf(child: Child, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the child did not exit within ${timeoutMs} ms; stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`)), timeoutMs);
  });
  try {
    const exit = await Promise.race([child.exited, timeout]);
    await child.closed;
    return exit;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs a child still running; resolves once it is gone (or after 5 s). */
export async function kill(child: Child): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
  await Promise.race([child.closed, sleep(5_000)]);
}

/** A pino line as JSON; throws (naming the line) when it is not JSON. */
export function logLine(line: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(line) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new Error(`stdout line is not a JSON log object: ${line}`);
}

/** Pick for waitForLine: the first JSON log line with all of `fields`. */
export const logWith =
  (fields: Record<string, unknown>) =>
  (line: string): Record<string, unknown> | undefined => {
    let log: Record<string, unknown>;
    try {
      log = logLine(line);
    } catch {
      return undefined;
    }
    return Object.entries(fields).every(([k, v]) => log[k] === v) ? log : undefined;
  };

/** Resolves with the socket error code of a fresh TCP connection to the port ('connected' if one opens). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

beforeAll(async () => {
  cwd = await tempDir('process');
});

afterEach(async () => {
  // Children of one test (not the shared HTTP child of a describe, which is killed in its afterAll).
  await Promise.all(children.filter((c) => !shared.has(c)).map(kill));
});

afterAll(async () => {
  await Promise.all(children.map(kill));
  await rm(cwd, { recursive: true, force: true });
});

