/**
 * Search by another user than the one whose bot writes the data directory (an operator's shell,
 * a cron job): the imported programs are read without writing anything. It failed with
 * "attempt to write a readonly database": the reader set WAL mode and migrated, and SQLite reads a
 * WAL database in place only where it may make its -shm file. Runs as root (CI) through runuser
 * as `nobody`; elsewhere there is no second user to be.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { SqliteImportStore } from '../../src/sources/sqlite-store.js';
import { toProgram } from '../../src/sources/jgrants/mapping.js';
import { parseList } from '../../src/sources/jgrants/parser.js';
import { KAGOSHIMA_ITEMS } from './jgrants/support/fake-jgrants.js';
import { ROOT } from '../catalog/support.js';

const asRoot = process.getuid?.() === 0;
const canSwitch = asRoot && (() => {
  try {
    execFileSync('runuser', ['-u', 'nobody', '--', 'true']);
    return true;
  } catch {
    return false;
  }
})();

it.skipIf(!canSwitch)('another user reads the imported programs of a data directory it cannot write, and writes nothing there', async () => {
  const dir = path.join(os.tmpdir(), `shien-ro-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  const store = SqliteImportStore.open(dir);
  const now = new Date('2026-11-27T03:00:00Z');
  const programs = parseList({ result: KAGOSHIMA_ITEMS().slice(0, 3) }).items.map((item) => ({ program: toProgram(item, undefined, now), listFingerprint: 'x' }));
  store.applySync({ source: 'jgrants', programs, now });
  store.close(); // closed cleanly: no -wal or -shm left, as when the bot is stopped
  await chmod(dir, 0o755);
  await chmod(path.join(dir, 'shien.db'), 0o644);
  const before = (await readdir(dir)).sort();
  const script = `import('${path.join(ROOT, 'src/sources/serve.ts')}').then(async (m) => { const list = await m.importedPrograms({ SHIEN_SOURCES: 'jgrants', SHIEN_DATA_DIR: '${dir}' }); console.log(JSON.stringify(list.map((p) => p.id))); });`;
  const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, HOME: '/tmp' } });
  expect(JSON.parse(out.trim())).toEqual(programs.map((p) => p.program.id));
  expect((await readdir(dir)).sort()).toEqual(before);
}, 60_000);
