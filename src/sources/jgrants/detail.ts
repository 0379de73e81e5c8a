import type { ImportedContact } from '../program.js';

/**
 * What jGrants prints only inside a program's `detail` text: the 問合せ先 (desk, phone,
 * e-mail, address) and the reference URLs. Only what is printed is taken; a field that is
 * not there stays missing (never guessed from another program or from the agency).
 */

/** A heading that opens the contact block: ＜本補助金事業に関する問合せ先・書類提出先＞, ■問い合わせ先, 【お問合せ】. */
const CONTACT_HEADING = /(問合せ先|問い合わせ先|問合わせ先|お問い?合わせ|お問合せ|連絡先)/;
/** A line that ends the block: the next numbered remark or section. */
const BLOCK_END = /^([②③④⑤⑥⑦⑧⑨⑩■◆●【]|\d+[.)．）]|※)/;
const PHONE = /(?:TEL|Tel|tel|ＴＥＬ|電話(?:番号)?)\s*[：:．.]?\s*([0-9０-９][0-9０-９\-－‐―ー()（） ]{7,}[0-9０-９])/;
const EMAIL = /([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/;
const FAX = /(?:FAX|Fax|fax|ＦＡＸ)/;
const MAX_CONTACT_LINES = 8;
const MAX_FIELD = 120;

const clip = (s: string) => [...s].slice(0, MAX_FIELD).join('').trim();

/** The 問合せ先 block of the detail's text lines, read field by field. */
export function extractContact(lines: readonly string[]): ImportedContact | undefined {
  const start = lines.findIndex((l) => CONTACT_HEADING.test(l));
  if (start < 0) return undefined;
  const contact: ImportedContact = {};
  // The heading line itself may carry the desk after a colon (問合せ先：〇〇課).
  const afterHeading = lines[start]!.split(/[：:]/).slice(1).join(':').replace(/[＞>】]\s*$/, '').trim();
  const block = [...(afterHeading ? [afterHeading] : []), ...lines.slice(start + 1, start + 1 + MAX_CONTACT_LINES)];
  for (const line of block) {
    if (BLOCK_END.test(line)) break;
    const phone = PHONE.exec(line);
    const email = EMAIL.exec(line);
    if (phone && !contact.phone) contact.phone = clip(phone[1]!.replace(/\s+/g, ''));
    if (email && !contact.email) contact.email = email[1]!;
    if (phone || email || FAX.test(line)) continue;
    if (line.includes('〒') && !contact.address) contact.address = clip(line);
    else if (!contact.desk && !/^https?:/.test(line)) contact.desk = clip(line);
  }
  return Object.keys(contact).length ? contact : undefined;
}

/** http(s) URLs printed in the text or linked, without duplicates, in order; other schemes are dropped. */
export function extractUrls(lines: readonly string[], links: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const line of lines) for (const m of line.matchAll(/https?:\/\/[^\s<>"'、。（）()「」]+/g)) found.push(m[0]);
  found.push(...links);
  const out = new Set<string>();
  for (const raw of found) {
    const url = safeUrl(raw.replace(/[.,;:!?]+$/, ''));
    if (url) out.add(url);
  }
  return [...out];
}

/** The URL when it is a well-formed http or https URL, else undefined (javascript:, data:, …). */
export function safeUrl(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined;
    return url.toString();
  } catch {
    return undefined;
  }
}
