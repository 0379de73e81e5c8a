/** Shared helpers for the notice tests (not a test file itself). */
import { execFile } from 'node:child_process';
import { appendFile, cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Message } from '../../src/slack/blocks.js';
import type { PostMessage, PostResult } from '../../src/notices/run.js';
import { CATALOG_DIR, ROOT, tempDir } from '../catalog/support.js';
import { refusal, strictSlacks, type Refusal } from '../slack/support/slack-rules.js';

export { CATALOG_DIR, ROOT };
export const CATALOG_FILE = 'shoukougyou-shinkou-plan-kankei-kikan-r5.yaml';
/** Programs in the bundled catalog. */
export const BUNDLED_PROGRAMS = 143;

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temporary directory removed after the test file. */
export async function scratch(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  made.push(dir);
  return dir;
}

/** A temporary data directory and a temporary copy of seeds/catalog to edit. */
export async function workspace(): Promise<{ dataDir: string; catalogDir: string; catalogFile: string }> {
  const dataDir = path.join(await scratch('notices-data'), 'data');
  const catalogDir = await scratch('notices-catalog');
  await cp(CATALOG_DIR, catalogDir, { recursive: true });
  return { dataDir, catalogDir, catalogFile: path.join(catalogDir, CATALOG_FILE) };
}

export interface NewProgram {
  id: string;
  name: string;
  agency?: string;
  budgetThousandYen?: number;
  overview?: string;
}

/** Appends a program to a catalog file, as a member of staff adding one by hand would. */
export async function addProgram(file: string, p: NewProgram): Promise<void> {
  const lines = [
    `- id: ${p.id}`,
    `  name: ${JSON.stringify(p.name)}`,
    `  agency: ${JSON.stringify(p.agency ?? '県産業立地課')}`,
    ...(p.budgetThousandYen !== undefined ? [`  budgetThousandYen: ${p.budgetThousandYen}`] : []),
    ...(p.overview !== undefined ? [`  overview: ${JSON.stringify(p.overview)}`] : []),
  ];
  await appendFile(file, '\n' + lines.join('\n') + '\n');
}

/** Replaces the first occurrence of `from` in a file (to break or fix a catalog). */
export async function editFile(file: string, from: string, to: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  await writeFile(file, text.replace(from, to));
}

/** A clock the test moves by hand. */
export function manualClock(iso: string): { now: () => Date; set(iso: string): void; advance(ms: number): void } {
  let t = new Date(iso).getTime();
  return {
    now: () => new Date(t),
    set: (next) => {
      t = new Date(next).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * An in-memory Slack: records each post; `fail` decides a channel's answer. Like the HTTP fake
 * it refuses what Slack refuses (invalid_blocks), and an untaken refusal fails the test.
 */
export function memorySlack() {
  const posts: Array<{ channel: string; message: Message }> = [];
  let counter = 0;
  const failures = new Map<string, string>();
  const refusals: Refusal[] = [];
  strictSlacks.add({ takeRefusals: () => refusals.splice(0) });
  const post: PostMessage = async (channel, message): Promise<PostResult> => {
    posts.push({ channel, message });
    const refused = refusal('chat.postMessage', { channel, text: message.text, blocks: message.blocks });
    if (refused) {
      refusals.push(refused);
      return { ok: false, error: refused.error };
    }
    const error = failures.get(channel);
    if (error) return { ok: false, error };
    counter += 1;
    return { ok: true, ts: `1700000000.${String(counter).padStart(6, '0')}` };
  };
  return {
    post,
    posts,
    to: (channel: string) => posts.filter((p) => p.channel === channel),
    fail: (channel: string, error: string) => failures.set(channel, error),
    heal: (channel: string) => failures.delete(channel),
    takeRefusals: () => refusals.splice(0),
    clear: () => {
      posts.length = 0;
    },
  };
}

/** What Slack displays of a message (button values are data, never shown). */
export function displayed(message: unknown): string {
  return JSON.stringify(message, (key, value: unknown) => (key === 'value' ? undefined : value));
}

/** The 詳細 buttons of a message: action_id and value (the program id). */
export function detailButtons(message: { blocks?: unknown }): Array<{ action_id: string; value: string }> {
  const blocks = (message.blocks ?? []) as Array<{ accessory?: { action_id: string; value: string }; elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => [
    ...(b.accessory ? [b.accessory] : []),
    ...((b.elements ?? []).filter((e) => e.action_id !== undefined) as Array<{ action_id: string; value: string }>),
  ]);
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node --import tsx src/cli.ts <args>` from the project root, with only the given SHIEN_/SLACK_ variables (and DATABASE_URL). */
export function shien(args: string[], env: Record<string, string>): Promise<CliRun> {
  // DATABASE_URL too: a developer's own setting must not move these tests to PostgreSQL.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SHIEN_') && !k.startsWith('SLACK_') && k !== 'DATABASE_URL'));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}
