/**
 * `shien search` as a user runs it (`node --import tsx src/cli.ts search …` from the project
 * root, like tests/catalog/cli.test.ts): JSON lines, stdin batches, the readable answer, and
 * the exit code for bad options.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { ROOT } from './support.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawning loads the catalog and, without a current prebuilt index, kuromoji: allow for it. */
const RUN_TIMEOUT = 30_000;

function shien(args: string[], stdin?: string): Promise<Run> {
  const env = { ...process.env };
  delete env.SHIEN_CATALOG_DIR;
  delete env.SHIEN_SEEDS_DIR;
  delete env.SHIEN_INDEX_FILE;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024, timeout: RUN_TIMEOUT },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(stdin ?? '');
  });
}

interface JsonAnswer {
  query: string;
  total: number;
  mode: string;
  errors: string[];
  results: Array<Record<string, unknown>>;
  suggestions?: { terms: string[]; synonyms: string[]; purposes: Array<{ purpose: string; count: number }> };
}

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonAnswer);

let sogyo: Run;
beforeAll(async () => {
  sogyo = await shien(['search', '創業', '--json', '--limit', '3']);
}, RUN_TIMEOUT + 5_000);

describe('shien search --json', () => {
  it('search 創業 --json --limit 3 prints one JSON line: the query and exactly 3 results with id, name, agency, score, snippet, source', () => {
    expect(sogyo.stderr).toBe('');
    expect(sogyo.code).toBe(0);
    expect(sogyo.stdout.endsWith('\n')).toBe(true);
    expect(sogyo.stdout.trimEnd().split('\n')).toHaveLength(1);
    const [answer] = jsonLines(sogyo.stdout);
    expect(answer!.query).toBe('創業');
    expect(answer!.mode).toBe('all');
    expect(answer!.errors).toEqual([]);
    expect(answer!.total).toBeGreaterThan(3);
    expect(answer!.results).toHaveLength(3);
    for (const r of answer!.results) {
      // A catalog program has no url or application period: only its source is said.
      expect(Object.keys(r).sort()).toEqual(['agency', 'id', 'name', 'score', 'snippet', 'source']);
      expect(r.source).toBe('catalog');
      expect(r.id).toMatch(/^p-[0-9a-f]{10}$/);
      expect(typeof r.name === 'string' && r.name !== '').toBe(true);
      expect(typeof r.agency === 'string' && r.agency !== '').toBe(true);
      expect(typeof r.score).toBe('number');
      expect(typeof r.snippet).toBe('string');
      expect((r.snippet as string).length).toBeLessThanOrEqual(120);
    }
    // Best first.
    const scores = answer!.results.map((r) => r.score as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // Every result is about 創業 (or says so in its name).
    expect(answer!.results.some((r) => (r.name as string).includes('創業'))).toBe(true);
  });

  it('without a query, answers each stdin line with one JSON line, in the same order (a blank line too: mode empty)', async () => {
    const run = await shien(['search', '--json', '--limit', '3'], '創業\n\n後継ぎがいない\n機関:ジェトロ\n');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answers = jsonLines(run.stdout);
    expect(answers.map((a) => a.query)).toEqual(['創業', '', '後継ぎがいない', '機関:ジェトロ']);
    expect(answers[1]!.mode).toBe('empty');
    // The same answer as when the query is given as an argument.
    expect(run.stdout.split('\n')[0]).toBe(sogyo.stdout.split('\n')[0]);
    expect(answers[3]!.total).toBe(11);
    expect(answers[3]!.results.every((r) => r.agency === 'ジェトロ鹿児島')).toBe(true);
  }, RUN_TIMEOUT + 5_000);

  it('a zero-hit query carries its suggestions in the JSON line', async () => {
    const run = await shien(['search', 'ふがふがほげ', '--json']);
    expect(run.code).toBe(0);
    const [answer] = jsonLines(run.stdout);
    expect(answer!.mode).toBe('none');
    expect(answer!.results).toEqual([]);
    expect(answer!.suggestions?.purposes.length).toBeGreaterThan(0);
  }, RUN_TIMEOUT + 5_000);

  it('says which step answered and which word was not found (issue 16)', async () => {
    // ゴルフ: in no program, 相談例 or synonym (黒豚 was, until a 相談例 named it).
    const run = await shien(['search', '事業承継 ゴルフ', '--json']);
    expect(run.code).toBe(0);
    const [answer] = jsonLines(run.stdout) as Array<{ mode: string; step?: string; notFound?: string[] }>;
    expect(answer!.mode).toBe('any');
    expect(answer!.step).toBe('any');
    expect(answer!.notFound).toEqual(['ゴルフ']);
  }, RUN_TIMEOUT + 5_000);
});

describe('shien search, readable', () => {
  it('prints the count line 「創業」 N 件 and the top 5, numbered, each with its id', async () => {
    const run = await shien(['search', '創業']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const total = jsonLines(sogyo.stdout)[0]!.total;
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`「創業」 ${total} 件 (上位 5 件)`);
    for (const n of [1, 2, 3, 4, 5]) expect(lines.some((l) => l.startsWith(`${String(n).padStart(2)}. `)), `item ${n}`).toBe(true);
    expect(lines.some((l) => l.startsWith(' 6. '))).toBe(false);
    const firstId = jsonLines(sogyo.stdout)[0]!.results[0]!.id as string;
    expect(run.stdout).toContain(`id: ${firstId}`);
    expect(run.stdout).toContain('【創業】');
  }, RUN_TIMEOUT + 5_000);

  it('a bad filter is reported with ⚠ and the rest of the query still answers', async () => {
    const run = await shien(['search', '予算:たくさん', '創業']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^⚠ 「予算:たくさん」は予算として読み取れません。/);
    expect(run.stdout).toMatch(/「予算:たくさん 創業」 \d+ 件/);
  }, RUN_TIMEOUT + 5_000);

  it('no hits: says so and offers purposes to search by', async () => {
    const run = await shien(['search', 'ふがふがほげ']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('「ふがふがほげ」に合う事業は見つかりませんでした。');
    expect(run.stdout).toContain('目的から探す: 目的:');
  }, RUN_TIMEOUT + 5_000);
});

describe('shien search, bad options', () => {
  it.each([['0'], ['-1'], ['abc'], ['2.5']])('--limit %s exits 2 with a Japanese message', async (value) => {
    const run = await shien(['search', '創業', '--limit', value]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain(`--limit には 1 以上の整数を指定してください (指定: ${value})`);
    expect(run.stdout).not.toContain('「創業」');
  }, RUN_TIMEOUT + 5_000);

  it('an unknown option exits 2 and names it', async () => {
    const run = await shien(['search', '創業', '--jsn']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('不明なオプション: --jsn');
  }, RUN_TIMEOUT + 5_000);
});
