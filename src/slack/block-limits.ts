import type { Block } from './blocks.js';

/**
 * Slack's Block Kit limits (each with its reference page in blocks.ts, whose zod schemas
 * enforce them) and the helpers renderers use to stay within Slack's rules. Apart from the
 * schemas so that rendering an answer (the console, the CLI) does not load zod.
 */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  blockId: 255,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  contextElements: 10,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  inputValue: 3000,
  placeholder: 150,
  /** The fallback `text` of a message: Slack cuts past 40,000; ours stay far below. */
  fallbackText: 4000,
  /** Ours, not Slack's: a whole message (all blocks as JSON) a person can read in one go. */
  messageChars: 12000,
} as const;

/** Views (App Home, modals): https://docs.slack.dev/reference/views */
export const VIEW_LIMITS = { blocks: LIMITS.blocksPerView, modalTitle: 24, privateMetadata: 3000, callbackId: 255 } as const;

/** Drops actions blocks left without elements (an empty catalog has nothing to browse): Slack refuses them. */
export function withoutEmptyActions(blocks: Block[]): Block[] {
  return blocks.filter((b) => b.type !== 'actions' || b.elements.length > 0);
}

/**
 * Several interactive elements of one kind in one block (a row of browse buttons) need
 * distinct action_ids: `kind:0`, `kind:1`, … Listeners match the kind with `actionIdPattern`.
 */
export function indexedActionId(kind: string, index: number): string {
  return `${kind}:${index}`;
}

/** Matches `kind` and `kind:<n>` (ids sent before the suffix existed keep working). */
export function actionIdPattern(...kinds: string[]): RegExp {
  return new RegExp(`^(${kinds.join('|')})(?::\\d+)?$`);
}

/** The kind of an action id made by `indexedActionId` (the id itself when it has no suffix). */
export function actionKind(actionId: string): string {
  return actionId.replace(/:\d+$/, '');
}

/** Characters a person reads in a message (all text of all blocks). */
export function messageLength(blocks: readonly Block[]): number {
  return JSON.stringify(blocks).length;
}
