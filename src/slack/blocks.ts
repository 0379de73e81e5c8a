import { z } from 'zod';
import { LIMITS, messageLength, VIEW_LIMITS } from './block-limits.js';

export { actionIdPattern, actionKind, indexedActionId, LIMITS, messageLength, VIEW_LIMITS, withoutEmptyActions } from './block-limits.js';

/**
 * The Block Kit subset the bot sends, with Slack's limits and structural rules, written once.
 * The renderers' tests parse what they build with these schemas, and the tests' fake Slack
 * (tests/slack/support/fake-slack.ts) refuses every payload that fails them, as Slack does
 * with `invalid_blocks`. Each rule names the reference page it comes from:
 * - blocks: https://docs.slack.dev/reference/block-kit/blocks (50 blocks per message, 100 per
 *   modal or Home tab; `block_id` ≤ 255 and unique within a message or view)
 * - section: https://docs.slack.dev/reference/block-kit/blocks/section-block (text 1–3,000;
 *   fields ≤ 10, each ≤ 2,000; text or fields required)
 * - header: https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text ≤ 150)
 * - context: https://docs.slack.dev/reference/block-kit/blocks/context-block (1–10 elements)
 * - actions: https://docs.slack.dev/reference/block-kit/blocks/actions-block (1–25 elements)
 * - input: https://docs.slack.dev/reference/block-kit/blocks/input-block (label ≤ 2,000, hint ≤ 2,000)
 * - button: https://docs.slack.dev/reference/block-kit/block-elements/button-element (text ≤ 75,
 *   value ≤ 2,000, url ≤ 3,000, action_id ≤ 255 and unique among the action_ids of its block)
 * - plain-text input: https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element
 *   (initial_value ≤ 3,000 characters, max_length ≤ 3,000)
 * - views: https://docs.slack.dev/reference/views (modal title, submit and close ≤ 24;
 *   private_metadata ≤ 3,000; callback_id ≤ 255)
 * - message text: https://docs.slack.dev/reference/methods/chat.postMessage (`text` is the
 *   fallback shown in notifications: every message with blocks carries one; Slack cuts it
 *   past 40,000 characters)
 * Lengths are of the strings as sent, that is after mrkdwn escaping (`&` → `&amp;`); the
 * figures themselves are in block-limits.ts, which the renderers import without zod.
 */
const PlainText = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const Mrkdwn = (max: number) => z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() }).strict();
const ActionId = z.string().min(1).max(LIMITS.actionId);
const BlockId = z.string().min(1).max(LIMITS.blockId).optional();

export const ButtonSchema = z
  .object({
    type: z.literal('button'),
    text: PlainText(LIMITS.buttonText),
    action_id: ActionId,
    value: z.string().max(LIMITS.buttonValue).optional(),
    url: z.string().max(LIMITS.buttonUrl).optional(),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict();

/** A channel picker (App Home: choose a channel to send notices to). */
export const ChannelsSelectSchema = z
  .object({ type: z.literal('channels_select'), action_id: ActionId, placeholder: PlainText(LIMITS.placeholder).optional(), initial_channel: z.string().optional() })
  .strict();

/** A text field of a modal form. */
export const PlainTextInputSchema = z
  .object({
    type: z.literal('plain_text_input'),
    action_id: ActionId,
    initial_value: z.string().max(LIMITS.inputValue).optional(),
    multiline: z.boolean().optional(),
    min_length: z.number().int().min(0).max(LIMITS.inputValue).optional(),
    max_length: z.number().int().min(1).max(LIMITS.inputValue).optional(),
    placeholder: PlainText(LIMITS.placeholder).optional(),
  })
  .strict();

export const SectionSchema = z
  .object({
    type: z.literal('section'),
    block_id: BlockId,
    text: Mrkdwn(LIMITS.sectionText).optional(),
    fields: z.array(Mrkdwn(LIMITS.fieldText)).min(1).max(LIMITS.fields).optional(),
    accessory: ButtonSchema.optional(),
  })
  .strict()
  .refine((s) => s.text || s.fields, 'section には text か fields が必要です');

export const HeaderSchema = z.object({ type: z.literal('header'), block_id: BlockId, text: PlainText(LIMITS.headerText) }).strict();
export const DividerSchema = z.object({ type: z.literal('divider'), block_id: BlockId }).strict();
export const ContextSchema = z
  .object({ type: z.literal('context'), block_id: BlockId, elements: z.array(z.discriminatedUnion('type', [Mrkdwn(LIMITS.sectionText), PlainText(LIMITS.sectionText)])).min(1).max(LIMITS.contextElements) })
  .strict();
export const ActionsSchema = z
  .object({ type: z.literal('actions'), block_id: BlockId, elements: z.array(z.discriminatedUnion('type', [ButtonSchema, ChannelsSelectSchema])).min(1).max(LIMITS.actionsElements) })
  .strict();
export const InputSchema = z
  .object({
    type: z.literal('input'),
    block_id: BlockId,
    label: PlainText(LIMITS.inputLabel),
    element: PlainTextInputSchema,
    hint: PlainText(LIMITS.inputHint).optional(),
    optional: z.boolean().optional(),
  })
  .strict();

export const BlockSchema = z.discriminatedUnion('type', [SectionSchema, HeaderSchema, DividerSchema, ContextSchema, ActionsSchema, InputSchema]);
export type Block = z.infer<typeof BlockSchema>;
export type Button = z.infer<typeof ButtonSchema>;

/** The elements of a block that carry an action_id. */
function interactiveElements(block: Block): { action_id: string }[] {
  if (block.type === 'actions') return block.elements;
  if (block.type === 'section' && block.accessory) return [block.accessory];
  if (block.type === 'input') return [block.element];
  return [];
}

/**
 * Slack's structural rules over a list of blocks, as zod issues with the JSON pointer Slack's
 * own error would carry (`/blocks/4/elements/1/action_id`):
 * - `block_id` unique within a message or view;
 * - `action_id` unique among the elements of its block.
 */
function checkStructure(blocks: readonly Block[], ctx: z.RefinementCtx, prefix: (string | number)[] = ['blocks']): void {
  const blockIds = new Set<string>();
  blocks.forEach((block, b) => {
    if (block.block_id !== undefined) {
      if (blockIds.has(block.block_id)) ctx.addIssue({ code: 'custom', path: [...prefix, b, 'block_id'], message: `block_id "${block.block_id}" already exists` });
      blockIds.add(block.block_id);
    }
    const actionIds = new Set<string>();
    const elements = interactiveElements(block);
    elements.forEach((element, e) => {
      if (actionIds.has(element.action_id)) {
        const where = block.type === 'actions' ? ['elements', e] : block.type === 'input' ? ['element'] : ['accessory'];
        ctx.addIssue({ code: 'custom', path: [...prefix, b, ...where, 'action_id'], message: `action_id "${element.action_id}" already exists` });
      }
      actionIds.add(element.action_id);
    });
  });
}

/** A message: chat.postMessage / postEphemeral / update, a response_url body, a slash command's ack. */
export const MessageSchema = z
  .object({ text: z.string().min(1).max(LIMITS.fallbackText), blocks: z.array(BlockSchema).min(1).max(LIMITS.blocksPerMessage) })
  .superRefine((m, ctx) => {
    checkStructure(m.blocks, ctx);
    if (m.blocks.some((b) => b.type === 'input')) ctx.addIssue({ code: 'custom', path: ['blocks'], message: 'input blocks belong in modals, not messages' });
    if (messageLength(m.blocks) > LIMITS.messageChars) ctx.addIssue({ code: 'custom', path: ['blocks'], message: `メッセージ全体が ${LIMITS.messageChars} 文字を超えています` });
  });
export type Message = z.infer<typeof MessageSchema>;

export const HomeViewSchema = z
  .object({
    type: z.literal('home'),
    blocks: z.array(BlockSchema).min(1).max(VIEW_LIMITS.blocks),
    private_metadata: z.string().max(VIEW_LIMITS.privateMetadata).optional(),
    callback_id: z.string().max(VIEW_LIMITS.callbackId).optional(),
  })
  .strict()
  .superRefine((v, ctx) => checkStructure(v.blocks, ctx));
export type HomeView = z.infer<typeof HomeViewSchema>;

export const ModalViewSchema = z
  .object({
    type: z.literal('modal'),
    title: PlainText(VIEW_LIMITS.modalTitle),
    close: PlainText(VIEW_LIMITS.modalTitle).optional(),
    submit: PlainText(VIEW_LIMITS.modalTitle).optional(),
    private_metadata: z.string().max(VIEW_LIMITS.privateMetadata).optional(),
    callback_id: z.string().max(VIEW_LIMITS.callbackId).optional(),
    blocks: z.array(BlockSchema).min(1).max(VIEW_LIMITS.blocks),
  })
  .strict()
  .superRefine((v, ctx) => {
    checkStructure(v.blocks, ctx);
    // A modal with an input block needs a submit button (Slack: "submit is required when an input block is within the blocks array").
    if (v.blocks.some((b) => b.type === 'input') && !v.submit) ctx.addIssue({ code: 'custom', path: ['submit'], message: 'a modal with input blocks needs submit' });
  });
export type ModalView = z.infer<typeof ModalViewSchema>;

/** A view as views.open / push / update / publish take it. */
export const ViewSchema = z.union([HomeViewSchema, ModalViewSchema]);

/**
 * Slack's own wording for a refused payload: one line per issue, each with the JSON pointer of
 * the offending field, as in `response_metadata.messages` of an `invalid_blocks` error.
 */
export function slackErrorMessages(error: z.ZodError, root = ''): string[] {
  return error.issues.map((issue) => `[ERROR] ${issue.message} [json-pointer:${root}/${issue.path.join('/')}]`);
}
