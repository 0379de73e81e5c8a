import { afterAll, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CatalogError, formatProblem, loadAgencies, parseCatalogFile } from '../../src/catalog/load.js';
import { ContactSchema, isPhoneNumber } from '../../src/catalog/schema.js';
import { ContactStore } from '../../src/contacts/store.js';
import { readStaffEdits } from '../../src/contacts/read.js';
import Database from 'better-sqlite3';
import { AGENCIES_FILE, tempDir } from './support.js';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

/** Problems of loading `yaml` as seeds/agencies.yaml, formatted as the CLI prints them. */
async function agencyProblems(yaml: string): Promise<string[]> {
  const dir = await tempDir('agencies');
  made.push(dir);
  const file = path.join(dir, 'agencies.yaml');
  await writeFile(file, yaml);
  const error = await loadAgencies(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogError);
  return (error as CatalogError).problems.map(formatProblem);
}

const AGENCY = `- id: test-body
  name: テスト支援機関
  kind: 団体
`;

describe('contacts in seeds/agencies.yaml', () => {
  it('loads a contact with its source and the date it was checked', async () => {
    const dir = await tempDir('agencies');
    made.push(dir);
    const file = path.join(dir, 'agencies.yaml');
    await writeFile(
      file,
      `${AGENCY}  contacts:
    - desk: 経営支援課
      phone: 099-000-0000
      email: info@example.jp
      url: https://example.jp/
      address: 鹿児島市
      hours: 平日 8:30〜17:15
      source: https://example.jp/access/
      checkedOn: 2026-11-27
    - url: http://example.jp/
      source: 鹿児島県商工業振興プラン 資料３－４ (令和5年度)
      checkedOn: 2026-11-27
`,
    );
    const [agency] = await loadAgencies(file);
    expect(agency!.contacts).toHaveLength(2);
    expect(agency!.contacts![0]).toMatchObject({ desk: '経営支援課', phone: '099-000-0000', checkedOn: '2026-11-27' });
    expect(agency!.contacts![1]!.source).toBe('鹿児島県商工業振興プラン 資料３－４ (令和5年度)');
  });

  it('refuses a contact without a source, naming the file, the line and the field', async () => {
    const problems = await agencyProblems(`${AGENCY}  contacts:
    - phone: 099-000-0000
      checkedOn: 2026-11-27
`);
    expect(problems).toEqual([expect.stringMatching(/^agencies\.yaml:5 1 件目 contacts\[1\]\.source: 出典 \(source\) がありません/)]);
  });

  it('refuses a blank source, a contact without checkedOn and an impossible date', async () => {
    const problems = await agencyProblems(`${AGENCY}  contacts:
    - phone: 099-000-0000
      source: "  "
      checkedOn: 2026-11-27
    - phone: 099-000-0000
      source: https://example.jp/
    - phone: 099-000-0000
      source: https://example.jp/
      checkedOn: 2026-02-30
`);
    expect(problems).toEqual([
      expect.stringMatching(/^agencies\.yaml:6 1 件目 contacts\[1\]\.source: 出典 \(source\) が空です/),
      expect.stringMatching(/^agencies\.yaml:8 1 件目 contacts\[2\]\.checkedOn: 確認日 \(checkedOn\) がありません/),
      expect.stringMatching(/^agencies\.yaml:12 1 件目 contacts\[3\]\.checkedOn: 確認日 \(checkedOn\) は 2026-11-27 の形の日付です/),
    ]);
  });

  it('refuses a URL that is not http or https, in the contact and in its source', async () => {
    const problems = await agencyProblems(`${AGENCY}  contacts:
    - url: javascript:alert(1)
      source: https://example.jp/
      checkedOn: 2026-11-27
    - url: https://example.jp/
      source: file:///etc/passwd
      checkedOn: 2026-11-27
`);
    expect(problems).toEqual([
      expect.stringMatching(/^agencies\.yaml:5 1 件目 contacts\[1\]\.url: URL \(url\) は http:\/\/ か https:\/\/ で始まる/),
      expect.stringMatching(/^agencies\.yaml:9 1 件目 contacts\[2\]\.source: 出典 \(source\) の URL は http:\/\/ か https:\/\/ で始まる形で書いてください/),
    ]);
  });

  it('refuses control characters, a full-width scheme and a web address without its scheme, by line and field', async () => {
    const problems = await agencyProblems(`${AGENCY}  contacts:
    - desk: "経営\\x1b[2J支援課"
      source: https://example.jp/
      checkedOn: 2026-11-27
    - url: https://example.jp/
      source: ｊａｖａｓｃｒｉｐｔ:alert(1)
      checkedOn: 2026-11-27
    - url: https://example.jp/
      source: www.example.jp/access
      checkedOn: 2026-11-27
    - url: https://example.jp/
      source: 鹿児島県 商工業振興プラン 関係機関一覧 (令和5年度)
      checkedOn: 2026-11-27
`);
    expect(problems).toEqual([
      expect.stringMatching(/^agencies\.yaml:5 1 件目 contacts\[1\]\.desk: 窓口 \(desk\)に制御文字/),
      expect.stringMatching(/^agencies\.yaml:9 1 件目 contacts\[2\]\.source: 出典 \(source\) の URL は http:\/\/ か https:\/\/ で始まる形/),
      expect.stringMatching(/^agencies\.yaml:12 1 件目 contacts\[3\]\.source: 出典 \(source\) の URL は http:\/\/ か https:\/\/ で始まる形/),
    ]);
  });

  it('a document’s name may hold a colon or a dot; an edit stored with a control character is served cleaned', async () => {
    for (const source of ['JETRO：海外展開ハンドブック 2026', 'ＪＥＴＲＯ：手引き', 'tebiki2024.pdf', 'R5.3.31 県公報', '商工業振興プラン 関係機関一覧 (令和5年度)']) {
      expect(ContactSchema.safeParse({ phone: '099-000-0000', source, checkedOn: '2026-11-27' }).success, source).toBe(true);
    }
    for (const source of ['www.example.jp/access', 'example.go.jp/contact', 'ｊａｖａｓｃｒｉｐｔ:alert(1)', 'data:text/html,x', 'ftp://example.jp/']) {
      expect(ContactSchema.safeParse({ phone: '099-000-0000', source, checkedOn: '2026-11-27' }).success, source).toBe(false);
    }
    // Saved before control characters were refused: read back without them, not skipped for an older edit.
    const dir = await tempDir('stored-contacts');
    made.push(dir);
    const store = ContactStore.open(dir);
    store.save({ target: { kind: 'agency', id: 'test-body' }, contact: { phone: '099-000-1111', source: 'https://example.jp/old', checkedOn: '2026-01-10' }, editedBy: 'U1', editedAt: new Date('2026-01-10T00:00:00Z') });
    store.close();
    const raw = new Database(path.join(dir, 'contacts.db'));
    raw.prepare('INSERT INTO contact_edits (target, contact, edited_by, edited_at) VALUES (?, ?, ?, ?)').run('agency:test-body', JSON.stringify({ desk: '経営\u0000支援課', phone: '099-222-3333', source: 'https://example.jp/new', checkedOn: '2026-11-20' }), 'U1', '2026-11-20T00:00:00.000Z');
    raw.close();
    const reopened = ContactStore.open(dir);
    expect(reopened.latest({ kind: 'agency', id: 'test-body' })?.contact).toEqual({ desk: '経営支援課', phone: '099-222-3333', source: 'https://example.jp/new', checkedOn: '2026-11-20' });
    expect(reopened.all()).toHaveLength(1);
    reopened.close();
  });

  it('the console, shien agencies and --export read the same edit Slack serves when the newest no longer validates', async () => {
    const dir = await tempDir('stored-contacts-all');
    made.push(dir);
    const target = { kind: 'agency', id: 'kagoshima-cci' } as const;
    const store = ContactStore.open(dir);
    store.save({ target, contact: { phone: '099-225-9500', source: 'https://www.kagoshima-cci.or.jp/?p=8', checkedOn: '2026-11-28' }, editedBy: 'U0ADMIN1', editedAt: new Date('2026-11-28T00:30:00Z') });
    store.close();
    // Saved before scheme-less web addresses were refused as sources.
    const raw = new Database(path.join(dir, 'contacts.db'));
    raw.prepare('INSERT INTO contact_edits (target, contact, edited_by, edited_at) VALUES (?, ?, ?, ?)').run('agency:kagoshima-cci', JSON.stringify({ phone: '099-225-9511', source: 'www.kagoshima-cci.or.jp/contact', checkedOn: '2026-11-28' }), 'U0ADMIN2', '2026-11-28T01:00:00.000Z');
    raw.close();
    const reopened = ContactStore.open(dir);
    expect(reopened.latest(target)?.contact.phone).toBe('099-225-9500');
    expect(reopened.all().map((e) => e.contact.phone)).toEqual(['099-225-9500']);
    reopened.close();
    expect((await readStaffEdits({ SHIEN_DATA_DIR: dir })).map((e) => e.contact.phone)).toEqual(['099-225-9500']);
  });

  it('refuses unknown fields and a contact with nothing to call or visit', async () => {
    const problems = await agencyProblems(`${AGENCY}  contacts:
    - fax: 099-000-0001
      source: https://example.jp/
      checkedOn: 2026-11-27
`);
    expect(problems).toEqual([
      expect.stringMatching(/^agencies\.yaml:5 1 件目 contacts\[1\]\.fax: 未知の項目 "fax"/),
      'agencies.yaml:5 1 件目 contacts[1]: 連絡先に窓口・電話・メール・URL・所在地のどれもありません',
    ]);
    const empty = ContactSchema.safeParse({ note: '電話のみ受付', source: 'https://example.jp/', checkedOn: '2026-11-27' });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toContain('窓口・電話・メール・URL・所在地のどれもありません');
  });
});

describe('phone numbers and e-mail', () => {
  it('takes Japanese numbers as printed and refuses what cannot be dialled', () => {
    for (const ok of ['099-000-0000', '0120-000-000', '(099) 000-0000', '090-0000-0000', '+81-99-000-0000']) expect(isPhoneNumber(ok), ok).toBe(true);
    for (const bad of ['12', '099-000-000', '099-000-00000-0', '099-000-0000 内線 12', 'tel:0990000000', '+1-555-000-0000']) expect(isPhoneNumber(bad), bad).toBe(false);
  });

  it('refuses an e-mail address that is not one, with the field named', () => {
    const bad = ContactSchema.safeParse({ email: 'info@', source: 'https://example.jp/', checkedOn: '2026-11-27' });
    expect(bad.error?.issues.map((i) => i.message)).toEqual(['メール (email) は name@example.jp の形で書いてください']);
  });
});

describe('contacts and agencies of programs in the catalog', () => {
  it("keeps a program's own desk, and refuses one without a source at its line", () => {
    const ok = parseCatalogFile(
      'own.yaml',
      `- name: 事業承継個別相談会
  agency: テスト支援機関
  contact:
    desk: 事業承継・引継ぎ支援センター
    phone: 099-000-0000
    source: https://example.jp/shokei/
    checkedOn: 2026-11-27
`,
    );
    expect(ok.problems).toEqual([]);
    expect(ok.programs[0]!.contact).toMatchObject({ desk: '事業承継・引継ぎ支援センター', source: 'https://example.jp/shokei/' });

    const bad = parseCatalogFile(
      'own.yaml',
      `- name: 創業塾
  agency: テスト支援機関
- name: 事業承継個別相談会
  agency: テスト支援機関
  contact:
    phone: 099-000-0000
    checkedOn: 2026-11-27
`,
    );
    expect(bad.problems.map(formatProblem)).toEqual([expect.stringMatching(/^own\.yaml:5 2 件目 contact\.source: 出典 \(source\) がありません/)]);
  });

  it('refuses a program whose agency is blank or only spaces, with its file and line', () => {
    const parsed = parseCatalogFile(
      'blank.yaml',
      `- name: 創業塾
  agency: テスト支援機関
- name: 事業承継塾
  agency: "   "
- name: 経営塾
  agency: "\u3000"
- name: 販路塾
  agency: ""
`,
    );
    expect(parsed.problems.map(formatProblem)).toEqual([
      'blank.yaml:4 2 件目 agency: 空文字は使えません',
      'blank.yaml:6 3 件目 agency: 空文字は使えません',
      'blank.yaml:8 4 件目 agency: 空文字は使えません',
    ]);
  });
});

describe('the bundled seeds/agencies.yaml', () => {
  it("cites for every contact a page on the body's own site (or a document), read on a real day", async () => {
    const agencies = await loadAgencies(AGENCIES_FILE);
    const contacts = agencies.flatMap((a) => (a.contacts ?? []).map((c) => ({ agency: a.name, ...c })));
    expect(contacts.length).toBeGreaterThan(0);
    for (const c of contacts) {
      // A website recorded alone must be the site the source page was read on: an official
      // page vouches for its own site, not for another one.
      if (c.url && /^https?:/.test(c.source)) expect(new URL(c.source).hostname, c.agency).toBe(new URL(c.url).hostname);
      expect(c.checkedOn <= new Date().toISOString().slice(0, 10), c.agency).toBe(true);
    }
  });
});
