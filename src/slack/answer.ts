import type { SearchEngine } from '../search/engine.js';
import type { Message } from './blocks.js';
import { isHelpRequest, renderHelp } from './render/help.js';
import { renderResults, searchPage } from './render/results.js';

export interface Answer {
  message: Message;
  /** Programs matched; absent for help. */
  hits?: number;
}

/** Mentions of the bot (`<@U123>`) are how people address it, not part of the query. */
export function stripMentions(text: string): string {
  return text.replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
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
