import type { ResolvedContacts } from '../../catalog/contacts.js';
import { contactView, type ContactMarkup } from '../../render/contact.js';
import { messageLength } from '../block-limits.js';
import type { Block } from '../blocks.js';
import { escapeCut, escapeMrkdwn } from '../mrkdwn.js';
import { contactEditButton } from './contact-edit.js';

/**
 * Contact values in mrkdwn: escaped and bounded; links only to http(s) URLs the schema checked.
 * A value is shown whole up to its field's limit (the form and the YAML allow no more), with room
 * for escaping a few `&`; it was cut at 150 characters, so a note or an address the form took was
 * shown cut (walk-through). The whole contact part gets CONTACT_ROOM (fewer desks are shown past
 * it), so a card or an answer with the agency's contact stays within Slack's limits.
 */
const ESCAPE_ROOM = 50;
const CONTACT_ROOM = 3600;
/**
 * A link target's longest (escaped). In the desk's section a website's link is one value among
 * seven; a source's is alone in its context block, where the longest one (500) with its `&`s
 * escaped still fits: it lost its link at 600 (walk-through).
 */
const LINK_ROOM = { value: 600, source: 2000 } as const;
const MRKDWN_CONTACT: ContactMarkup = {
  text: (value, max) => escapeCut(value, max + ESCAPE_ROOM).text,
  // `|` and `>` end a link's URL in mrkdwn; percent-encoded they still reach the same page.
  link: (url, label, kind = 'value') => {
    const target = escapeMrkdwn(url).replace(/\|/g, '%7C');
    if (target.length <= LINK_ROOM[kind]) return `<${target}|${label}>`;
    // Too long to link: a website's label is its address already (it was printed twice).
    return kind === 'value' ? label : `${label}: ${escapeCut(url, 300).text}`;
  },
  user: (id) => (/^[UW][A-Z0-9]+$/.test(id) ? `<@${id}>` : escapeMrkdwn(id)),
};
/**
 * The same, naming who entered a contact only as 「スタッフ」: a card shared into a channel (or
 * answered to a mention, in a DM) pinged that member each time it was posted (walk-through).
 * The editor is named by mention on staff's own view only, which nobody else sees.
 */
const MRKDWN_CONTACT_UNNAMED: ContactMarkup = { ...MRKDWN_CONTACT, user: () => 'スタッフ' };

export interface ContactBlocksOptions {
  /** Today, for marking contacts checked more than a year ago (tests inject it). */
  today?: Date;
  /** Offer 「連絡先を編集」 (staff in SHIEN_ADMIN_USERS, only where nobody else sees it). */
  editContact?: boolean;
  /** The section's title (a card: 問い合わせ先). */
  title?: string;
}

/**
 * The markup for a desk too long to show whole within CONTACT_ROOM (every field near its limit and
 * full of `&`: a card then passed Slack's 12,000 characters; review): values cut at 150 characters
 * and links at 600, as before they were shown whole.
 */
const COMPACT_ROOM = 150;
const compact = (markup: ContactMarkup): ContactMarkup => ({
  ...markup,
  text: (value, max) => escapeCut(value, Math.min(max, COMPACT_ROOM)).text,
  link: (url, label) => markup.link(url, label, 'value'),
});

/** Whom to call: each desk with what its source gives, when it was checked and who entered it. */
export function contactBlocks(resolved: ResolvedContacts, options: ContactBlocksOptions = {}): Block[] {
  const markup = options.editContact ? MRKDWN_CONTACT : MRKDWN_CONTACT_UNNAMED;
  const whole = contactBlocksWith(resolved, options, markup);
  return messageLength(whole) > CONTACT_ROOM ? contactBlocksWith(resolved, options, compact(markup)) : whole;
}

function contactBlocksWith(resolved: ResolvedContacts, options: ContactBlocksOptions, markup: ContactMarkup): Block[] {
  const view = contactView(resolved, options.today ?? new Date(), markup);
  const title = `*${options.title ?? '問い合わせ先'}*`;
  const build = (shown: number): Block[] => {
    const blocks: Block[] = [];
    view.contacts.slice(0, shown).forEach((c, i) => {
      const head = i === 0 ? `${title}\n${view.heading}\n` : '';
      // verbatim: a bare https://… or #channel typed in a desk or a note stays text; Slack made it
      // a link (links the schema checked are written as <url|label> and stay links).
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: head + c.lines.join('\n'), verbatim: true } });
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: c.checked }] });
    });
    if (!shown) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${title}\n${view.heading}` } });
    const more = view.more + view.contacts.length - shown;
    const notes = [more > 0 && `ほか ${more} 件の窓口があります`, view.edited].filter((t): t is string => Boolean(t));
    if (notes.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: notes.join('　｜　') }] });
    if (options.editContact) blocks.push({ type: 'actions', elements: [contactEditButton(resolved.target)] });
    return blocks;
  };
  // Long desks crowd the message: show fewer, always at least the first.
  let shown = view.contacts.length;
  let blocks = build(shown);
  while (shown > 1 && messageLength(blocks) > CONTACT_ROOM) blocks = build(--shown);
  return blocks;
}
