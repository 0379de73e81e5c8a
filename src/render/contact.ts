import { isReachable, isStale, japanDate, type ResolvedContacts } from '../catalog/contacts.js';
import { CONTACT_LIMITS } from '../catalog/constants.js';
import type { Contact } from '../catalog/schema.js';

/**
 * Whom to call, as lines for any surface: Slack's mrkdwn (card.ts) or plain text (console,
 * command line). Each surface supplies how to write text, a link and a person.
 */
export interface ContactMarkup {
  /** A value from a catalog or a person, made safe and bounded to `max` characters as written. */
  text(value: string, max: number): string;
  /** A link to an http(s) URL (the schema guarantees the scheme): a value's, or the source's (alone on its line). */
  link(url: string, label: string, kind?: 'value' | 'source'): string;
  /** A Slack user who entered the contact. */
  user(id: string): string;
}

export const PLAIN_MARKUP: ContactMarkup = {
  text: (value) => value,
  link: (url, label) => (label === url ? url : `${label}: ${url}`),
  user: (id) => id,
};

/** A website's address as its link's label: the link carries the whole of it. */
const URL_LABEL_ROOM = 80;

/** Shown when nobody has entered a desk, phone, e-mail or address for the body. */
export const NO_CONTACT = '連絡先未登録';
export const STALE_MARK = '要確認';
/** More desks than this are left to the agency view (a card must stay within Slack's limits). */
export const MAX_CONTACTS_SHOWN = 3;

export interface ContactBlock {
  /** 窓口, 電話, メール, Web, 所在地, 受付, 備考: what the source gives, in that order. */
  lines: string[];
  /** 「確認 YYYY-MM-DD（出典）」 and 「要確認」 when it is more than a year old. */
  checked: string;
  stale: boolean;
}

export interface ContactView {
  /** The body's name, or 「連絡先未登録 — 実施機関: …」 when there is nobody to call. */
  heading: string;
  contacts: ContactBlock[];
  /** Contacts not shown (past MAX_CONTACTS_SHOWN). */
  more: number;
  /** 「登録: <@user> YYYY-MM-DD」 for a contact entered by staff (「登録: スタッフ …」 where others see it: contact-blocks.ts). */
  edited?: string;
}

function contactBlock(c: Contact, today: Date, m: ContactMarkup, websiteOnly: boolean): ContactBlock {
  const lines = websiteOnly
    ? [c.url && `Web: ${m.link(c.url, m.text(c.url, URL_LABEL_ROOM))}`]
    : [
        c.desk && `窓口: ${m.text(c.desk, CONTACT_LIMITS.desk)}`,
        c.phone && `電話: ${m.text(c.phone, CONTACT_LIMITS.phone)}`,
        c.email && `メール: ${m.text(c.email, CONTACT_LIMITS.email)}`,
        c.url && `Web: ${m.link(c.url, m.text(c.url, URL_LABEL_ROOM))}`,
        c.address && `所在地: ${m.text(c.address, CONTACT_LIMITS.address)}`,
        c.hours && `受付: ${m.text(c.hours, CONTACT_LIMITS.hours)}`,
        c.note && m.text(c.note, CONTACT_LIMITS.note),
      ];
  const source = /^https?:\/\//i.test(c.source) ? m.link(c.source, '出典', 'source') : `出典: ${m.text(c.source, CONTACT_LIMITS.source)}`;
  const stale = isStale(c.checkedOn, today);
  return {
    lines: lines.filter((l): l is string => Boolean(l)),
    checked: `確認 ${c.checkedOn}（${source}）${stale ? ` ⚠ ${STALE_MARK}（確認から1年以上たっています）` : ''}`,
    stale,
  };
}

/**
 * The contacts as a surface shows them. With no desk, phone, e-mail or address the heading
 * says so plainly, and a known website (with its check date) is still given.
 */
export function contactView(resolved: ResolvedContacts, today: Date, markup: ContactMarkup): ContactView {
  const name = markup.text(resolved.agencyName, 300);
  const reachable = resolved.contacts.some(isReachable);
  const listed = reachable ? resolved.contacts.filter(isReachable) : resolved.contacts.filter((c) => c.url);
  const shown = listed.slice(0, MAX_CONTACTS_SHOWN);
  return {
    heading: reachable ? name : `${NO_CONTACT} — 実施機関: ${name}`,
    contacts: shown.map((c) => contactBlock(c, today, markup, !reachable)),
    more: listed.length - shown.length,
    edited: resolved.edited && `登録: ${markup.user(resolved.edited.by)} ${japanDate(resolved.edited.at)}`,
  };
}

/** The contact as plain text lines (console, command line). */
export function contactText(resolved: ResolvedContacts, today: Date): string {
  const view = contactView(resolved, today, PLAIN_MARKUP);
  const lines = [view.heading];
  for (const c of view.contacts) lines.push(...c.lines, c.checked);
  if (view.more > 0) lines.push(`ほか ${view.more} 件の窓口`);
  if (view.edited) lines.push(view.edited);
  return lines.join('\n');
}
