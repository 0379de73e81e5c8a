/**
 * `npm start` without Slack tokens: the console answering a pipe. It loads only what a search
 * needs (not Bolt, SQLite, the notices, kuromoji or the YAML parser when the index is current),
 * says that notices are a Slack feature, and keeps its search index current on its own.
 */
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, BUILD_TIMEOUT, ownStderr, ROOT, run, RUN_TIMEOUT, shien, start, START, tempDir } from './support.js';

const RECORDER = path.join(ROOT, 'tests', 'cli', 'fixtures', 'record-imports.mjs');

beforeAll(async () => {
  const built = await run(process.execPath, ['scripts/build.mjs'], { timeout: BUILD_TIMEOUT });
  expect(built.code, built.stderr).toBe(0);
}, BUILD_TIMEOUT);

describe('npm start, the console', () => {
  it('answers each piped line; 通知 … says notices work in Slack instead of searching for 通知', async () => {
    const r = await start([], { input: '/支援 通知 オン\n創業\n' });
    expect(r.code).toBe(0);
    expect(ownStderr(r.stderr)).toBe('');
    const [notice, answer] = r.stdout.trimEnd().split('\n\n');
    expect(notice).toContain('新着通知は Slack で使えます');
    expect(notice).toContain('/支援 通知 オン');
    expect(notice).not.toMatch(/件/);
    expect(answer).toMatch(/「創業」 \d+ 件/);
  }, RUN_TIMEOUT);

  it('shows the contacts staff entered in Slack, as Slack’s card does (it showed the YAML’s number)', async () => {
    const dataDir = await tempDir('console-contacts');
    const { ContactStore } = await import('../../src/contacts/store.js');
    const store = ContactStore.open(dataDir);
    store.save({ target: { kind: 'agency', id: 'kagoshima-shinkin' }, contact: { desk: '営業推進部', phone: '099-111-2222', source: 'https://www.kashin.co.jp/', checkedOn: '2026-11-27' }, editedBy: 'U0ADMIN', editedAt: new Date() });
    store.close();
    const r = await start([], { input: '機関:鹿児島信用金庫\n', env: { SHIEN_DATA_DIR: dataDir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('電話: 099-111-2222');
    expect(r.stdout).not.toContain('099-224-8411');
    // Without the file, the YAML's (and no database is made).
    const empty = await tempDir('console-no-contacts');
    const plain = await start([], { input: '機関:鹿児島信用金庫\n', env: { SHIEN_DATA_DIR: empty } });
    expect(plain.stdout).toContain('電話: 099-224-8411');
    expect(await readdir(empty)).toEqual([]);
  }, RUN_TIMEOUT);

  it('loads neither Bolt, SQLite, the notice service, pino, kuromoji, the YAML parser nor zod', async () => {
    const record = path.join(await tempDir('imports'), 'loaded.txt');
    await writeFile(record, '');
    // An empty Slack setting (left in .env) is no setting: still the console, still without zod.
    const r = await run(process.execPath, ['--import', RECORDER, START], { input: '創業\n', env: { RECORD_IMPORTS_FILE: record, SLACK_BOT_TOKEN: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/「創業」 \d+ 件/);
    const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
    // The recorder sees what it should (else the assertion below could not fail).
    expect(loaded.some((l) => l.includes('node_modules/minisearch'))).toBe(true);
    expect(loaded.some((l) => l.endsWith('/console.js'))).toBe(true);
    const unwanted = loaded.filter((l) => /@slack\/|better-sqlite3|\/notices\/(store|sqlite-store|service|schedule|run)\.js|\/bot\.js|\/slack\/app\.js|pino|croner|kuromoji|node_modules\/yaml|node_modules\/zod\//.test(l));
    expect(unwanted).toEqual([]);
  }, RUN_TIMEOUT);

  it('`shien search --json` on a current index loads neither zod nor the YAML parser', async () => {
    const record = path.join(await tempDir('imports-cli'), 'loaded.txt');
    await writeFile(record, '');
    const r = await run(process.execPath, ['--import', RECORDER, BIN, 'search', '創業', '--json'], { env: { RECORD_IMPORTS_FILE: record } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).total).toBeGreaterThan(0);
    const loaded = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((l) => l.includes('node_modules/minisearch'))).toBe(true);
    expect(loaded.filter((l) => /node_modules\/(zod|yaml)\/|kuromoji/.test(l))).toEqual([]);
  }, RUN_TIMEOUT);

  it('a Slack setting given without tokens is still validated: a bad LOG_LEVEL is refused naming it', async () => {
    const r = await start([], { input: '創業\n', env: { LOG_LEVEL: 'verbose' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('設定エラー: LOG_LEVEL');
  }, RUN_TIMEOUT);
});

describe('the search index follows the catalog', () => {
  it('an index file that cannot be written (a directory in its place): answered anyway, the reason on stderr', async () => {
    const index = path.join(await tempDir('index-dir'), 'search-index.json');
    await mkdir(index);
    const r = await shien(['search', '創業', '--json'], { env: { SHIEN_INDEX_FILE: index } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).total).toBeGreaterThan(0);
    // Since the index file is read in sections (153135c), the line names why it could not be read.
    expect(ownStderr(r.stderr)).toMatch(/^支援ナビ: .*search-index\.json を読めません \(EISDIR\)。カタログをその場で解析しました \([\d.]+ 秒\)。索引は保存できませんでした: .*search-index\.json に書き込めません \(E[A-Z]+\)\n$/);
  }, RUN_TIMEOUT);

  it('SHIEN_INDEX_FILE naming a file that is no index (README.md, agencies.yaml): answered, the file left as it was', async () => {
    // Before: the index was written over it (3 MB over README.md; over agencies.yaml, the next
    // start refused the broken YAML).
    const dir = await tempDir('foreign');
    for (const name of ['README.md', 'agencies.yaml']) {
      const foreign = path.join(dir, name);
      await cp(path.join(ROOT, name === 'README.md' ? 'README.md' : 'seeds/agencies.yaml'), foreign);
      const before = await readFile(foreign);
      const r = await shien(['search', '創業', '--json'], { env: { SHIEN_INDEX_FILE: foreign } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).total).toBeGreaterThan(0);
      expect(ownStderr(r.stderr)).toMatch(new RegExp(`索引は保存できませんでした: .*${name.replace('.', '\\.')} は検索索引のファイルではないため、上書きしません \\(SHIEN_INDEX_FILE を確かめてください\\)\n$`, 'u'));
      expect((await readFile(foreign)).equals(before), name).toBe(true);
    }
    // Asked to write the index there: a setting error, the file untouched.
    const readme = path.join(dir, 'README.md');
    const before = await readFile(readme);
    const index = await shien(['index'], { env: { SHIEN_INDEX_FILE: readme } });
    expect(index.code).toBe(1);
    expect(index.stdout).toBe('');
    expect(ownStderr(index.stderr)).toMatch(/^設定エラー: .*README\.md は検索索引のファイルではないため、上書きしません/u);
    expect((await readFile(readme)).equals(before)).toBe(true);
  }, RUN_TIMEOUT * 3);

  it('missing, then current, then stale: rebuilt and saved to SHIEN_INDEX_FILE (said on stderr), then loaded silently', async () => {
    const dir = await tempDir('index');
    const catalog = path.join(dir, 'catalog');
    await mkdir(catalog);
    await cp(path.join(ROOT, 'seeds', 'catalog'), catalog, { recursive: true });
    const index = path.join(dir, 'index.json');
    const env = { SHIEN_CATALOG_DIR: catalog, SHIEN_INDEX_FILE: index };

    const first = await shien(['search', '創業', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(ownStderr(first.stderr)).toMatch(/^支援ナビ: 検索索引がありません。カタログを解析して索引を作り直しました \([\d.]+ 秒\): .*index\.json\n$/);
    const written = await stat(index);

    const second = await shien(['search', '創業', '--json'], { env });
    expect(second.code).toBe(0);
    expect(ownStderr(second.stderr)).toBe('');
    expect(second.stdout).toBe(first.stdout);
    expect((await stat(index)).mtimeMs).toBe(written.mtimeMs);

    const file = path.join(catalog, (await readdir(catalog))[0]!);
    await writeFile(file, (await readFile(file, 'utf8')) + '- name: 索引更新確認事業\n  agency: 県産業立地課\n  overview: 創業する人のための確認用の事業\n');
    const third = await start([], { env, input: '索引更新確認事業\n' });
    expect(third.code, third.stderr).toBe(0);
    expect(ownStderr(third.stderr)).toMatch(/^支援ナビ: 検索索引がカタログ \(または agencies\.yaml \/ synonyms\.yaml\) と一致しません。カタログを解析して索引を作り直しました/);
    expect(third.stdout).toContain('索引更新確認事業');
    expect((await stat(index)).mtimeMs).toBeGreaterThan(written.mtimeMs);
  }, RUN_TIMEOUT * 2);

  it('two processes started together on a stale index: one rebuilds it, the other waits and loads it', async () => {
    // Before: each analysed the catalog (12–14 s and about 485 MB apiece) and each wrote the file.
    const dir = await tempDir('index-together');
    const env = { SHIEN_INDEX_FILE: path.join(dir, 'index.json') };
    const both = await Promise.all([0, 1].map(() => shien(['search', '創業', '--json'], { env })));
    for (const r of both) expect(r.code, r.stderr).toBe(0);
    expect(both[1]!.stdout).toBe(both[0]!.stdout);
    const said = both.map((r) => ownStderr(r.stderr));
    expect(said.filter((s) => s.includes('索引を作り直しました')), said.join('\n')).toHaveLength(1);
    // The other waited for it (or, started later, found it written): it analysed nothing.
    for (const s of said.filter((x) => !x.includes('索引を作り直しました'))) expect(s).toMatch(/^(支援ナビ: 別のプロセスが検索索引を作り直しています。終わるのを待ちます…\n)?$/u);
    expect(await readdir(dir)).toEqual(['index.json']);
  }, RUN_TIMEOUT * 2);

  it('another catalog with the bundled index file: analysed in memory, the bundled index left alone', async () => {
    const dir = await tempDir('other');
    await writeFile(path.join(dir, 'a.yaml'), '- name: 別カタログ確認事業\n  agency: 県産業立地課\n');
    const r = await shien(['search', '別カタログ確認事業', '--json'], { env: { SHIEN_CATALOG_DIR: dir } });
    expect(r.code, r.stderr).toBe(0);
    expect(ownStderr(r.stderr)).toContain('カタログをその場で解析しました');
    expect((JSON.parse(r.stdout) as { results: Array<{ name: string }> }).results[0]?.name).toBe('別カタログ確認事業');
    // The bundled catalog's index still matches it: a search on it neither analyses nor rewrites.
    const bundled = await shien(['search', '創業', '--json']);
    expect(bundled.code).toBe(0);
    expect(ownStderr(bundled.stderr)).toBe('');
  }, RUN_TIMEOUT);
});
