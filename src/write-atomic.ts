import { rename, unlink, writeFile } from 'node:fs/promises';

/**
 * Writes `text` to a file beside `file` and renames it over it (atomic on one file system):
 * a process reading `file` meanwhile (a bot re-reading the catalog, a start loading the
 * index) sees the old content or the new one, never half of one.
 */
export async function writeFileAtomic(file: string, text: string | Uint8Array | Iterable<Uint8Array>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}
