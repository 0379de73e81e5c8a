/**
 * The "start and CLI" section of `npm run bench`: what a user waits for, with nothing changed
 * since install (dist/ and its index current), on the bundled catalog.
 *
 * - `npm start` answering one piped question: the console's first answer, timed from spawning
 *   `node scripts/start.mjs` (what the npm script runs) to the first byte of the answer on its
 *   stdout, and peak RSS (VmHWM from /proc, read while the process waits for more input; Linux
 *   only). The same through `npm start` itself, where npm adds its own start-up.
 * - `npm run -s shien -- search 創業 --json`: spawn to exit, through npm as a user types it,
 *   and `node bin/shien.mjs …` (what the script runs) without npm.
 *
 * Medians (and the fastest) of `runs` fresh processes each; nothing here passes or fails.
 * `root` is the project to measure (another checkout can be measured for a before/after).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface StartBenchOptions {
  root: string;
  runs: number;
  env: NodeJS.ProcessEnv;
  /** How `npm start` and the CLI are run in that checkout. */
  commands?: { start: string[]; cli: string[] };
}

export interface Timing {
  medianMs: number;
  minMs: number;
  runs: number;
}

export interface StartFigures {
  /** node scripts/start.mjs: spawn → first answer byte. */
  consoleFirstAnswer: Timing;
  consolePeakRssMB?: number;
  /** npm start: spawn → first answer byte. */
  npmStartFirstAnswer: Timing;
  /** npm run -s shien -- search 創業 --json: spawn → exit. */
  npmCliSearch: Timing;
  /** node bin/shien.mjs search 創業 --json: spawn → exit. */
  nodeCliSearch: Timing;
  /** Anything a run printed on stderr (a rebuild, a stale index): the figures then include it. */
  stderr: string[];
}

const QUESTION = '創業\n';

function timing(values: number[]): Timing {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs: median, minMs: sorted[0]!, runs: sorted.length };
}

/** Peak resident set of a live process, from /proc (undefined elsewhere). */
function peakRssMB(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Spawns a console, writes one question, times the first answer byte, reads its peak RSS, ends it. */
function firstAnswer(command: string, args: string[], options: StartBenchOptions): Promise<{ ms: number; rssMB?: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.root, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let ms: number | undefined;
    let rssMB: number | undefined;
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.once('data', () => {
      ms = performance.now() - started;
      // npm start: the answering process is npm's child; its RSS is measured by the node run.
      if (command === process.execPath) rssMB = peakRssMB(child.pid!);
      child.stdin.end();
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (ms === undefined || code !== 0) reject(new Error(`${command} ${args.join(' ')}: exit ${code}, no answer\n${stderr}`));
      else resolve({ ms, rssMB, stderr });
    });
    child.stdin.write(QUESTION); // kept open: the console waits for more input after answering
  });
}

function toExit(command: string, args: string[], options: StartBenchOptions): Promise<{ ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.root, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')}: exit ${code}\n${stderr}`));
      try {
        JSON.parse(stdout);
      } catch {
        // Timed all the same; the report says so (it is what issue 11 found before the fix).
        stderr += `stdout was not pure JSON; it began: ${stdout.split('\n')[0]!.slice(0, 100)}\n`;
      }
      resolve({ ms, stderr });
    });
  });
}

export async function startBench(options: StartBenchOptions, progress: (message: string) => void): Promise<StartFigures> {
  const start = options.commands?.start ?? [process.execPath, 'scripts/start.mjs'];
  const cli = options.commands?.cli ?? [process.execPath, 'bin/shien.mjs'];
  const search = ['search', '創業', '--json'];
  const stderr = new Set<string>();
  const note = (text: string) => text.split('\n').filter(Boolean).forEach((l) => stderr.add(l));

  progress(`start and CLI: ${start.slice(1).join(' ')} answering one piped question, ${options.runs} runs`);
  await firstAnswer(start[0]!, start.slice(1), options).then((r) => note(r.stderr)); // a rebuild, if any, before the timed runs
  const consoleRuns = [];
  for (let i = 0; i < options.runs; i++) consoleRuns.push(await firstAnswer(start[0]!, start.slice(1), options));
  consoleRuns.forEach((r) => note(r.stderr));
  const rss = consoleRuns.map((r) => r.rssMB).filter((v): v is number => v !== undefined);

  progress(`start and CLI: npm start, ${options.runs} runs`);
  const npmRuns = [];
  for (let i = 0; i < options.runs; i++) npmRuns.push(await firstAnswer('npm', ['start', '--silent'], options));
  npmRuns.forEach((r) => note(r.stderr));

  progress(`start and CLI: npm run -s shien -- search 創業 --json, and without npm, ${options.runs} runs each`);
  const npmCli = [];
  const nodeCli = [];
  for (let i = 0; i < options.runs; i++) {
    npmCli.push(await toExit('npm', ['run', '-s', 'shien', '--', ...search], options));
    nodeCli.push(await toExit(cli[0]!, [...cli.slice(1), ...search], options));
  }
  [...npmCli, ...nodeCli].forEach((r) => note(r.stderr));

  return {
    consoleFirstAnswer: timing(consoleRuns.map((r) => r.ms)),
    ...(rss.length ? { consolePeakRssMB: Math.max(...rss) } : {}),
    npmStartFirstAnswer: timing(npmRuns.map((r) => r.ms)),
    npmCliSearch: timing(npmCli.map((r) => r.ms)),
    nodeCliSearch: timing(nodeCli.map((r) => r.ms)),
    stderr: [...stderr],
  };
}

/** Goals of issue 11, on a 2-core machine with nothing changed since install. */
export const START_GOALS = { firstAnswerMs: 350, peakRssMB: 150, npmCliMs: 600 };

export function startReport(f: StartFigures, fmt: { ms: (v: number) => string; mib: (v: number) => string; table: (h: string[], r: string[][]) => string }): string[] {
  const cell = (t: Timing) => `${fmt.ms(t.medianMs)} (fastest ${fmt.ms(t.minMs)})`;
  const goal = (value: number, limit: number) => (value <= limit ? 'within' : 'over');
  const rows = [
    ['npm start, one piped question: first answer (node scripts/start.mjs)', cell(f.consoleFirstAnswer), `≤ ${fmt.ms(START_GOALS.firstAnswerMs)}: ${goal(f.consoleFirstAnswer.medianMs, START_GOALS.firstAnswerMs)}`],
    ['  peak RSS of that process', f.consolePeakRssMB === undefined ? 'n/a (no /proc)' : fmt.mib(f.consolePeakRssMB), f.consolePeakRssMB === undefined ? '' : `≤ ${START_GOALS.peakRssMB} MiB: ${goal(f.consolePeakRssMB, START_GOALS.peakRssMB)}`],
    ['  the same through npm start (npm\'s own start-up added)', cell(f.npmStartFirstAnswer), ''],
    ['npm run -s shien -- search 創業 --json (spawn → exit)', cell(f.npmCliSearch), `≤ ${fmt.ms(START_GOALS.npmCliMs)}: ${goal(f.npmCliSearch.medianMs, START_GOALS.npmCliMs)}`],
    ['  node bin/shien.mjs search 創業 --json (without npm)', cell(f.nodeCliSearch), ''],
  ];
  return [
    `Start and CLI: bundled catalog, dist/ and its index current; medians of ${f.consoleFirstAnswer.runs} fresh processes each, timed from spawn.`,
    '',
    fmt.table(['start and CLI', 'median', 'goal (issue 11)'], rows),
    ...(f.stderr.length ? ['', 'stderr during the runs (figures include it):', ...f.stderr.slice(0, 10).map((l) => `  ${l}`)] : []),
  ];
}
