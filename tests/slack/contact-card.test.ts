import { describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { answerConsoleLine } from '../../src/console.js';
import { answerText } from '../../src/slack/answer.js';
import { ANALYZER_TIMEOUT, bundledEngine } from '../search/support.js';
import { isStale, japanDate, resolveContacts, type StaffContact } from '../../src/catalog/contacts.js';
import { CONTACT_LIMITS, ContactSchema, type Agency, type Contact, type Program } from '../../src/catalog/schema.js';
import { contactText } from '../../src/render/contact.js';
import { LIMITS, MessageSchema, messageLength, type Message } from '../../src/slack/blocks.js';
import { renderProgramCard } from '../../src/slack/render/card.js';
import { CONTACT_EDIT_ACTION } from '../../src/slack/render/contact-edit.js';

const TODAY = new Date('2026-11-27T03:00:00Z'); // 12:00 in Japan

const AGENCY: Agency = { id: 'test-body', name: 'テスト支援機関', kind: '団体', aliases: [] };
const PROGRAM: Program = { id: 'p-test-0001', name: '創業支援事業', agency: 'テスト機関' };

const FULL: Contact = {
  desk: '経営支援課',
  phone: '099-000-0000',
  email: 'info@example.jp',
  url: 'https://example.jp/',
  address: '鹿児島市城山町',
  hours: '平日 8:30〜17:15',
  source: 'https://example.jp/access/',
  checkedOn: '2026-11-27',
};

function expectValid(message: Message, label: string): void {
  const parsed = MessageSchema.safeParse(message);
  expect(parsed.success, `${label}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
}

/** The text of the card's 問い合わせ先 part (its sections and contexts), joined. */
function contactPart(card: Message): string {
  const blocks = card.blocks as { type: string; text?: { text: string }; elements?: { text?: string }[] }[];
  const start = blocks.findIndex((b) => b.text?.text.startsWith('*問い合わせ先*'));
  expect(start, 'the card has a 問い合わせ先 section').toBeGreaterThan(-1);
  const out: string[] = [];
  for (const b of blocks.slice(start)) {
    if (b.type === 'section' && out.length && !b.text?.text.startsWith('*問い合わせ先*') && !/^(窓口|電話|メール|Web|所在地)/.test(b.text?.text ?? '')) break;
    if (b.type === 'section') out.push(b.text!.text);
    else if (b.type === 'context') out.push(...(b.elements ?? []).map((e) => e.text ?? ''));
    else if (b.type !== 'actions') break;
  }
  return out.join('\n');
}

const card = (agency: Agency, options: Parameters<typeof renderProgramCard>[1] = {}, program: Program = PROGRAM) =>
  renderProgramCard(program, { agency, today: TODAY, ...options });

describe('the contact on a card', () => {
  it('shows desk, phone, e-mail, URL, address and hours, then when and where it was checked', () => {
    const c = card({ ...AGENCY, contacts: [FULL] });
    expectValid(c, 'full contact');
    const text = contactPart(c);
    expect(text).toContain('テスト支援機関');
    expect(text).toContain('窓口: 経営支援課');
    expect(text).toContain('電話: 099-000-0000');
    expect(text).toContain('メール: info@example.jp');
    expect(text).toContain('Web: <https://example.jp/|https://example.jp/>');
    expect(text).toContain('所在地: 鹿児島市城山町');
    expect(text).toContain('受付: 平日 8:30〜17:15');
    expect(text).toContain('確認 2026-11-27（<https://example.jp/access/|出典>）');
    expect(text).not.toContain('要確認');
    expect(text).not.toContain('連絡先未登録');
    // The order people read: desk before phone before e-mail before the web.
    expect(text.indexOf('窓口')).toBeLessThan(text.indexOf('電話'));
    expect(text.indexOf('電話')).toBeLessThan(text.indexOf('メール'));
    expect(text.indexOf('メール')).toBeLessThan(text.indexOf('Web'));
  });

  it('leaves out what the source does not give, and names a document source as written', () => {
    const text = contactPart(card({ ...AGENCY, contacts: [{ phone: '099-000-0000', source: '令和7年度 事業案内 (冊子)', checkedOn: '2026-11-01' }] }));
    expect(text).toContain('電話: 099-000-0000');
    for (const absent of ['窓口', 'メール', 'Web', '所在地', '受付']) expect(text).not.toContain(absent);
    expect(text).toContain('確認 2026-11-01（出典: 令和7年度 事業案内 (冊子)）');
  });

  it('marks a contact checked more than a year ago 要確認, by the calendar in Japan', () => {
    const checked = (checkedOn: string, today = TODAY) => contactPart(card({ ...AGENCY, contacts: [{ ...FULL, checkedOn }] }, { today }));
    expect(checked('2025-11-26')).toContain('要確認');
    expect(checked('2025-11-27')).not.toContain('要確認'); // exactly a year: still fine today
    // 2026-11-27 16:00 UTC is already 11-28 in Japan: the same check is now over a year old.
    expect(checked('2025-11-27', new Date('2026-11-27T16:00:00Z'))).toContain('要確認');
    expect(isStale('2024-02-29', new Date('2025-03-01T03:00:00Z'))).toBe(true);
    expect(japanDate(new Date('2026-11-26T15:30:00Z'))).toBe('2026-11-27');
  });

  it('says plainly when nobody is registered, naming the agency', () => {
    const text = contactPart(card(AGENCY));
    expect(text).toContain('連絡先未登録 — 実施機関: テスト支援機関');
    expect(text).not.toContain('確認');
    // An agency missing from seeds/agencies.yaml: the name as printed.
    expect(contactPart(renderProgramCard(PROGRAM, { today: TODAY }))).toContain('連絡先未登録 — 実施機関: テスト機関');
  });

  it('gives the website when it is all that is known, with its check date', () => {
    const text = contactPart(card({ ...AGENCY, contacts: [{ url: 'https://example.jp/', source: 'https://example.jp/about/', checkedOn: '2026-11-27' }] }));
    expect(text).toContain('連絡先未登録 — 実施機関: テスト支援機関');
    expect(text).toContain('Web: <https://example.jp/|https://example.jp/>');
    expect(text).toContain('確認 2026-11-27');
  });

  it("prefers a program's own desk to its agency's contact", () => {
    const own: Contact = { desk: '事業承継・引継ぎ支援センター', phone: '099-111-1111', source: 'https://example.jp/shokei/', checkedOn: '2026-11-27' };
    const text = contactPart(card({ ...AGENCY, contacts: [FULL] }, {}, { ...PROGRAM, contact: own }));
    expect(text).toContain('窓口: 事業承継・引継ぎ支援センター');
    expect(text).not.toContain('経営支援課');
  });

  it('shows a staff edit instead of the YAML, with who entered it and when', () => {
    const edit: StaffContact = {
      target: { kind: 'agency', id: AGENCY.id },
      contact: { phone: '099-222-2222', source: 'https://example.jp/new/', checkedOn: '2026-11-27' },
      editedBy: 'U0ADMIN',
      editedAt: new Date('2026-11-26T20:00:00Z'),
    };
    const agency = { ...AGENCY, contacts: [FULL] };
    const contacts = resolveContacts(PROGRAM, agency, (t) => (t.kind === 'agency' && t.id === AGENCY.id ? edit : undefined));
    const text = contactPart(card(agency, { contacts }));
    expect(text).toContain('電話: 099-222-2222');
    expect(text).not.toContain('099-000-0000');
    // Named as staff, not mentioned: a card shared into a channel pinged the editor each time.
    expect(text).toContain('登録: スタッフ 2026-11-27');
    expect(text).not.toContain('<@U0ADMIN>');
    // On staff's own view (with 連絡先を編集), which nobody else sees, by mention.
    expect(contactPart(card(agency, { contacts, editContact: true }))).toContain('登録: <@U0ADMIN> 2026-11-27');
  });

  it('a YAML contact checked on a later day than the staff edit was made is shown instead of the edit', () => {
    const edit: StaffContact = {
      target: { kind: 'agency', id: AGENCY.id },
      contact: { phone: '099-222-2222', source: 'https://example.jp/new/', checkedOn: '2026-11-20' },
      editedBy: 'U0ADMIN',
      editedAt: new Date('2026-11-26T20:00:00Z'), // 2026-11-27 in Japan
    };
    const staff = (t: { kind: string; id: string }) => (t.kind === 'agency' && t.id === AGENCY.id ? edit : undefined);
    // Reviewed the same day (or exported from the edit): the edit still stands.
    const sameDay = { ...AGENCY, contacts: [{ ...FULL, checkedOn: '2026-11-27' }] };
    expect(resolveContacts(PROGRAM, sameDay, staff).contacts).toEqual([edit.contact]);
    // Reviewed and committed the next day: the YAML is served, with no 「登録: スタッフ」.
    const later = { ...AGENCY, contacts: [{ ...FULL, checkedOn: '2026-11-28' }] };
    const resolved = resolveContacts(PROGRAM, later, staff);
    expect(resolved.contacts).toEqual(later.contacts);
    expect(resolved.edited).toBeUndefined();
    // The same at the program's own level.
    const own: Contact = { desk: '創業窓口', source: 'https://example.jp/own/', checkedOn: '2026-12-01' };
    const programEdit = { ...edit, target: { kind: 'program' as const, id: PROGRAM.id } };
    expect(resolveContacts({ ...PROGRAM, contact: own }, later, (t) => (t.kind === 'program' ? programEdit : undefined)).contacts).toEqual([own]);
  });

  it('a bare address or #channel typed in a note is not made a link by Slack (verbatim); the checked URL still is', () => {
    const typed: Contact = { desk: '経営支援課 #general', url: 'https://example.jp/', note: '申込は https://phish.example/login から', source: 'https://example.jp/contact/', checkedOn: '2026-11-27' };
    const blocks = card({ ...AGENCY, contacts: [typed] }).blocks as Array<{ type: string; text?: { text: string; verbatim?: boolean } }>;
    const section = blocks.find((b) => b.type === 'section' && b.text?.text.includes('phish.example'))!;
    expect(section.text!.verbatim).toBe(true);
    expect(section.text!.text).toContain('<https://example.jp/|https://example.jp/>');
    expect(section.text!.text).not.toContain('<https://phish.example');
  });

  it('offers 連絡先を編集 only when asked (staff), pointing at what the card shows', () => {
    const plain = card({ ...AGENCY, contacts: [FULL] });
    expect(JSON.stringify(plain)).not.toContain(CONTACT_EDIT_ACTION);
    const staff = card({ ...AGENCY, contacts: [FULL] }, { editContact: true });
    expectValid(staff, 'staff card');
    const buttons = (staff.blocks as { type: string; elements?: { action_id: string; value?: string; text: { text: string } }[] }[])
      .flatMap((b) => (b.type === 'actions' ? b.elements ?? [] : []))
      .filter((e) => e.action_id === CONTACT_EDIT_ACTION);
    expect(buttons).toEqual([expect.objectContaining({ value: 'agency:test-body', text: expect.objectContaining({ text: '連絡先を編集' }) })]);
    const own = card(AGENCY, { editContact: true }, { ...PROGRAM, contact: FULL });
    expect(JSON.stringify(own)).toContain('"value":"program:p-test-0001"');
  });

  it('escapes hostile values, keeps links whole, and stays within Slack limits at every maximum', () => {
    const long = (n: number, unit = '&<') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    const hostile: Contact = {
      desk: '<!channel> 窓口',
      phone: '099-000-0000',
      email: 'a@b.jp',
      url: 'https://example.jp/a|b>c?x=1&y=2',
      address: long(CONTACT_LIMITS.address),
      hours: long(CONTACT_LIMITS.hours),
      note: long(CONTACT_LIMITS.note),
      source: `資料 ${long(CONTACT_LIMITS.source - 3)}`,
      checkedOn: '2020-01-01',
    };
    const heavy: Program = { ...PROGRAM, name: 'あ'.repeat(300), overview: long(5000), results: long(5000), relatedOrgs: long(2000) };
    const c = card({ ...AGENCY, name: long(300), contacts: [hostile, hostile, hostile, hostile] }, { editContact: true, similar: [PROGRAM, PROGRAM, PROGRAM], share: true }, heavy);
    expectValid(c, 'hostile contacts');
    expect(messageLength(c.blocks)).toBeLessThanOrEqual(LIMITS.messageChars);
    const text = contactPart(c);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; 窓口');
    expect(text).toContain('<https://example.jp/a%7Cb&gt;c?x=1&amp;y=2|');
    expect(text).toMatch(/ほか [1-3] 件の窓口があります/);
    expect(text).toContain('要確認');

    // One desk with every field at its limit, its web address and source full of & (the source a
    // URL): shown whole it passed 12,000 characters (13,725; review); it is shown cut instead.
    const widest: Contact = {
      ...hostile,
      desk: long(CONTACT_LIMITS.desk),
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.jp`,
      url: `https://example.jp/?${'&'.repeat(25)}${'b'.repeat(455)}`,
      // 500 characters whose escaped form (1,996) still fits a link.
      source: `https://example.jp/?${'&'.repeat(374)}${'a'.repeat(106)}`,
    };
    expect(ContactSchema.safeParse(widest).success).toBe(true);
    const wideProgram: Program = { ...heavy, agency: long(300) };
    const similar: Program = { ...PROGRAM, id: 'p-test-0002', name: long(300), agency: long(300) };
    const one = card({ ...AGENCY, name: long(300), contacts: [widest] }, { editContact: true, similar: [similar, similar, similar], share: true, sharedBy: 'U12345' }, wideProgram);
    expectValid(one, 'the widest contact');
    expect(messageLength(one.blocks)).toBeLessThanOrEqual(LIMITS.messageChars);
    // A website too long to link is shown once, as text (it was printed twice: label, then address).
    const wideUrl = contactPart(card({ ...AGENCY, contacts: [{ ...FULL, url: `https://example.jp/?${'&'.repeat(200)}` }] }));
    expect(wideUrl.match(/https:\/\/example\.jp\/\?/g)).toHaveLength(1);
    // A usual desk is still shown whole (the cut is for the widest only).
    const usual: Contact = { ...FULL, note: '事前に電話で予約してください。'.repeat(20) };
    expect(contactPart(card({ ...AGENCY, contacts: [usual] }))).toContain(usual.note!);
  });
});

describe('the contact as plain text', () => {
  it('reads the same way: fields, check date with the source, staleness, staff', () => {
    const text = contactText(resolveContacts(PROGRAM, { ...AGENCY, contacts: [{ ...FULL, checkedOn: '2024-01-05' }] }), TODAY);
    expect(text.split('\n')).toEqual([
      'テスト支援機関',
      '窓口: 経営支援課',
      '電話: 099-000-0000',
      'メール: info@example.jp',
      'Web: https://example.jp/',
      '所在地: 鹿児島市城山町',
      '受付: 平日 8:30〜17:15',
      '確認 2024-01-05（出典: https://example.jp/access/） ⚠ 要確認（確認から1年以上たっています）',
    ]);
    expect(contactText(resolveContacts(PROGRAM, AGENCY), TODAY)).toBe('連絡先未登録 — 実施機関: テスト支援機関');
  });
});

describe('the agency view on the bundled catalog', () => {
  it(
    'puts every registered body, with its contact or 連絡先未登録, before its programs, within Slack limits',
    async () => {
      const engine = await bundledEngine(await loadAnalyzer());
      for (const agency of engine.agencies.agencies) {
        const answer = answerText(engine, `機関:${agency.name.replace(/\s+/g, '')}`, { contacts: { today: TODAY, editable: true } });
        expectValid(answer.message, agency.name);
        const first = JSON.stringify(answer.message.blocks.slice(0, 3));
        expect(first, agency.name).toContain(`*実施機関: ${agency.name}*`);
        if (agency.contacts?.length) expect(first, agency.name).toContain('確認 2026-11-27');
        else expect(first, agency.name).toContain('連絡先未登録 — 実施機関');
      }
      const cci = answerText(engine, '機関:鹿児島商工会議所', { contacts: { today: TODAY } });
      expect(JSON.stringify(cci.message)).toContain('<http://www.kagoshima-cci.or.jp/|http://www.kagoshima-cci.or.jp/>');
      // The local console answers the same question in text.
      const lines = answerConsoleLine(engine, '/支援 機関:鹿児島商工会議所').split('\n');
      expect(lines.slice(0, 4)).toEqual([
        '実施機関: 鹿児島商工会議所（商工会議所）',
        '連絡先未登録 — 実施機関: 鹿児島商工会議所',
        'Web: http://www.kagoshima-cci.or.jp/',
        expect.stringMatching(/^確認 2026-11-27（出典: http:\/\/www\.kagoshima-cci\.or\.jp\/\?p=8）/),
      ]);
      expect(lines.join('\n')).toMatch(/「機関:鹿児島商工会議所」 \d+ 件/);
      expect(answerConsoleLine(engine, '機関:鹿児島商工会議所 創業')).not.toContain('実施機関:');
    },
    ANALYZER_TIMEOUT,
  );
});
