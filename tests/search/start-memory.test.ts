/**
^ * What a start holds in memory. A start whose index is missing or stale analyses the catalog with kuromoji (its dictionary
 * alone is about 130 MiB, and the build as much again). In a container limited below what that needs, the kernel killed the
 * bot at start, and a restart policy started it into the same end (seen in a 256 MB cgroup on
 * 10,000 programs after synonyms.yaml changed). It now refuses with what to do instead.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogReadTooBig, rebuildNeedsMiB } from '../../src/memory-limit.js';
import { LiveEngine } from '../../src/search/live.js';
import { loadSearchEngine, RebuildMemoryError, writeSearchIndex } from '../../src/search/load.js';
import { ANALYZER_TIMEOUT, bundledPaths, tempDir } from './support.js';

const MiB = 1024 * 1024;

/** A copy of the bundled catalog with its index made, where a test may edit the files. */
async function copiedCatalog(name: string) {
  const dir = await tempDir(name);
  const catalogDir = path.join(dir, 'catalog');
  await cp(bundledPaths().catalogDir, catalogDir, { recursive: true });
  const paths = { ...bundledPaths(), catalogDir, indexFile: path.join(dir, 'index.json'), persistIndex: true };
  await writeSearchIndex(paths);
  return paths;
}

/** Renames 商人塾・創業塾 in the copy's file: a change of what the catalog says. */
async function editCatalog(catalogDir: string): Promise<void> {
  const file = path.join(catalogDir, 'shoukougyou-shinkou-plan-kankei-kikan-r5.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('name: 商人塾・創業塾\n', 'name: 商人塾・創業塾（改）\n'));
}
const EDITED = /^商人塾・創業塾[（(]改[）)]$/u;

describe('a start that would have to analyse the catalog', () => {
  it('refuses below the memory it needs, saying so and naming the command that makes the index', async () => {
    const paths = { ...bundledPaths(), indexFile: path.join(await tempDir('rebuild-memory'), 'absent.json') };
    const start = loadSearchEngine(paths, { memoryLimitBytes: 256 * MiB });
    await expect(start).rejects.toThrow(RebuildMemoryError);
    await expect(loadSearchEngine(paths, { memoryLimitBytes: 256 * MiB })).rejects.toThrow(
      new RegExp(`検索索引がありません.*約 ${rebuildNeedsMiB(143)} MiB.*上限は 256 MiB.*SHIEN_INDEX_FILE=.*absent\\.json npx shien index`, 'u'),
    );
  });

  it('analyses it when the limit allows, and a start from a current index is never refused', async () => {
    const paths = { ...bundledPaths(), indexFile: path.join(await tempDir('rebuild-memory'), 'absent.json') };
    expect((await loadSearchEngine(paths, { memoryLimitBytes: 8192 * MiB })).source).toBe('built');
    // The bundled index loads with 100 MiB left beside what this process holds: at most the
    // small catalog's YAML is read (when this code's build is not the index's), nothing analysed.
    expect((await loadSearchEngine(bundledPaths(), { memoryLimitBytes: process.memoryUsage.rss() + 100 * MiB })).source).toBe('index-file');
  }, ANALYZER_TIMEOUT);

  it('needs more for a larger catalog, as the bench measured the builds', () => {
    // Peak RSS of build processes with the compact dictionary (session 27); 100,000 is the
    // figure with kuromoji's own loader (session 24), which needed more.
    expect(rebuildNeedsMiB(143)).toBeGreaterThanOrEqual(269);
    expect(rebuildNeedsMiB(10_000)).toBeGreaterThanOrEqual(412);
    expect(rebuildNeedsMiB(100_000)).toBeGreaterThanOrEqual(1497);
  });
});

describe("the bot's engine at start (LiveEngine.load)", () => {
  it("takes the sources from a current index (the catalog's YAML is not read for them), and a reload of the same files changes nothing", async () => {
    const paths = { ...bundledPaths(), indexFile: path.join(await tempDir('live-start'), 'index.json'), persistIndex: true };
    await writeSearchIndex(paths);
    const rebuilt: unknown[] = [];
    const live = await LiveEngine.load(paths, (r) => rebuilt.push(r));
    expect(live.current.size).toBe(143);
    expect(rebuilt).toEqual([]);
    // The index's fingerprint of its sources is the one a reload computes from the files.
    expect(await live.reload()).toEqual({ status: 'unchanged' });
  }, ANALYZER_TIMEOUT);
});

describe("the bot's catalog without reading its files (LiveEngine.servedCatalog, reload)", () => {
  it('gives the served catalog while the files are unchanged; after an edit, undefined (the files are read), and a reload serves the edit', async () => {
    const paths = await copiedCatalog('live-served');
    const live = await LiveEngine.load(paths);
    expect((await live.servedCatalog())?.map((p) => p.id)).toEqual(live.current.programs.map((p) => p.id));
    // An edit on disk: the served catalog is no longer the files' (the notices read them).
    await editCatalog(paths.catalogDir);
    expect(await live.servedCatalog()).toBeUndefined();
    expect(await live.reload()).toEqual({ status: 'reloaded', programs: 143 });
    expect(live.current.programs.some((p) => EDITED.test(p.name))).toBe(true);
    expect((await live.servedCatalog())?.length).toBe(143);
  }, ANALYZER_TIMEOUT * 2);
});

describe("a running bot's reload of changed catalog files", () => {
  it('is refused when reading them would not fit in its memory limit; the engine serving stays', async () => {
    const paths = await copiedCatalog('live-limit');
    // Started from the current index within 64 MiB: nothing read, nothing refused.
    const live = await LiveEngine.load(paths, undefined, 64 * MiB);
    await editCatalog(paths.catalogDir);
    await expect(live.reload()).rejects.toThrow(/カタログのファイルが変わりましたが、読み直すには約 \d+ MiB のメモリが要りますが、このプロセスの上限は 64 MiB/u);
    expect(live.current.size).toBe(143);
    expect(live.current.programs.some((p) => EDITED.test(p.name))).toBe(false);
  }, ANALYZER_TIMEOUT);
});

describe('catalogReadTooBig (the notices ask it before reading changed catalog files)', () => {
  it('says why when what is left under the limit is too little, and nothing when it is enough or there is no limit', async () => {
    const dir = bundledPaths().catalogDir;
    expect(await catalogReadTooBig(dir, 64 * MiB)).toMatch(/を読むには約 \d+ MiB のメモリが要りますが、このプロセスに残るのは -?\d+ MiB のため読みません/u);
    expect(await catalogReadTooBig(dir, process.memoryUsage.rss() + 200 * MiB)).toBeUndefined();
    expect(await catalogReadTooBig(dir, undefined)).toBeUndefined();
  });
});
