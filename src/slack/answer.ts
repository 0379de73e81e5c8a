import type { SearchEngine } from '../search/engine.js';
import type { Message } from './blocks.js';
import { isHelpRequest, renderHelp } from './render/help.js';
import { renderResults, searchPage } from './render/results.js';

export interface Answer {
  message: Message;
  /** Programs matched; absent for help. */
  hits?: number;
}

/**
 * What a person typed, from the form Slack sends it in: `&`, `<`, `>` arrive as entities,
 * and mentions, channels and links as `<…>` tokens. Mentions (`<@U123>`, `<!channel>`) are
 * how people address someone, not words to search; a channel or link reads as its label.
 */
export function fromSlackText(text: string): string {
  return text
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
 * The answer to what someone typed, on any Slack surface: help for nothing/help/ヘルプ,
 * otherwise one page of search results. Search is the same function the CLI calls.
 */
export function answerText(engine: SearchEngine, text: string, options: { offset?: number; share?: boolean; command?: string } = {}): Answer {
  if (isHelpRequest(text)) return { message: renderHelp(engine.programs, options.command) };
  const response = searchPage(engine, text, options.offset ?? 0);
  return { message: renderResults(response, { offset: options.offset, share: options.share }), hits: response.total };
}
