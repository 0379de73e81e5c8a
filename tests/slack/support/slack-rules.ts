/**
 * What Slack refuses, per method, for the fake Slack and the ack check of the test driver.
 * The rules themselves live once, in the bot's Block Kit schema (src/slack/blocks.ts); this
 * file only says which schema applies to which payload and how Slack words the refusal.
 */
import type { z } from 'zod';
import { HomeViewSchema, MessageSchema, ModalViewSchema, slackErrorMessages } from '../../../src/slack/blocks.js';

export interface Refusal {
  /** Web API method, `response_url`, or `ack` (the HTTP answer to a slash command or action). */
  method: string;
  /** Slack's error code: invalid_blocks, no_text, invalid_arguments. */
  error: string;
  /** Slack's `response_metadata.messages`: one line per problem with its JSON pointer. */
  messages: string[];
  /** What the fake answered. */
  reply: { ok: false; error: string; response_metadata: { messages: string[] } };
  body: Record<string, unknown>;
}

/**
 * Every fake Slack of this test file (each file runs in its own worker): after each test the
 * strict-Slack hook (tests/setup/strict-slack.ts) fails it for any refusal not taken.
 */
export const strictSlacks = new Set<{ takeRefusals(): Refusal[] }>();

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.postEphemeral', 'chat.update', 'chat.scheduleMessage', 'response_url', 'ack']);
const VIEW_METHODS = new Set(['views.open', 'views.push', 'views.update', 'views.publish']);

function refuse(method: string, body: Record<string, unknown>, error: string, messages: string[]): Refusal {
  return { method, error, messages, body, reply: { ok: false, error, response_metadata: { messages } } };
}

function check(schema: z.ZodType, value: unknown, root: string): string[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : slackErrorMessages(parsed.error, root);
}

/**
 * Slack's answer to `body` sent to `method`, when Slack would refuse it; undefined when it
 * would accept it. Messages: blocks within limits and structural rules, and the plain `text`
 * fallback beside them; text or blocks at all. Views: the home or modal schema.
 */
export function refusal(method: string, body: Record<string, unknown>): Refusal | undefined {
  if (MESSAGE_METHODS.has(method)) {
    if (body.delete_original === true || body.delete_original === 'true') return undefined;
    const hasBlocks = body.blocks !== undefined;
    const text = body.text;
    if (!hasBlocks) {
      if (typeof text !== 'string' || text.length === 0) {
        // An ack without a body is an empty 200: nothing to check.
        if (method === 'ack') return undefined;
        return refuse(method, body, 'no_text', ['[ERROR] no text or blocks [json-pointer:/text]']);
      }
      return text.length > 40_000 ? refuse(method, body, 'msg_too_long', ['[ERROR] text too long [json-pointer:/text]']) : undefined;
    }
    const messages = check(MessageSchema, { text, blocks: body.blocks }, '');
    return messages.length ? refuse(method, body, 'invalid_blocks', messages) : undefined;
  }
  if (VIEW_METHODS.has(method)) {
    const view = body.view as { type?: unknown } | undefined;
    if (!view || typeof view !== 'object') return refuse(method, body, 'invalid_arguments', ['[ERROR] missing required field: view [json-pointer:/view]']);
    const schema = method === 'views.publish' || view.type === 'home' ? HomeViewSchema : ModalViewSchema;
    const messages = check(schema, view, '/view');
    return messages.length ? refuse(method, body, 'invalid_blocks', messages) : undefined;
  }
  return undefined;
}
