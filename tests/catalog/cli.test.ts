import { afterAll, describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/load.js';
import { ProgramSchema } from '../../src/catalog/schema.js';
import { CATALOG_DIR, ROOT, tempDir } from './support.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node --import tsx src/cli.ts <args>` from the project root, as a user runs it. */
function shien(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.SHIEN_CATALOG_DIR;
  delete base.SHIEN_SEEDS_DIR;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe('shien catalog', () => {
  it('--json prints the 143 programs with their documented fields', async () => {
    const run = await shien(['catalog', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { programs: Array<Record<string, unknown>> };
    expect(out.programs).toHaveLength(143);
    const documented = new Set(Object.keys(ProgramSchema.shape));
    for (const p of out.programs) {
      expect(typeof p.id === 'string' && p.id !== '', JSON.stringify(p)).toBe(true);
      expect(typeof p.name === 'string' && p.name !== '', JSON.stringify(p)).toBe(true);
      expect(typeof p.agency === 'string' && p.agency !== '', JSON.stringify(p)).toBe(true);
      expect(Object.keys(p).filter((k) => !documented.has(k))).toEqual([]);
    }
    // The same programs the library loads, in the same order.
    const loaded = await loadCatalog(CATALOG_DIR);
    expect(out.programs.map((p) => p.id)).toEqual(loaded.programs.map((p) => p.id));
    expect(out.programs.find((p) => p.name === 'トライアル発注・販路開拓支援事業')).toMatchObject({
      agency: '県産業立地課',
      budgetThousandYen: 5409,
      source: { document: 'shoukougyou-shinkou-plan-kankei-kikan-r5.txt', page: 1 },
    });
  });

  it('prints a summary with the number of programs', async () => {
    const run = await shien(['catalog']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('カタログ: 143 件');
    expect(run.stdout).toContain('スキーマ: 問題なし');
    expect(run.stdout).toContain('機関: すべて agencies.yaml に登録済み');
  });

  it('exits 1 and prints the file and line of a broken catalog given by SHIEN_CATALOG_DIR', async () => {
    const dir = await tempDir('cli');
    made.push(dir);
    await writeFile(path.join(dir, 'good.yaml'), '- name: 事業A\n  agency: 県産業立地課\n');
    await writeFile(
      path.join(dir, 'broken.yaml'),
      ['- name: 事業B', '  agency: 県産業立地課', '- name: 事業C', '  agency: 県産業立地課', '  budgetThousandYen: 三千', ''].join('\n'),
    );
    const run = await shien(['catalog'], { SHIEN_CATALOG_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('カタログを読み込めません');
    expect(run.stdout).toContain('broken.yaml:5');
    expect(run.stdout).toContain('budgetThousandYen');
    expect(run.stdout).not.toContain('good.yaml');
  });
});
