import { resolveContacts, type ResolvedContacts } from '../../catalog/contacts.js';
import type { Agency, Program } from '../../catalog/schema.js';
import { formatBudget } from '../../render/budget.js';
import { keyProjectLabel } from '../../render/text.js';
import { LIMITS } from '../block-limits.js';
import type { Block, Message } from '../blocks.js';
import { cutText, escapeCut, escapeMrkdwn } from '../mrkdwn.js';
import { contactBlocks } from './contact-blocks.js';
import { isImported, LIST_ONLY_NOTE, missing } from '../../sources/program.js';
import { importedCardBlocks, importedSourceLine } from './imported.js';
import { maxAmountLabel } from '../../sources/amount.js';
import { detailsButton, shareButton } from './results.js';

/**
 * How much of each long field a card shows. Together with the rest of the card they stay
 * under Slack's ~12,000 characters a message, escaping included (& → &amp; grows text).
 */
const FIELD_ROOM = { overview: 2400, results: 1800, relatedOrgs: 900 } as const;
const NOT_STATED = '記載なし';
/** Names, agencies and other one-line values (a field holds 2,000; a card must stay whole). */
const SHORT_ROOM = 300;
const short = (text: string) => escapeCut(text, SHORT_ROOM).text;

export interface CardOptions {
  /** The implementing body as registered in seeds/agencies.yaml (for its contact). */
  agency?: Agency;
  /** Programs shown under 「似ている事業」 with their own 詳細 buttons. */
  similar?: readonly Program[];
  /** Offer チャンネルに共有 (not in App Home modals: they have no channel). */
  share?: boolean;
  /** Slack user id of whoever shared the card to a channel. */
  sharedBy?: string;
  /** Whom to call, staff edits included; resolved from `agency` alone when absent. */
  contacts?: ResolvedContacts;
  /** Today, for marking contacts checked more than a year ago (tests inject it). */
  today?: Date;
  /** Offer 「連絡先を編集」 (staff in SHIEN_ADMIN_USERS, and never on a card posted to a channel). */
  editContact?: boolean;
}

/** A long field of the card, cut at a sentence end with a pointer to the source document. */
function longField(title: string, text: string | undefined, room: number): Block {
  const body = text?.trim();
  if (!body) return { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${NOT_STATED}` } };
  const cut = escapeCut(body, room);
  const note = cut.cut ? '\n_（長いため省略しました。全文は出典資料をご覧ください）_' : '';
  return { type: 'section', text: { type: 'mrkdwn', text: `*${title}*\n${cut.text}${note}` } };
}

export function sourceLine(program: Program): string {
  const credit = importedSourceLine(program); // a jGrants program: the credit its terms require
  if (credit) return escapeMrkdwn(credit);
  const s = program.source;
  if (!s) return '出典: 記載なし';
  return `出典: ${short(s.document)}${s.page ? ` ${s.page} ページ` : ''}`;
}

/** 詳細: the whole card of one program. Also what チャンネルに共有 posts. */
export function renderProgramCard(program: Program, options: CardOptions = {}): Message {
  const imported = isImported(program) ? program : undefined;
  // Unknown for a program read from jGrants' list alone, not absent at the source.
  const notStated = imported ? missing(imported) : NOT_STATED;
  const purposes = program.purposes?.length ? program.purposes.join('、') : notStated;
  // A jGrants program has no budget, key project, last year's results or related bodies (the
  // catalog's fields): the card said 予算額の記載なし beside its 上限額, and 記載なし for the rest.
  const catalogFields = imported
    ? []
    : [
        { type: 'mrkdwn' as const, text: `*予算*\n${short(formatBudget(program))}` },
        { type: 'mrkdwn' as const, text: `*重点プロジェクト*\n${escapeMrkdwn(keyProjectLabel(program))}` },
      ];
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: cutText(program.name, LIMITS.headerText).text } },
    {
      type: 'section',
      fields: [{ type: 'mrkdwn', text: `*実施機関*\n${short(program.agency)}` }, ...catalogFields, { type: 'mrkdwn', text: `*目的*\n${escapeMrkdwn(purposes)}` }],
    },
    imported?.imported.listOnly && !program.overview?.trim()
      ? { type: 'section', text: { type: 'mrkdwn', text: `*事業概要*\n${escapeMrkdwn(LIST_ONLY_NOTE)}` } }
      : longField('事業概要', program.overview, FIELD_ROOM.overview),
    ...(imported
      ? []
      : [longField('前年度 (R4) の実施内容', program.results, FIELD_ROOM.results), longField('関係機関', program.relatedOrgs, FIELD_ROOM.relatedOrgs)]),
    // A jGrants program: its period, facts and the 問合せ先 as jGrants prints it, instead of agencies.yaml's.
    ...(isImported(program) ? importedCardBlocks(program, options.today ?? new Date()) : contactBlocks(options.contacts ?? resolveContacts(program, options.agency), options)),
    { type: 'context', elements: [{ type: 'mrkdwn', text: sourceLine(program) }] },
  ];
  if (options.sharedBy && /^[UW][A-Z0-9]+$/.test(options.sharedBy)) {
    // The one intended mention: the person who shared, from Slack's own user id.
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<@${options.sharedBy}> さんが共有しました` }] });
  }
  if (options.share) blocks.push({ type: 'actions', elements: [shareButton(program)] });
  if (options.similar?.length) {
    blocks.push({ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: '*似ている事業*' } });
    for (const p of options.similar) {
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `*${short(p.name)}*\n${short(p.agency)}　｜　${short(maxAmountLabel(p) ?? formatBudget(p))}` },
        accessory: detailsButton(p),
      });
    }
  }
  return { text: `${short(program.name)} (${short(program.agency)})`, blocks };
}
