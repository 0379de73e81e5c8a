import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The project root: dist/ and src/ both sit one level below it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const PathsSchema = z.object({
  SHIEN_SEEDS_DIR: z.string().min(1).default(path.join(PROJECT_ROOT, 'seeds')),
  SHIEN_CATALOG_DIR: z.string().min(1).optional(),
  SHIEN_INDEX_FILE: z.string().min(1).optional(),
});

export interface Paths {
  seedsDir: string;
  catalogDir: string;
  agenciesFile: string;
  /** Search vocabulary: synonym groups, intents, purpose short names. */
  synonymsFile: string;
  /** Prebuilt search index (`shien index`, run by `npm run build`); used when it matches the catalog. */
  indexFile: string;
}

/** Where the catalog lives; validated from the environment. */
export function loadPaths(env: NodeJS.ProcessEnv = process.env): Paths {
  const parsed = PathsSchema.parse(env);
  const seedsDir = path.resolve(parsed.SHIEN_SEEDS_DIR);
  return {
    seedsDir,
    catalogDir: path.resolve(parsed.SHIEN_CATALOG_DIR ?? path.join(seedsDir, 'catalog')),
    agenciesFile: path.join(seedsDir, 'agencies.yaml'),
    synonymsFile: path.join(seedsDir, 'synonyms.yaml'),
    indexFile: path.resolve(parsed.SHIEN_INDEX_FILE ?? path.join(PROJECT_ROOT, 'dist', 'search-index.json')),
  };
}
