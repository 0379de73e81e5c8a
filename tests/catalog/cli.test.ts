import { afterAll, beforeAll, beforeEach, describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCatalog } from '../../src/catalog/load.js';
import { ProgramSchema } from '../../src/catalog/schema.js';
import { AGENCIES_FILE, CATALOG_DIR, ROOT, SOURCE_FILE, SOURCE_NAME, tempDir } from './support.js';

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
    expect(run.stdout).toBe(''); // errors go to stderr: stdout is for the answer
    expect(run.stderr).toContain('カタログを読み込めません');
    expect(run.stderr).toContain('broken.yaml:5');
    expect(run.stderr).toContain('budgetThousandYen');
    expect(run.stderr).not.toContain('good.yaml');
  });

  it('a source document that is not in seeds/sources is named in the summary', async () => {
    const dir = await tempDir('cli-source');
    made.push(dir);
    await writeFile(path.join(dir, 'a.yaml'), '- name: 事業A\n  agency: 県産業立地課\n  source: { document: nothere.txt, page: 3 }\n- name: 事業B\n  agency: 県産業立地課\n  source: { document: ' + SOURCE_NAME + ' }\n');
    const run = await shien(['catalog'], { SHIEN_CATALOG_DIR: dir });
    expect(run.stdout).toMatch(/出典の文書が .*sources にありません: nothere\.txt \(1 件\)/u);
    expect(run.stdout).not.toContain(SOURCE_NAME);
  });

  it('a program whose agency agencies.yaml does not know: a problem naming its file, in the summary and in --json, exit 1 both ways', async () => {
    const dir = await tempDir('cli-agency');
    made.push(dir);
    await writeFile(path.join(dir, 'good.yaml'), '- name: 事業A\n  agency: 県産業立地課\n');
    await writeFile(path.join(dir, 'unknown.yaml'), '- name: 事業B\n  agency: どこにもない機関\n');
    const text = await shien(['catalog'], { SHIEN_CATALOG_DIR: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('agencies.yaml に未登録の機関: どこにもない機関');
    expect(text.stdout).toContain('unknown.yaml agency: agencies.yaml に未登録の機関です: どこにもない機関 (事業B)');
    const json = await shien(['catalog', '--json'], { SHIEN_CATALOG_DIR: dir });
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout) as { programs: unknown[]; problems?: Array<Record<string, unknown>> };
    expect(doc.programs).toHaveLength(2);
    expect(doc.problems).toEqual([{ file: 'unknown.yaml', field: 'agency', message: 'agencies.yaml に未登録の機関です: どこにもない機関 (事業B)' }]);
    expect(json.stderr).toContain('unknown.yaml agency:');
  });
});

describe('shien ingest', () => {
  let seeds: string;
  let document: string;
  let catalogFile: string;
  let snapshotFile: string;
  /** The catalog and snapshot as the first `ingest --write` left them. */
  let written: { catalog: string; snapshot: string };
  const ingest = (...args: string[]) => shien(['ingest', document, ...args], { SHIEN_SEEDS_DIR: seeds });
  const TRIAL = 'トライアル発注・販路開拓支援事業';
  const NETWORK = '新産業創出ネットワーク事業';

  /** Replace `from` (which must occur exactly once) with `to`. */
  const once = (text: string, from: string, to: string) => {
    expect(text.split(from), from).toHaveLength(2);
    return text.replace(from, to);
  };

  beforeAll(async () => {
    seeds = await tempDir('cli-seeds');
    made.push(seeds);
    await mkdir(path.join(seeds, 'sources'));
    await copyFile(AGENCIES_FILE, path.join(seeds, 'agencies.yaml'));
    document = path.join(seeds, 'sources', SOURCE_NAME);
    await copyFile(SOURCE_FILE, document);
    const stem = SOURCE_NAME.replace(/\.txt$/u, '');
    catalogFile = path.join(seeds, 'catalog', `${stem}.yaml`);
    snapshotFile = path.join(seeds, 'ingest', `${stem}.generated.yaml`);
    const run = await ingest('--write');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('追加 143 件');
    expect(run.stdout).toContain('書き込みました。');
    written = { catalog: await readFile(catalogFile, 'utf8'), snapshot: await readFile(snapshotFile, 'utf8') };
  });
  beforeEach(async () => {
    await writeFile(catalogFile, written.catalog);
    await writeFile(snapshotFile, written.snapshot);
  });

  it('check mode: a comment a person added is not a change (exit 0, file untouched)', async () => {
    const commented = once(
      written.catalog,
      `  name: ${TRIAL}\n`,
      `  name: ${TRIAL} # 名称は県のサイトで確認済み\n  # 予算は補正後に見直す\n`,
    ) + '# 以上\n';
    await writeFile(catalogFile, commented);
    const run = await ingest();
    expect(run.stdout).toContain('カタログとの差分: 追加 0 件, 更新 0 項目, 手修正を保持 0 項目, 文書から消えた事業 0 件');
    expect(run.stdout).toContain('カタログは文書と一致しています。');
    expect(run.stdout).not.toContain('--write');
    expect(run.code).toBe(0);
    expect(await readFile(catalogFile, 'utf8')).toBe(commented);
  });

  it('check mode still exits 1 when the document changes a value', async () => {
    // The last ingest read 5000 and nobody corrected it; the document now says 5409.
    await writeFile(catalogFile, once(written.catalog, 'budgetThousandYen: 5409\n', 'budgetThousandYen: 5000\n'));
    await writeFile(snapshotFile, once(written.snapshot, 'budgetThousandYen: 5409\n', 'budgetThousandYen: 5000\n'));
    const run = await ingest();
    expect(run.stdout).toContain(`  [更新] ${TRIAL} .budgetThousandYen: 5000 → 5409`);
    expect(run.stdout).toContain('--write を付けると書き込みます。');
    expect(run.code).toBe(1);
  });

  it('--write keeps the comments people added and changes only what the document changed', async () => {
    const snapshot = once(written.snapshot, 'budgetThousandYen: 5409\n', 'budgetThousandYen: 5000\n');
    const commented =
      '# 担当: 産業支援課 (2024-05 見直し)\n' +
      once(
        once(written.catalog, 'budgetThousandYen: 5409\n', 'budgetThousandYen: 5000 # 当初予算\n  # 補正予算は別途\n'),
        `- id: p-3ca4bdacae\n`,
        `# ネットワーク事業は毎年継続\n- id: p-3ca4bdacae\n`,
      ) +
      '# ここまで\n';
    // A program the last ingest did not find is now read from the document, and is added.
    const entries = commented.split(/^(?=- id: )/mu);
    const lastEntry = entries[entries.length - 1]!.replace('# ここまで\n', '');
    const lastSnapshotEntry = snapshot.slice(snapshot.lastIndexOf('- id: '));
    expect(lastSnapshotEntry).toBe(lastEntry);
    const withoutLast = commented.replace(lastEntry, '');
    await writeFile(catalogFile, withoutLast);
    await writeFile(snapshotFile, snapshot.replace(lastSnapshotEntry, ''));

    const run = await ingest('--write');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('カタログとの差分: 追加 1 件, 更新 1 項目, 手修正を保持 0 項目, 文書から消えた事業 0 件');
    expect(run.stdout).toContain(`  [更新] ${TRIAL} .budgetThousandYen: 5000 → 5409`);
    expect(run.stdout).toContain('書き込みました。');
    // Every comment stays where it was; the updated line keeps its comment; the new program
    // comes after the last entry.
    expect(await readFile(catalogFile, 'utf8')).toBe(
      once(withoutLast, 'budgetThousandYen: 5000 # 当初予算\n', 'budgetThousandYen: 5409 # 当初予算\n').replace('# ここまで\n', lastEntry + '# ここまで\n'),
    );
    expect(await readFile(snapshotFile, 'utf8')).toBe(written.snapshot);
    // And the next check finds nothing to do.
    const again = await ingest();
    expect(again.stdout).toContain('カタログは文書と一致しています。');
    expect(again.code).toBe(0);
  });

  it('prints kept corrections and conflicts the same way round: the catalog value kept, then the document’s', async () => {
    // A person corrected the overview of one program and the budget of another; since the
    // last ingest the document changed that budget too (146000 → 146520).
    await writeFile(
      catalogFile,
      once(once(written.catalog, 'budgetThousandYen: 146520\n', 'budgetThousandYen: 150000\n'), '  overview: 県内中小企業等の販路開拓', '  overview: 担当者が直した概要。県内中小企業等の販路開拓'),
    );
    await writeFile(snapshotFile, once(written.snapshot, 'budgetThousandYen: 146520\n', 'budgetThousandYen: 146000\n'));
    const run = await ingest();
    // Long values are shown cut at 60 characters.
    const overview = '県内中小企業等の販路開拓・受注機会の拡大を図るため，企業が開発した製品等について，県の機関が試験的に発注するとともに，県外での展示会等への出展を支援する。';
    expect(overview.length).toBeGreaterThan(60);
    expect(run.stdout).toContain('カタログとの差分: 追加 0 件, 更新 0 項目, 手修正を保持 2 項目, 文書から消えた事業 0 件');
    const report = run.stdout.split('\n').filter((line) => line.startsWith('  ['));
    expect(report).toEqual([
      `  [衝突(手修正を保持)] ${NETWORK} .budgetThousandYen: カタログの値を保持: 150000 ／ 文書の新しい値: 146520`,
      `  [手修正を保持] ${TRIAL} .overview: カタログの値を保持: ${`担当者が直した概要。${overview}`.slice(0, 60)}… ／ 文書の値: ${overview.slice(0, 60)}…`,
    ]);
    expect(run.code).toBe(0);
  });
});
