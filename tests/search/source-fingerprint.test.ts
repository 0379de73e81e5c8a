/**
 * The source files' fingerprint decides whether a start may take the sources stored in the
 * index file instead of reading and validating the YAML (load.ts). It must follow the files'
 * names and bytes, not where they are: an index built in one directory and served from a copy
 * in another (a container image copied to /app) read all the YAML at every start before, which
 * at 10,000 programs does not fit in a 256 MB heap.
 */
import { cp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPaths } from '../../src/config.js';
import { sourceFilesFingerprint } from '../../src/search/load.js';
import { bundledPaths, tempDir } from './support.js';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the bundled seeds (catalog included) under a new directory, `nested` deep. */
async function copyOfSeeds(nested: string[]): Promise<string> {
  const root = await tempDir('fingerprint');
  made.push(root);
  const seeds = path.join(root, ...nested, 'seeds');
  await cp(bundledPaths().seedsDir, seeds, { recursive: true });
  return seeds;
}

describe('sourceFilesFingerprint', () => {
  const at = (seeds: string) => loadPaths({ SHIEN_SEEDS_DIR: seeds });

  it('is the same for the same files in another directory', async () => {
    const original = await sourceFilesFingerprint(bundledPaths());
    expect(await sourceFilesFingerprint(at(await copyOfSeeds([])))).toBe(original);
    expect(await sourceFilesFingerprint(at(await copyOfSeeds(['app', 'elsewhere'])))).toBe(original);
  });

  it('changes with a byte of a file, or a catalog file’s name', async () => {
    const original = await sourceFilesFingerprint(bundledPaths());
    const edited = at(await copyOfSeeds([]));
    await writeFile(edited.agenciesFile, `${await readFile(edited.agenciesFile, 'utf8')}\n`);
    expect(await sourceFilesFingerprint(edited)).not.toBe(original);

    const renamed = at(await copyOfSeeds([]));
    const [first] = (await readdir(renamed.catalogDir)).filter((f) => f.endsWith('.yaml')).sort();
    await rename(path.join(renamed.catalogDir, first!), path.join(renamed.catalogDir, `z-${first}`));
    expect(await sourceFilesFingerprint(renamed)).not.toBe(original);
  });
});
