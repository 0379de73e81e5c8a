/**
 * Settings a user gets wrong: a path that cannot be used is one line naming the variable and
 * the path (exit 1), and a .env saved by a Windows editor (with a byte-order mark) or with a
 * line that is not KEY=value still gives every variable it holds.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILD_TIMEOUT, ownStderr, run, RUN_TIMEOUT, shien, start, START, tempDir } from './support.js';

const SECRET = '0123456789abcdef0123456789abcdef';

beforeAll(async () => {
  const built = await run(process.execPath, ['scripts/build.mjs'], { timeout: BUILD_TIMEOUT });
  expect(built.code, built.stderr).toBe(0);
}, BUILD_TIMEOUT);

/** stderr is exactly one line, starting 設定エラー, with no stack trace. */
function expectOneConfigLine(stderr: string, ...parts: string[]): void {
  const lines = ownStderr(stderr).split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^設定エラー: /);
  for (const part of parts) expect(lines[0]).toContain(part);
}

describe('path settings that cannot be used', () => {
  it('SHIEN_CATALOG_DIR that does not exist: catalog, search and npm start say so in one line, exit 1', async () => {
    const env = { SHIEN_CATALOG_DIR: '/nonexistent/shien-catalog' };
    for (const r of [await shien(['catalog'], { env }), await shien(['search', '創業', '--json'], { env }), await start([], { env })]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('ENOENT');
      expectOneConfigLine(r.stderr, 'SHIEN_CATALOG_DIR (/nonexistent/shien-catalog) がありません');
    }
  }, RUN_TIMEOUT);

  it('SHIEN_CATALOG_DIR that is a file, SHIEN_SEEDS_DIR without agencies.yaml', async () => {
    const dir = await tempDir('settings');
    const file = path.join(dir, 'catalog.yaml');
    await writeFile(file, '- name: 事業A\n  agency: 県産業立地課\n');
    const asFile = await shien(['catalog'], { env: { SHIEN_CATALOG_DIR: file } });
    expect(asFile.code).toBe(1);
    expectOneConfigLine(asFile.stderr, `SHIEN_CATALOG_DIR (${file}) はディレクトリではありません`);
    const emptySeeds = await shien(['catalog'], { env: { SHIEN_SEEDS_DIR: dir } });
    expect(emptySeeds.code).toBe(1);
    expectOneConfigLine(emptySeeds.stderr, `SHIEN_SEEDS_DIR (${dir})`, 'agencies.yaml');
  }, RUN_TIMEOUT);

  it('SHIEN_DATA_DIR that is a file, or under one: notify --once and the bot say so in one line, exit 1, nothing sent', async () => {
    const dir = await tempDir('data');
    const file = path.join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    // Nothing listens on port 9: a request would fail differently (and nothing must be sent).
    const slack = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: 'http://127.0.0.1:9/api/' };
    for (const [dataDir, words] of [
      [file, 'はディレクトリではありません'],
      [path.join(file, 'sub'), 'を作れません'],
    ] as const) {
      const notify = await shien(['notify', '--once'], { env: { ...slack, SHIEN_DATA_DIR: dataDir } });
      expect(notify.code).toBe(1);
      expect(notify.stdout).toBe('');
      expectOneConfigLine(notify.stderr, `SHIEN_DATA_DIR (${dataDir}) ${words}`);
      const bot = await start([], { env: { ...slack, SLACK_SIGNING_SECRET: SECRET, PORT: '0', SHIEN_DATA_DIR: dataDir } });
      expect(bot.code).toBe(1);
      expectOneConfigLine(bot.stderr, `SHIEN_DATA_DIR (${dataDir}) ${words}`);
      expect(bot.stderr).not.toMatch(/unable to open database|EEXIST|ENOTDIR/);
    }
  }, RUN_TIMEOUT);
});

describe('.env', () => {
  async function catalogOfOne(): Promise<{ dir: string; catalog: string }> {
    const dir = await tempDir('dotenv');
    const catalog = path.join(dir, 'catalog');
    await mkdir(catalog);
    await writeFile(path.join(catalog, 'one.yaml'), '- name: ドットエンド確認事業\n  agency: 県産業立地課\n');
    return { dir, catalog };
  }
  const programsOf = (stdout: string) => (JSON.parse(stdout) as { programs: Array<{ name: string }> }).programs.map((p) => p.name);

  it('saved with a UTF-8 byte-order mark: its first variable is read (the CLI and npm start)', async () => {
    const { dir, catalog } = await catalogOfOne();
    await writeFile(path.join(dir, '.env'), `\uFEFFSHIEN_CATALOG_DIR=${catalog}\n`);
    const r = await run(process.execPath, [BIN, 'catalog', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(programsOf(r.stdout)).toEqual(['ドットエンド確認事業']);
    expect(ownStderr(r.stderr)).toBe('');
    const console = await run(process.execPath, [START], { cwd: dir, input: '確認\n' });
    expect(console.code, console.stderr).toBe(0);
    expect(console.stdout).toContain('ドットエンド確認事業');
  }, RUN_TIMEOUT);

  it('a line that is not KEY=value: a warning naming its line (not its text), the other variables still read', async () => {
    const { dir, catalog } = await catalogOfOne();
    await writeFile(path.join(dir, '.env'), ['# comment', 'xoxb-pasted-secret-without-a-name', `SHIEN_CATALOG_DIR=${catalog}`, 'MULTI="a', 'b"', ''].join('\n'));
    const r = await run(process.execPath, [BIN, 'catalog', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(programsOf(r.stdout)).toEqual(['ドットエンド確認事業']);
    const warnings = ownStderr(r.stderr).split('\n').filter(Boolean);
    expect(warnings).toEqual(['警告: .env の 2 行目を読めません (KEY=値 の形で書きます)。その行は無視しました']);
    expect(r.stderr).not.toContain('xoxb-pasted');
  }, RUN_TIMEOUT);

  it('a value with a # glued to it: a warning naming its line that the rest was read as a comment (a token arrived cut, unsaid)', async () => {
    const { dir, catalog } = await catalogOfOne();
    await writeFile(path.join(dir, '.env'), [`SHIEN_CATALOG_DIR=${catalog}`, 'SECRET_LIKE=xoxb-good-q#1', 'QUOTED="a#b"', 'NOTED=plain # a note', ''].join('\n'));
    const r = await run(process.execPath, [BIN, 'catalog', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(ownStderr(r.stderr).split('\n').filter(Boolean)).toEqual(['警告: .env の 2 行目の値は # の前までとして読みました (# は行内コメントの始まりです。# を含む値は "…" で囲みます)']);
    expect(r.stderr).not.toContain('xoxb-good');
  }, RUN_TIMEOUT);
});
