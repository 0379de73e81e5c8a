import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The catalog's YAML files under `dir`, relative to it, sorted (what loadCatalog reads). */
export async function listCatalogFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name) && !e.name.startsWith('.'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
