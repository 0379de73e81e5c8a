/**
 * `shien sync` in a container too small to rebuild the index (kuromoji and the build need about 300 MiB): it
 * says so and keeps the imports, instead of being killed there (exit 137, no word, in 256 MB).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { syncCommand } from '../../../src/cli/sync.js';
import { loadPaths } from '../../../src/config.js';
import { SqliteImportStore } from '../../../src/sources/sqlite-store.js';
import { FakeJgrants } from './support/fake-jgrants.js';

let fake: FakeJgrants;
let dataDir: string;
const saved = { ...process.env };
beforeEach(async () => {
  fake = await FakeJgrants.start();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'shien-sync-memory-'));
  Object.assign(process.env, { SHIEN_SOURCES: 'jgrants', JGRANTS_API_URL: fake.url, SHIEN_JGRANTS_AREAS: '鹿児島県', SHIEN_JGRANTS_KEYWORDS: '補助金', SHIEN_DATA_DIR: dataDir });
});
afterEach(async () => {
  process.env = { ...saved };
  await fake.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const text = (stream: PassThrough) => {
  let s = '';
  stream.on('data', (chunk: Buffer) => (s += chunk.toString()));
  return () => s;
};

it('under a 256 MiB limit: the imports are saved, the index is left, and stderr says why and what to run (exit 1)', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const [stdout, stderr] = [text(out), text(err)];
  const paths = { ...loadPaths(), indexFile: path.join(dataDir, 'search-index.json') };
  const code = await syncCommand(['--json'], paths, { out, err }, { memoryLimitBytes: 256 * 1024 * 1024 });
  expect(code).toBe(1);
  expect(stderr()).toMatch(/取り込みは保存しましたが、検索索引を更新できませんでした: 索引を作り直すには約 \d+ MiB のメモリが要りますが、このプロセスの上限は 256 MiB/u);
  expect(stderr()).toContain('npm run -s shien -- index');
  expect(JSON.parse(stdout()).sources[0].ok).toBe(true);
  const store = SqliteImportStore.open(dataDir);
  expect(store.programs('jgrants').length).toBeGreaterThan(0);
  store.close();
  await expect(stat(paths.indexFile)).rejects.toThrow();
});
