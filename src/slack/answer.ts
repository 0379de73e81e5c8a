import { agencyContacts, type StaffContacts } from '../catalog/contacts.js';
import type { Agency } from '../catalog/schema.js';
import type { SearchEngine } from '../search/engine.js';
import type { Message } from './blocks.js';
import { agencyBlocks } from './render/agency.js';
import { isNeedListRequest, needList } from '../search/need-list.js';
import { isHelpRequest, renderHelp } from './render/help.js';
import { renderNeedList } from './render/needs.js';
import { renderResults, searchPage } from './render/results.js';

/**
 * An emoji as Slack writes it in text, with its skin tone: a name with a letter in it (or :+1:)
 * between colons, touching Japanese or not (:rocket:創業), but not inside Latin text, times or URLs
 * (10:30:00, 時間:10:00, https://x/:a:/).
 */
const EMOJI_SHORTCODE = /(?<![a-z0-9:/._-])(?::(?:[+-][a-z0-9_+'-]*|(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]+):)+(?![a-z0-9/])/giu;

export interface Answer {
  message: Message;
  /** Programs matched; absent for help. */
  hits?: number;
}

/**
 * What a person typed, from the form Slack sends it in: `&`, `<`, `>` arrive as entities,
 * and mentions, channels and links as `<…>` tokens. Mentions (`<@U123>`, `<!channel>`) are
 * how people address someone, not words to search; a channel or link reads as its label.
 * Emoji, which Slack sends as shortcodes (`:rocket:`, `:+1::skin-tone-2:`), are no words either:
 * `/支援 :rocket: 創業` fell back to any word, saying 「rocket」 was not found.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(EMOJI_SHORTCODE, ' ')
    .replace(/<([^>]*)>/g, (_, inner: string) => {
      const bar = inner.indexOf('|');
      const target = bar < 0 ? inner : inner.slice(0, bar);
      const label = bar < 0 ? undefined : inner.slice(bar + 1);
      if (target.startsWith('@') || target.startsWith('!')) return ' ';
      if (target.startsWith('#')) return ` ${label ?? ''} `;
      return ` ${label ?? target} `;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The answer to what someone typed, on any Slack surface: help for nothing/help/ヘルプ, the
 * list of 相談の種類 for 相談の種類, otherwise one page of search results. Search is the same function the CLI calls.
 */
export function answerText(
  engine: SearchEngine,
  text: string,
  options: { offset?: number; share?: boolean; command?: string; contacts?: AgencyContactOptions } = {},
): Answer {
  if (isHelpRequest(text)) return { message: renderHelp(engine.programs, options.command) };
  if (isNeedListRequest(text)) return { message: renderNeedList(needList(engine.programs, engine.vocabulary.needs), options.command) };
  const response = searchPage(engine, text, options.offset ?? 0);
  const message = renderResults(response, { offset: options.offset, share: options.share });
  const agency = (options.offset ?? 0) === 0 ? agencyAsked(engine, text) : undefined;
  if (!agency) return { message, hits: response.total };
  const c = options.contacts ?? {};
  const header = agencyBlocks(agency, agencyContacts(agency, c.staff), response.total, { today: c.today, editContact: c.editable });
  return { message: { ...message, blocks: [...header, ...message.blocks] }, hits: response.total };
}

/** How the agency view shows contacts: staff edits, today, and whether to offer editing. */
export interface AgencyContactOptions {
  staff?: StaffContacts;
  today?: Date;
  /** 「連絡先を編集」: staff, in an answer only they see. */
  editable?: boolean;
}

/** `機関:<name>` and no other words names one registered body: its view comes first. */
export function agencyAsked(engine: SearchEngine, text: string): Agency | undefined {
  const m = /^機関[:：]\s*(\S+)$/.exec(text.trim());
  return m ? engine.agencies.resolve(m[1]!) : undefined;
}
