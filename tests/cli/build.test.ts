/**
 * Build once, run many: on a copy of the project (src/, scripts/, bin/, the configs; seeds and
 * node_modules linked), as a fresh clone and as a working copy whose src/ changed. Commands
 * started together build at most once, and none of them sees half a build.
 */
import { cp, lstat, mkdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, ROOT, run, tempDir, type Run } from './support.js';

let project: string;

beforeAll(async () => {
  project = await tempDir('project');
  for (const dir of ['src', 'scripts', 'bin']) await cp(path.join(ROOT, dir), path.join(project, dir), { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) await cp(path.join(ROOT, file), path.join(project, file));
  await symlink(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'));
  await symlink(path.join(ROOT, 'seeds'), path.join(project, 'seeds'));
});

/** `npm run -s shien -- search 創業 --json --limit 3` in the copy, N at once. */
function searchTogether(n: number): Promise<Run[]> {
  return Promise.all(
    Array.from({ length: n }, () => run(process.execPath, [path.join(project, 'bin', 'shien.mjs'), 'search', '創業', '--json', '--limit', '3'], { cwd: project, timeout: BUILD_TIMEOUT })),
  );
}

const builders = (runs: Run[], words: RegExp) => runs.filter((r) => words.test(r.stderr)).length;

/** The build dist/ links to. */
const linked = async () => path.basename(await readlink(path.join(project, 'dist')));

function expectSameAnswers(runs: Run[]): void {
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const answer = JSON.parse(runs[0]!.stdout) as { query: string; results: unknown[] };
  expect(answer.query).toBe('創業');
  expect(answer.results).toHaveLength(3);
  expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
}

describe('a fresh clone, then a working copy', () => {
  it('8 commands started together on a clone without dist/: all answer the same, one of them builds', async () => {
    expect(existsSync(path.join(project, 'dist'))).toBe(false);
    const runs = await searchTogether(8);
    expectSameAnswers(runs);
    expect(builders(runs, /dist\/ を作ります/)).toBe(1);
    expect((await lstat(path.join(project, 'dist'))).isSymbolicLink()).toBe(true);
    const build = path.join(project, '.build', await linked());
    expect(JSON.parse(await readFile(path.join(build, '.stamp.json'), 'utf8'))).toMatchObject({ hash: await linked(), typeErrors: false });
    expect(existsSync(path.join(build, 'search-index.json'))).toBe(true);
  }, BUILD_TIMEOUT * 2);

  it('nothing changed: no build, nothing on stderr', async () => {
    const [r] = await searchTogether(1);
    expect(r!.code).toBe(0);
    expect(r!.stderr).toBe('');
  }, BUILD_TIMEOUT);

  it('a src/ file touched but unchanged: no build', async () => {
    const file = path.join(project, 'src', 'console.ts');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const [r] = await searchTogether(1);
    expect(r!.code).toBe(0);
    expect(r!.stderr).toBe('');
  }, BUILD_TIMEOUT);

  it('a src/ file changed: 8 commands together rebuild once, all answer, the old build stays for processes still on it', async () => {
    const before = await linked();
    const file = path.join(project, 'src', 'cli', 'search.ts');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n// changed after the build\n');
    const runs = await searchTogether(8);
    expectSameAnswers(runs);
    expect(builders(runs, /dist\/ を作り直します/)).toBe(1);
    const after = await linked();
    expect(after).not.toBe(before);
    expect(existsSync(path.join(project, '.build', before, 'cli.js'))).toBe(true);
    expect(existsSync(path.join(project, '.build', before, '.retired'))).toBe(true);
    expect(await readFile(path.join(project, '.build', after, 'cli', 'search.js'), 'utf8')).toContain('changed after the build');
  }, BUILD_TIMEOUT * 2);

  it('npm run build when current: says so, builds nothing, exit 0', async () => {
    const r = await run(process.execPath, [path.join(project, 'scripts', 'build.mjs')], { cwd: project });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('dist/ は最新です');
  }, BUILD_TIMEOUT);

  it('an old-style dist/ directory (from before builds were kept apart) is replaced by the link', async () => {
    await rm(path.join(project, 'dist'));
    await mkdir(path.join(project, 'dist'));
    await writeFile(path.join(project, 'dist', 'cli.js'), 'throw new Error("old dist/ ran");\n');
    const [r] = await searchTogether(1);
    expect(r!.code, r!.stderr).toBe(0);
    expect((await lstat(path.join(project, 'dist'))).isSymbolicLink()).toBe(true);
  }, BUILD_TIMEOUT);
});
