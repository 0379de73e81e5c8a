/**
 * Shared helpers for the command-line tests (not a test file itself): the real commands as a
 * user runs them, in child processes, with stdout and stderr kept apart.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npm run shien` and `npx shien` run. */
export const BIN = path.join(ROOT, 'bin', 'shien.mjs');
/** What `npm start` runs. */
export const START = path.join(ROOT, 'scripts', 'start.mjs');
export const SOURCE_DOCUMENT = path.join(ROOT, 'seeds', 'sources', 'shoukougyou-shinkou-plan-kankei-kikan-r5.txt');

/** A build (tsc + the bundled catalog's index) on a busy 2-core machine. */
export const BUILD_TIMEOUT = 180_000;
/** One command, allowing for a rebuild of dist/ when src/ changed since the last one. */
export const RUN_TIMEOUT = 90_000;

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  timeout?: number;
}

/** The environment of a user who has set nothing: none of the project's SHIEN_/SLACK_ settings. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHIEN_') && !k.startsWith('SLACK_') && k !== 'NODE_OPTIONS'));
  return { ...env, ...extra };
}

/** Runs a command to its end; stdin gets `input` (or nothing) and is closed. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: userEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeout ?? RUN_TIMEOUT} ms\nstdout: ${stdout.slice(0, 500)}\nstderr: ${stderr.slice(0, 2000)}`));
    }, options.timeout ?? RUN_TIMEOUT);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a child that exits without reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** `npm run -s shien -- <args>` without npm: what the script runs (bin/shien.mjs), in this node. */
export const shien = (args: string[], options?: RunOptions) => run(process.execPath, [BIN, ...args], options);

/** `npm start` without npm (scripts/start.mjs). */
export const start = (args: string[], options?: RunOptions) => run(process.execPath, [START, ...args], options);

/** A shell pipeline, as a user types it (`set -o pipefail`: the exit code is the first failure's). */
export const sh = (script: string, options?: RunOptions) => run('bash', ['-c', `set -o pipefail\n${script}`], options);

/**
 * stderr without what the launcher says when it rebuilds dist/ because src/ changed since the
 * last build (never in CI: npm ci has just built it; here, other work in the tree may have
 * changed src/): its `支援ナビ: … dist/ …` lines, the index build's line and tsc's errors.
 */
export function ownStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^支援ナビ: .*(dist\/|ビルド|TypeScript|索引を作れません)/.test(l) && !/^索引を書きました: .*\.build\//.test(l) && !/^\S+\.ts\(\d+,\d+\): error TS\d+/.test(l))
    .join('\n');
}

const made: string[] = [];

/** A fresh directory under the system's temp directory, removed after the test file. */
export async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `shien-cli-${name}-`));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A quoted shell word. */
export const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
