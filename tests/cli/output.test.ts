/**
 * The command-line tool as scripts and cron jobs use it: stdout holds the answer and nothing
 * else (`--json`: exactly JSON), a reader that stops early (`| head -1`) is no error, and a
 * command line that cannot be run is refused with usage and exit code 2.
 */
import { cp, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILD_TIMEOUT, ownStderr, q, ROOT, run, RUN_TIMEOUT, sh, shien, start, tempDir } from './support.js';

beforeAll(async () => {
  // dist/ current before the timed runs (a no-op in CI, where npm ci has just built it).
  const built = await run(process.execPath, ['scripts/build.mjs'], { timeout: BUILD_TIMEOUT });
  expect(built.code, built.stderr).toBe(0);
}, BUILD_TIMEOUT);

describe('stdout is the answer', () => {
  it('`npm run -s shien -- catalog --json` prints one JSON document and nothing else', async () => {
    const r = await run('npm', ['run', '-s', 'shien', '--', 'catalog', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { programs: Array<{ id: string; name: string }> };
    expect(doc.programs).toHaveLength(143);
    expect(ownStderr(r.stderr)).toBe('');
  }, RUN_TIMEOUT);

  it('`npx shien search 創業 --json` (the package\'s bin, in the project directory, never installing anything)', async () => {
    const r = await run('npx', ['--no', 'shien', 'search', '創業', '--json', '--limit', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ query: '創業', results: [{ name: expect.any(String) }] });
  }, RUN_TIMEOUT);

  it('`search --json` prints one JSON line per query, nothing else, for an argument and for stdin lines', async () => {
    const one = await shien(['search', '創業', '--json', '--limit', '2']);
    expect(one.code).toBe(0);
    expect(one.stdout.endsWith('\n')).toBe(true);
    const lines = one.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ query: '創業', results: [{ name: expect.any(String) }, { name: expect.any(String) }] });
    expect(ownStderr(one.stderr)).toBe('');

    // One line out per line in, a blank one too, so that answers line up with their questions.
    const batch = await shien(['search', '--json'], { input: '創業\n輸出\n\n  \n事業承継\n' });
    expect(batch.code).toBe(0);
    const answers = batch.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { query: string; mode: string });
    expect(answers.map((a) => a.query)).toEqual(['創業', '輸出', '', '', '事業承継']);
    expect(answers.map((a) => a.mode)).toEqual(['all', 'all', 'empty', 'empty', 'all']);
  }, RUN_TIMEOUT);

  it('a broken catalog: the problems on stderr, nothing on stdout (--json: the JSON document only), exit 1', async () => {
    const dir = await tempDir('broken');
    await writeFile(path.join(dir, 'a.yaml'), '- name: 事業A\n  agency: 県産業立地課\n  budgetThousandYen: 三千\n');
    const text = await shien(['catalog'], { env: { SHIEN_CATALOG_DIR: dir } });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('a.yaml:3 1 件目 budgetThousandYen: 数値で書きます (書かれている値: 「三千」)');
    const json = await shien(['catalog', '--json'], { env: { SHIEN_CATALOG_DIR: dir } });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ programs: [], problems: [{ file: 'a.yaml', line: 3, field: 'budgetThousandYen' }] });
    const search = await shien(['search', '創業', '--json'], { env: { SHIEN_CATALOG_DIR: dir } });
    expect(search.code).toBe(1);
    expect(search.stdout).toBe('');
    expect(search.stderr).toContain('budgetThousandYen');
  }, RUN_TIMEOUT);
});

describe('shien index for a catalog other than the bundled one', () => {
  it('without SHIEN_INDEX_FILE: refused with a line naming the setting, the bundled index left alone; with it: written there', async () => {
    const dir = await tempDir('index-other');
    const catalog = path.join(dir, 'catalog');
    await cp(path.join(ROOT, 'seeds', 'catalog'), catalog, { recursive: true });
    const bundledIndex = path.join(ROOT, 'dist', 'search-index.json');
    const before = await readFile(bundledIndex);
    const refused = await shien(['index'], { env: { SHIEN_CATALOG_DIR: catalog } });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(ownStderr(refused.stderr)).toMatch(/^設定エラー: .*SHIEN_INDEX_FILE/u);
    expect((await readFile(bundledIndex)).equals(before)).toBe(true);

    const own = path.join(dir, 'index.json');
    const written = await shien(['index'], { env: { SHIEN_CATALOG_DIR: catalog, SHIEN_INDEX_FILE: own } });
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain(own);
    expect((await stat(own)).size).toBeGreaterThan(0);
    expect((await readFile(bundledIndex)).equals(before)).toBe(true);
  }, RUN_TIMEOUT);
});

describe('a broken seeds file is named as such', () => {
  it('synonyms.yaml with a YAML error: headed as the synonyms file, the line that broke, exit 1', async () => {
    const seeds = await tempDir('seeds');
    await cp(path.join(ROOT, 'seeds', 'agencies.yaml'), path.join(seeds, 'agencies.yaml'));
    await cp(path.join(ROOT, 'seeds', 'catalog'), path.join(seeds, 'catalog'), { recursive: true });
    await writeFile(path.join(seeds, 'synonyms.yaml'), 'groups:\n  - [起業, 創業\n  - [後継ぎ, 事業承継]\n');
    const r = await shien(['search', '創業', '--json'], { env: { SHIEN_SEEDS_DIR: seeds } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = ownStderr(r.stderr).split('\n').filter(Boolean);
    expect(lines[0]).toMatch(/^synonyms\.yaml \(検索の言い換え・意図\) を読み込めません \(1 件の問題\):$/);
    expect(lines[1]).toMatch(/synonyms\.yaml:2: YAML の構文エラー: \[ または \{ が閉じられていません/);
  }, RUN_TIMEOUT);
});

describe('相談の種類 (seeds/needs.yaml) on the command line', () => {
  it('`shien needs` lists the 70 needs by purpose with their counts (--json: one document), nothing on stderr', async () => {
    const text = await shien(['needs']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe('相談の種類 70 件。shien search 相談:運転資金 のように名前 (またはその一部) で絞り込めます。');
    // Under its purpose's heading (after 事業承継の準備を始めたい, which most of its programs put there).
    expect(text.stdout).toMatch(/【事業を引き継ぎたい】\n(  相談:[^\n]+\n)*  相談:子どもや親族に事業を継がせたい \(5\) — /u);
    expect(ownStderr(text.stderr)).toBe('');
    const json = await shien(['needs', '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { size: number; fromFile: boolean; groups: Array<{ purpose: string | null; needs: Array<{ name: string; count: number; query: string }> }> };
    expect(doc.size).toBe(70);
    expect(doc.fromFile).toBe(true);
    // Every group names its purpose, null for the needs across purposes (the key was missing).
    expect(doc.groups.every((g) => 'purpose' in g)).toBe(true);
    expect(doc.groups.at(-1)!.purpose).toBeNull();
    const loan = doc.groups.flatMap((g) => g.needs).find((n) => n.name === '経営を立て直したい (事業再生)');
    expect(loan).toMatchObject({ count: 2, query: '経営を立て直したい(事業再生)' });
  }, RUN_TIMEOUT);

  it('a program naming a need needs.yaml lacks: catalog and search refuse with file, line and field, exit 1; a broken needs.yaml is named as such', async () => {
    const seeds = await tempDir('needs');
    for (const file of ['agencies.yaml', 'synonyms.yaml', 'needs.yaml']) await cp(path.join(ROOT, 'seeds', file), path.join(seeds, file));
    await cp(path.join(ROOT, 'seeds', 'catalog'), path.join(seeds, 'catalog'), { recursive: true });
    await writeFile(path.join(seeds, 'catalog', 'z.yaml'), '- name: 事業A\n  agency: 県産業立地課\n  needs:\n    - 海外に輸出したい\n    - 運転資金を借りる\n');
    for (const args of [['catalog'], ['search', '創業', '--json']]) {
      const r = await shien(args, { env: { SHIEN_SEEDS_DIR: seeds } });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('z.yaml:5 1 件目 needs[2]: 相談の種類「運転資金を借りる」は needs.yaml にありません (近いもの: 運転資金を借りたい / 創業資金を借りたい)');
    }
    await writeFile(path.join(seeds, 'catalog', 'z.yaml'), '- name: 事業A\n  agency: 県産業立地課\n  needs: [海外に輸出したい]\n');
    await writeFile(path.join(seeds, 'needs.yaml'), 'needs:\n  - name: 海外に輸出したい\n    description: 輸出したい。\n    purposes: [輸出]\n');
    const broken = await shien(['needs'], { env: { SHIEN_SEEDS_DIR: seeds } });
    expect(broken.code).toBe(1);
    const lines = ownStderr(broken.stderr).split('\n').filter(Boolean);
    expect(lines[0]).toBe('needs.yaml (相談の種類) を読み込めません (1 件の問題):');
    expect(lines[1]).toMatch(/needs\.yaml:4 needs\[1\]\.purposes\[1\]: 次のどれかです: /);
  }, RUN_TIMEOUT * 2);
});

describe('a reader that stops early', () => {
  // Each writes more than a pipe holds (64 KiB), so it is still writing when head has gone:
  // without the fix that is an EPIPE stack trace and exit 1. The queries come from printf,
  // which has written them all and exited 0 before that (pipefail reports the first failure).
  const queries = (n: number) => `printf '創業\\n%.0s' $(seq ${n})`;
  it.each([
    ['search, readable, one query per stdin line', `${q(process.execPath)} ${q(BIN)} search --limit 50`, queries(300)],
    ['search --json, one query per stdin line', `${q(process.execPath)} ${q(BIN)} search --json`, queries(2000)],
    ['catalog --json', `${q(process.execPath)} ${q(BIN)} catalog --json`, 'true'],
  ])('%s | head -1: one line, exit 0, no EPIPE and no stack trace', async (_name, command, feed) => {
    const r = await sh(`${feed} | ${command} | head -1`);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js:\d+/);
    expect(r.code).toBe(0); // pipefail: the command's own exit code
  }, RUN_TIMEOUT);

  it('npm start | head -1 (the console answering a pipe) ends quietly too', async () => {
    const r = await sh(`printf '創業\\n%.0s' $(seq 500) | ${q(process.execPath)} scripts/start.mjs | head -1`);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.code).toBe(0);
  }, RUN_TIMEOUT);
});

describe('a command line that cannot be run: usage on stderr, exit 2, nothing on stdout', () => {
  it.each([
    [['catalog', '--jsn'], '不明なオプション: --jsn'],
    [['catalog', 'extra'], '余分な引数: extra'],
    [['search', '創業', '--jsn'], '不明なオプション: --jsn'],
    [['search', '創業', '--limit', '0'], '--limit には 1 以上の整数を指定してください (指定: 0)'],
    [['ingest', 'seeds/sources/shoukougyou-shinkou-plan-kankei-kikan-r5.txt', '--wirte'], '不明なオプション: --wirte'],
    [['ingest'], '文書を指定してください'],
    [['index', '--force'], '不明なオプション: --force'],
    [['notify', '--once', '--now'], '不明な引数: --now'],
    [['frobnicate'], '不明なコマンド: frobnicate'],
  ])('shien %j', async (args, message) => {
    const r = await shien(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/使い方/);
  }, RUN_TIMEOUT);

  it('npm start with an argument', async () => {
    const r = await start(['--port', '8080']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('不明な引数: --port 8080');
  }, RUN_TIMEOUT);

  it('npm run eval with an argument it does not know: refused before the evaluation, exit 2', async () => {
    const r = await run('npm', ['run', '-s', 'eval', '--', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('不明な引数: --bogus');
  }, RUN_TIMEOUT);

  it('help is an answer: usage on stdout, exit 0', async () => {
    const r = await shien(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('search "<検索語>"');
  }, RUN_TIMEOUT);

  it.each([['search', '--help'], ['catalog', '-h'], ['search', '創業', '--help']])('a command\'s --help is its usage on stdout, exit 0: shien %j', async (...args) => {
    const r = await shien(args);
    expect(r.code).toBe(0);
    if (args[0] === 'search') {
      // search's also lists how a query is written: filters and phrases, quoted for a shell.
      const [first, ...rest] = r.stdout.split('\n');
      expect(first).toBe('使い方: npm run -s shien -- search "<検索語>" [--json] [--limit N]');
      for (const form of ['機関:', '重点:', '予算:', '目的:', '相談:', `shien search '"事業承継"'`]) expect(rest.join('\n')).toContain(form);
      expect(rest.join('\n')).toContain('shien search 相談:運転資金 — 相談の種類で絞る (相談:運転資金を借りたい / 相談:運転資金 (相談の種類の名前、またはその一部))。一覧は shien needs');
      expect(r.stdout).not.toContain('通知');
    } else expect(r.stdout).toBe('使い方: npm run -s shien -- catalog [--json]\n');
    expect(ownStderr(r.stderr)).toBe('');
  }, RUN_TIMEOUT);

  it('search with nothing on stdin prints nothing on stdout and says so on stderr, exit 0', async () => {
    for (const extra of [[], ['--json']]) {
      const r = await shien(['search', ...extra], { input: '' });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(ownStderr(r.stderr)).toContain('検索語がありませんでした');
    }
  }, RUN_TIMEOUT);
});
