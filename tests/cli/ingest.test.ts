/**
 * `shien ingest` as staff run it: the wrong document is refused without writing anything,
 * SHIEN_CATALOG_DIR is where it reads and writes, and what it says it did is what it did.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT, ownStderr, ROOT, run, RUN_TIMEOUT, shien, SOURCE_DOCUMENT, tempDir } from './support.js';

const STEM = path.basename(SOURCE_DOCUMENT, '.txt');
const BUNDLED_CATALOG = path.join(ROOT, 'seeds', 'catalog', `${STEM}.yaml`);
const BUNDLED_SNAPSHOT = path.join(ROOT, 'seeds', 'ingest', `${STEM}.generated.yaml`);

beforeAll(async () => {
  const built = await run(process.execPath, ['scripts/build.mjs'], { timeout: BUILD_TIMEOUT });
  expect(built.code, built.stderr).toBe(0);
}, BUILD_TIMEOUT);

/** Every file under `dir` with its bytes, to show nothing was written. */
async function snapshotOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[path.relative(dir, path.join(entry.parentPath, entry.name))] = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('shien ingest', () => {
  it('README.md --write: refused (no program cards), exit 1, nothing written, the catalog still loads', async () => {
    const seeds = await tempDir('ingest-wrong');
    const catalog = path.join(seeds, 'catalog');
    await mkdir(catalog);
    await writeFile(path.join(catalog, 'a.yaml'), '- name: 事業A\n  agency: 県産業立地課\n');
    const before = await snapshotOf(seeds);
    const r = await shien(['ingest', 'README.md', '--write'], { env: { SHIEN_CATALOG_DIR: catalog } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('README.md に事業カードが見つかりません');
    expect(r.stderr).toContain('何も書き込んでいません');
    expect(await snapshotOf(seeds)).toEqual(before);
    const loaded = await shien(['catalog', '--json'], { env: { SHIEN_CATALOG_DIR: catalog } });
    expect(loaded.code).toBe(0);
    expect((JSON.parse(loaded.stdout) as { programs: unknown[] }).programs).toHaveLength(1);
  }, RUN_TIMEOUT);

  it("a second document whose programs are already in another file (next year's plan): refused, nothing written, the catalog still loads", async () => {
    const seeds = await tempDir('ingest-twice');
    const catalog = path.join(seeds, 'catalog');
    await mkdir(catalog);
    await writeFile(path.join(catalog, `${STEM}.yaml`), await readFile(BUNDLED_CATALOG, 'utf8'));
    // The start of the same document under another name: the same agencies and names, so the same ids.
    const part = path.join(seeds, 'part.txt');
    await writeFile(part, (await readFile(SOURCE_DOCUMENT, 'utf8')).split('\n').slice(0, 400).join('\n'));
    const before = await snapshotOf(seeds);
    for (const args of [['ingest', part], ['ingest', part, '--write']]) {
      const r = await shien(args, { env: { SHIEN_CATALOG_DIR: catalog } });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('カタログのファイルに問題があるため取り込めません');
      expect(r.stderr).toMatch(/id "p-[0-9a-f]{10}" は .+\.yaml:\d+ にもあります/u);
      expect(r.stderr).toContain('part.yaml');
      expect(r.stdout).not.toContain('書き込みました');
    }
    expect(await snapshotOf(seeds)).toEqual(before);
    const loaded = await shien(['catalog', '--json'], { env: { SHIEN_CATALOG_DIR: catalog } });
    expect(loaded.code).toBe(0);
  }, RUN_TIMEOUT);

  it('a document that does not exist: one line naming it, exit 1', async () => {
    const r = await shien(['ingest', 'no-such-document.txt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('文書を読めません');
    expect(r.stderr).toContain('no-such-document.txt');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  }, RUN_TIMEOUT);

  it('a directory instead of a document: one line in Japanese naming it, exit 1', async () => {
    const r = await shien(['ingest', 'seeds/catalog']);
    expect(r.code).toBe(1);
    expect(ownStderr(r.stderr)).toMatch(/^文書を読めません: .*seeds\/catalog はディレクトリです/u);
    expect(r.stderr).not.toContain('EISDIR');
  }, RUN_TIMEOUT);

  it('reads and writes SHIEN_CATALOG_DIR (snapshot in ingest/ beside it), never the bundled seeds; says what it wrote', async () => {
    const bundled = [await stat(BUNDLED_CATALOG), await stat(BUNDLED_SNAPSHOT)].map((s) => s.mtimeMs);
    const base = await tempDir('ingest-dir');
    const catalog = path.join(base, 'catalog');
    const env = { SHIEN_CATALOG_DIR: catalog };

    const first = await shien(['ingest', SOURCE_DOCUMENT, '--write'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(ownStderr(first.stderr)).toBe('');
    expect(first.stdout).toContain('追加 143 件');
    expect(first.stdout).toContain(`書き込みました。(${path.relative(ROOT, path.join(catalog, `${STEM}.yaml`))})`);
    expect(first.stdout).toContain('取り込み記録を更新しました');
    expect(Object.keys(await snapshotOf(base)).sort()).toEqual([`catalog/${STEM}.yaml`, `ingest/${STEM}.generated.yaml`]);

    const written = await snapshotOf(base);
    const again = await shien(['ingest', SOURCE_DOCUMENT, '--write'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('変更はありません。');
    expect(again.stdout).not.toContain('取り込み記録を更新しました');
    expect(await snapshotOf(base)).toEqual(written);
    // It serves: the catalog it wrote loads.
    const loaded = await shien(['catalog', '--json'], { env });
    expect((JSON.parse(loaded.stdout) as { programs: unknown[] }).programs).toHaveLength(143);

    expect([await stat(BUNDLED_CATALOG), await stat(BUNDLED_SNAPSHOT)].map((s) => s.mtimeMs)).toEqual(bundled);
  }, RUN_TIMEOUT * 2);

  it('the committed snapshot is current: ingest of the bundled document reports no change and writes nothing', async () => {
    const base = await tempDir('ingest-bundled');
    const catalog = path.join(base, 'catalog');
    await mkdir(catalog);
    await mkdir(path.join(base, 'ingest'));
    await writeFile(path.join(catalog, `${STEM}.yaml`), await readFile(BUNDLED_CATALOG));
    await writeFile(path.join(base, 'ingest', `${STEM}.generated.yaml`), await readFile(BUNDLED_SNAPSHOT));
    const before = await snapshotOf(base);
    const r = await shien(['ingest', SOURCE_DOCUMENT, '--write'], { env: { SHIEN_CATALOG_DIR: catalog } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('変更はありません。');
    expect(r.stdout).not.toContain('取り込み記録');
    expect(await snapshotOf(base)).toEqual(before);
  }, RUN_TIMEOUT);
});
