import { readFile, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agenciesCommand } from '../../src/cli/agencies.js';
import { UsageError } from '../../src/cli/io.js';
import { loadAgencies, validateYaml } from '../../src/catalog/load.js';
import { AgenciesFileSchema, type Agency } from '../../src/catalog/schema.js';
import { loadPaths } from '../../src/config.js';
import { ContactStore } from '../../src/contacts/store.js';
import { AGENCIES_FILE, tempDir } from './support.js';

/** Runs `shien agencies <args>` in-process: exit code, stdout, stderr. */
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const collect = () => {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    return { stream, text: () => chunks.join('') };
  };
  const out = collect();
  const err = collect();
  const code = await agenciesCommand(args, loadPaths({}), { out: out.stream, err: err.stream }, env);
  return { code, out: out.text(), err: err.text() };
}

const EDIT = { phone: '099-000-0000', desk: '総務課', source: 'https://example.jp/contact/', checkedOn: '2026-11-27' };

let emptyDir: string;
let editedDir: string;
beforeAll(async () => {
  emptyDir = await tempDir('no-edits');
  editedDir = await tempDir('edits');
  const store = ContactStore.open(editedDir);
  store.save({ target: { kind: 'agency', id: 'chuokai' }, contact: EDIT, editedBy: 'U0ADMIN', editedAt: new Date('2026-11-27T01:00:00Z') });
  store.save({ target: { kind: 'program', id: 'p-0123456789' }, contact: EDIT, editedBy: 'U0ADMIN', editedAt: new Date('2026-11-27T01:00:00Z') });
  // Made before seeds/agencies.yaml's contact of this bank was checked (2026-11-27): superseded.
  store.save({ target: { kind: 'agency', id: 'kagoshima-shinkin' }, contact: { ...EDIT, phone: '099-999-0000' }, editedBy: 'U0ADMIN', editedAt: new Date('2026-11-20T01:00:00Z') });
  store.close();
});
afterAll(async () => {
  await Promise.all([emptyDir, editedDir].map((d) => rm(d, { recursive: true, force: true })));
});

describe('shien agencies', () => {
  it('--json: every body with its kind, programs and contacts (the fields, the source, the date, who edited)', async () => {
    const { code, out } = await run(['--json'], { SHIEN_DATA_DIR: editedDir });
    expect(code).toBe(0);
    const json = JSON.parse(out) as { agencies: { name: string; kind: string; programs: number; contacts: Record<string, unknown>[] }[] };
    const registered = await loadAgencies(AGENCIES_FILE);
    expect(json.agencies.map((a) => a.name)).toEqual(registered.map((a) => a.name));
    expect(json.agencies.reduce((n, a) => n + a.programs, 0)).toBe(143);
    const cci = json.agencies.find((a) => a.name === '鹿児島商工会議所')!;
    expect(cci.contacts).toEqual([{ url: 'http://www.kagoshima-cci.or.jp/', source: 'http://www.kagoshima-cci.or.jp/?p=8', checkedOn: '2026-11-27' }]);
    const chuokai = json.agencies.find((a) => a.name === '鹿児島県中小企業団体中央会')!;
    expect(chuokai.contacts).toEqual([{ ...EDIT, editedBy: 'U0ADMIN' }]);
    expect(json.agencies.find((a) => a.name === '鹿児島県 農政課')!.contacts).toEqual([]);
    // The note says what the number is for (a card shows it; --json left it out).
    const kashin = json.agencies.find((a) => a.name === '鹿児島信用金庫')!;
    expect(kashin.contacts[0]).toMatchObject({ phone: '099-224-8411', note: expect.stringContaining('問い合わせ先') });
    // Its older staff edit is not shown, nor said to be the editor's.
    expect(kashin.contacts[0]!.editedBy).toBeUndefined();
  });

  it('--export: the directory with staff edits in place, which loads as seeds/agencies.yaml does', async () => {
    const plain = await run(['--export'], { SHIEN_DATA_DIR: emptyDir });
    expect(plain.code).toBe(0);
    const registered = await loadAgencies(AGENCIES_FILE);
    expect(validateYaml('export.yaml', plain.out, AgenciesFileSchema)).toEqual({ data: registered, problems: [] });
    // With no edit, byte for byte the file as it is: nothing to review (it padded [a, b] to [ a, b ]).
    expect(plain.out).toBe(await readFile(AGENCIES_FILE, 'utf8'));

    const edited = await run(['--export'], { SHIEN_DATA_DIR: editedDir });
    const loaded = validateYaml('export.yaml', edited.out, AgenciesFileSchema);
    expect(loaded.problems).toEqual([]);
    const expected: Agency[] = registered.map((a) => (a.id === 'chuokai' ? { ...a, contacts: [EDIT] } : a));
    expect(loaded.data).toEqual(expected);
    expect(edited.out).toContain('# 登録: U0ADMIN 2026-11-27 (Slack でスタッフが入力。出典と値を確かめてからコミットしてください)');
    expect(edited.out).not.toContain('099-999-0000'); // the superseded edit of kagoshima-shinkin
    // The YAML's comment on the contact it replaced is gone from above the edit (it read as describing it).
    expect(edited.out).not.toContain('the page read is from 2011, before the move');
    expect(plain.out).toContain('the page read is from 2011, before the move');
    expect(edited.out).toContain('# Implementing bodies of the programs'); // the file's own comments are kept
    expect(edited.err).toContain('p-0123456789'); // a program's own desk belongs in the catalog, said on stderr
  });

  it('without options: coverage per body, and a summary line', async () => {
    const { code, out } = await run([], { SHIEN_DATA_DIR: emptyDir });
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^機関 22 件: 連絡先あり 1 \/ Web サイトのみ 6 \/ 連絡先未登録 15$/);
    expect(out).toContain('  窓口・電話・Web  出典: https://kashin.co.jp/smt/news/news/alps.html  確認 2026-11-27');
    expect(out).toContain('鹿児島商工会議所（商工会議所）  事業 27 件\n  Web  出典: http://www.kagoshima-cci.or.jp/?p=8  確認 2026-11-27');
  });

  it('a DATABASE_URL that cannot be read is named, without its password (it said only connect ECONNREFUSED)', async () => {
    const error = await run([], { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/db' }).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^DATABASE_URL \(postgres:\/\/127\.0\.0\.1:1\/db\) の連絡先を読めません: /);
    expect(error?.message).not.toContain('secret');
    await expect(run([], { DATABASE_URL: 'mysql://x' })).rejects.toThrow(/DATABASE_URL は postgres:\/\//);
  });

  it('refuses an unknown option and --json with --export as usage errors (exit 2 through the CLI)', async () => {
    await expect(run(['--jsn'], { SHIEN_DATA_DIR: emptyDir })).rejects.toThrow(UsageError);
    await expect(run(['--json', '--export'], { SHIEN_DATA_DIR: emptyDir })).rejects.toThrow('--json と --export は同時に使えません');
  });
});
