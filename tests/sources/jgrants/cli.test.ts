/**
 * `shien sync` as a user runs it (a child process of src/cli.ts, as tests/search/cli.test.ts
 * does), against the fake jGrants on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../catalog/support.js';
import { FakeJgrants, KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

let fake: FakeJgrants;
let dataDir: string;
beforeEach(async () => {
  fake = await FakeJgrants.start();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shien-sync-cli-'));
});
afterEach(async () => {
  await fake.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function shien(args: string[], env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('SHIEN_') || k.startsWith('JGRANTS_')) delete base[k];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...base, SHIEN_DATA_DIR: dataDir, SHIEN_INDEX_FILE: path.join(dataDir, 'search-index.json'), ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const enabled = () => ({ SHIEN_SOURCES: 'jgrants', JGRANTS_API_URL: fake.url, SHIEN_JGRANTS_AREAS: '鹿児島県', SHIEN_JGRANTS_KEYWORDS: '補助金' });

describe('shien sync', () => {
  it('without SHIEN_SOURCES it touches no network and says how to turn it on', async () => {
    const run = await shien(['sync', '--json'], { JGRANTS_API_URL: fake.url });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ sources: [] });
    expect(run.stderr).toContain('SHIEN_SOURCES=jgrants');
    expect(fake.requests).toHaveLength(0);
  });

  it('imports, prints a summary on stderr and exactly one JSON document on stdout', async () => {
    const run = await shien(['sync', '--json'], enabled());
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { sources: Array<{ source: string; new: string[]; changed: string[]; closed: string[]; errors: string[] }> };
    expect(doc.sources).toHaveLength(1);
    expect(doc.sources[0]!.source).toBe('jgrants');
    expect(doc.sources[0]!.new).toContain('jg-a0W2x000007CtjqEAC');
    expect(doc.sources[0]!.new).toHaveLength(9);
    expect(run.stderr).toMatch(/jgrants: 新規 9 件・変更 0 件・掲載終了 0 件/);
    expect(run.stderr).toContain('初回の取り込み');
    const again = await shien(['sync', '--json'], enabled());
    expect(JSON.parse(again.stdout).sources[0]).toMatchObject({ new: [], changed: [], closed: [] });
  });

  it('SHIEN_DATA_DIR naming a file is a setting error naming it, as notify says (it was mkdir\'s EEXIST)', async () => {
    const file = path.join(dataDir, 'a-file');
    await writeFile(file, 'x');
    const run = await shien(['sync', '--json'], { ...enabled(), SHIEN_DATA_DIR: file });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`設定エラー: SHIEN_DATA_DIR (${file}) はディレクトリではありません`);
    expect(fake.requests).toHaveLength(0);
  });

  it('a database that cannot be reached is named by DATABASE_URL, host and database, never its password', async () => {
    // The driver's words alone (password authentication failed…) named no setting.
    const run = await shien(['sync', '--json'], { ...enabled(), DATABASE_URL: 'postgres://shien:hunter2@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('取り込んだ事業のデータベース (DATABASE_URL: postgres://127.0.0.1:1/nowhere) を開けませんでした');
    expect(run.stderr + run.stdout).not.toContain('hunter2');
  });

  it('a refused request fails the source (exit 1), names the request, and writes no program', async () => {
    fake.fail('/v1/public/subsidies?', { status: 400 });
    const run = await shien(['sync', '--json'], enabled());
    expect(run.code).toBe(1);
    const source = JSON.parse(run.stdout).sources[0];
    expect(source.errors[0]).toMatch(/HTTP 400 GET \/v1\/public\/subsidies\?keyword=補助金/);
    expect(run.stderr).toContain('何も書き換えていません');
    const dry = await shien(['sync', '--json', '--dry-run'], enabled());
    expect(JSON.parse(dry.stdout).sources[0].new).toHaveLength(9); // nothing was stored by the failed run
  });

  it('search serves the imported programs beside the catalog, with source, url and acceptance in JST; 受付中 lists only open ones', async () => {
    const day = 86_400_000;
    fake.items.set('a0WJ200000OPEN001A', {
      ...KAGOSHIMA_ITEMS()[0]!,
      id: 'a0WJ200000OPEN001A',
      title: '【鹿児島県】テスト用_海外出願の受付中の補助金',
      acceptance_start_datetime: new Date(Date.now() - day).toISOString(),
      acceptance_end_datetime: new Date(Date.now() + 10 * day).toISOString(),
    });
    const synced = await shien(['sync'], enabled());
    expect(synced.code).toBe(0);
    expect(synced.stderr).toContain('検索索引を更新しました');
    const open = await shien(['search', '受付中', '--json', '--limit', '20'], enabled());
    const answer = JSON.parse(open.stdout) as { total: number; results: Array<Record<string, unknown>> };
    expect(answer.results.map((r) => r.id)).toEqual(['jg-a0WJ200000OPEN001A']);
    const [r] = answer.results;
    expect(r!.source).toBe('jgrants');
    expect(r!.url).toBe('https://www.jgrants-portal.go.jp/subsidy/a0WJ200000OPEN001A');
    expect((r!.acceptance as { end: string }).end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    const words = JSON.parse((await shien(['search', '海外出願', '--json', '--limit', '50'], enabled())).stdout) as { results: Array<{ id: string; source: string }> };
    expect(words.results.filter((x) => x.source === 'jgrants').length).toBeGreaterThanOrEqual(5);
    // Turned off, search serves the catalog alone again.
    const off = JSON.parse((await shien(['search', '海外出願', '--json', '--limit', '50'], { SHIEN_INDEX_FILE: path.join(dataDir, 'search-index.json') })).stdout) as { results: Array<{ source: string }> };
    expect(off.results.every((x) => x.source === 'catalog')).toBe(true);
    // A sync setting search does not use cannot hide the imports (they vanished without a word).
    const syncSetting = await shien(['search', '受付中', '--json'], { ...enabled(), SHIEN_JGRANTS_KEYWORDS: 'a' });
    expect(syncSetting.code).toBe(0);
    expect((JSON.parse(syncSetting.stdout) as { results: Array<{ id: string }> }).results.map((x) => x.id)).toEqual(['jg-a0WJ200000OPEN001A']);
    // A source name search cannot use stops it, naming it, and leaves the index with the imports.
    const index = path.join(dataDir, 'search-index.json');
    const before = await stat(index);
    const typo = await shien(['search', '受付中', '--json'], { ...enabled(), SHIEN_SOURCES: 'jgrant' });
    expect(typo).toMatchObject({ code: 1, stdout: '', stderr: '設定エラー: SHIEN_SOURCES に知らない取り込み元があります: jgrant (使えるのは jgrants)\n' });
    expect((await stat(index)).mtimeMs).toBe(before.mtimeMs);
    // A data directory that is a file: the same (it answered without the imports and saved the index so).
    const file = path.join(dataDir, 'not-a-dir');
    await writeFile(file, '');
    const wrongDir = await shien(['search', '受付中', '--json'], { ...enabled(), SHIEN_DATA_DIR: file });
    expect(wrongDir).toMatchObject({ code: 1, stdout: '', stderr: `設定エラー: SHIEN_DATA_DIR (${file}) はディレクトリではありません\n` });
    expect((await stat(index)).mtimeMs).toBe(before.mtimeMs);
  }, 60_000);

  it('two syncs started together: one fetches, the other waits and does not fetch again (both exit 0)', async () => {
    fake.delayMs = 400; // a sync of a few seconds: the second process starts while the first fetches
    const [a, b] = await Promise.all([shien(['sync', '--json'], enabled()), shien(['sync', '--json'], enabled())]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const waited = [a, b].filter((r) => r.stderr.includes('取り込み直しません'));
    expect(waited).toHaveLength(1);
    expect(waited[0]!.stderr).toContain('別の shien sync が実行中です');
    expect(JSON.parse(waited[0]!.stdout)).toEqual({ sources: [], skipped: 'another-sync-just-finished' });
    // One list request (one area, one keyword), not two: they both fetched everything before.
    expect(fake.requests.filter((r) => r.query.keyword !== undefined)).toHaveLength(1);
  }, 60_000);

  it('a bad setting is one line naming it (exit 2)', async () => {
    const run = await shien(['sync'], { SHIEN_SOURCES: 'jgrants,rss' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('設定エラー: SHIEN_SOURCES に知らない取り込み元があります: rss (使えるのは jgrants)\n');
  });
});
