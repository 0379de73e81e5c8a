/** Shared paths and helpers for the catalog tests (not a test file itself). */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgencyDirectory } from '../../src/catalog/agencies.js';
import { loadAgencies } from '../../src/catalog/load.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEEDS_DIR = path.join(ROOT, 'seeds');
export const CATALOG_DIR = path.join(SEEDS_DIR, 'catalog');
export const AGENCIES_FILE = path.join(SEEDS_DIR, 'agencies.yaml');
export const SOURCE_NAME = 'shoukougyou-shinkou-plan-kankei-kikan-r5.txt';
export const SOURCE_FILE = path.join(SEEDS_DIR, 'sources', SOURCE_NAME);

let sourceText: string | undefined;

/** The whole source document (PDF text extraction), read once. */
export function sourceDocument(): string {
  sourceText ??= readFileSync(SOURCE_FILE, 'utf8');
  return sourceText;
}

/** Line `no` (1-based) of the source document, exactly as printed. */
export function sourceLine(no: number): string {
  const line = sourceDocument().split('\n')[no - 1];
  if (line === undefined) throw new Error(`the source document has no line ${no}`);
  return line;
}

/** Lines `from`..`to` (1-based, inclusive) of the source document, as a small document. */
export function excerpt(from: number, to: number): string {
  const lines = sourceDocument().split('\n');
  if (to > lines.length) throw new Error(`the source document has only ${lines.length} lines`);
  return lines.slice(from - 1, to).join('\n');
}

/** The real agency directory from seeds/agencies.yaml. */
export async function agencyDirectory(): Promise<AgencyDirectory> {
  return new AgencyDirectory(await loadAgencies(AGENCIES_FILE));
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `shien-${prefix}-`));
}
