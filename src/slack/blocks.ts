import { z } from 'zod';

/**
 * The Block Kit subset the bot sends, with Slack's limits. Every message the bot builds is
 * parsed with `MessageSchema` in the tests, so a catalog entry that grows past a limit fails
 * a test here instead of being refused by Slack in front of a user.
 * Limits: https://api.slack.com/reference/block-kit/blocks (section text 3,000, fields 10 ×
 * 2,000, header 150, button text 75, value 2,000, action_id 255, 50 blocks per message).
 */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  contextElements: 10,
  actionsElements: 25,
  /** Slack truncates the fallback `text` of a message at 40,000; we keep whole messages smaller. */
  messageChars: 12000,
} as const;

const PlainText = (max: number) => z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const Mrkdwn = (max: number) => z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() }).strict();

export const ButtonSchema = z
  .object({
    type: z.literal('button'),
    text: PlainText(LIMITS.buttonText),
    action_id: z.string().min(1).max(LIMITS.actionId),
    value: z.string().max(LIMITS.buttonValue).optional(),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict();

/** A channel picker (App Home: choose a channel to send notices to). */
export const ChannelsSelectSchema = z
  .object({ type: z.literal('channels_select'), action_id: z.string().min(1).max(LIMITS.actionId), placeholder: PlainText(150).optional() })
  .strict();

export const SectionSchema = z
  .object({
    type: z.literal('section'),
    block_id: z.string().max(255).optional(),
    text: Mrkdwn(LIMITS.sectionText).optional(),
    fields: z.array(Mrkdwn(LIMITS.fieldText)).min(1).max(LIMITS.fields).optional(),
    accessory: ButtonSchema.optional(),
  })
  .strict()
  .refine((s) => s.text || s.fields, 'section には text か fields が必要です');

export const HeaderSchema = z.object({ type: z.literal('header'), text: PlainText(LIMITS.headerText) }).strict();
export const DividerSchema = z.object({ type: z.literal('divider') }).strict();
export const ContextSchema = z
  .object({ type: z.literal('context'), elements: z.array(Mrkdwn(LIMITS.sectionText)).min(1).max(LIMITS.contextElements) })
  .strict();
export const ActionsSchema = z
  .object({ type: z.literal('actions'), block_id: z.string().max(255).optional(), elements: z.array(z.union([ButtonSchema, ChannelsSelectSchema])).min(1).max(LIMITS.actionsElements) })
  .strict();

export const BlockSchema = z.union([SectionSchema, HeaderSchema, DividerSchema, ContextSchema, ActionsSchema]);
export type Block = z.infer<typeof BlockSchema>;
export type Button = z.infer<typeof ButtonSchema>;

/** Drops actions blocks left without elements (an empty catalog has nothing to browse): Slack refuses them. */
export function withoutEmptyActions(blocks: Block[]): Block[] {
  return blocks.filter((b) => b.type !== 'actions' || b.elements.length > 0);
}

/** Characters a person reads in a message (all text of all blocks). */
export function messageLength(blocks: readonly Block[]): number {
  return JSON.stringify(blocks).length;
}

export const MessageSchema = z
  .object({ text: z.string().min(1).max(4000), blocks: z.array(BlockSchema).min(1).max(LIMITS.blocksPerMessage) })
  .refine((m) => messageLength(m.blocks) <= LIMITS.messageChars, `メッセージ全体が ${LIMITS.messageChars} 文字を超えています`);
export type Message = z.infer<typeof MessageSchema>;

/** Views (App Home, modals) hold up to 100 blocks; a modal title is at most 24 characters. */
export const VIEW_LIMITS = { blocks: 100, modalTitle: 24, privateMetadata: 3000 } as const;

export const HomeViewSchema = z.object({ type: z.literal('home'), blocks: z.array(BlockSchema).min(1).max(VIEW_LIMITS.blocks) }).strict();
export type HomeView = z.infer<typeof HomeViewSchema>;

export const ModalViewSchema = z
  .object({
    type: z.literal('modal'),
    title: PlainText(VIEW_LIMITS.modalTitle),
    close: PlainText(VIEW_LIMITS.modalTitle).optional(),
    private_metadata: z.string().max(VIEW_LIMITS.privateMetadata).optional(),
    blocks: z.array(BlockSchema).min(1).max(VIEW_LIMITS.blocks),
  })
  .strict();
export type ModalView = z.infer<typeof ModalViewSchema>;
