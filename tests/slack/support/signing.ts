/**
 * Requests as Slack sends them to an app: signed (v0 HMAC-SHA256 over `v0:<timestamp>:<raw body>`,
 * https://docs.slack.dev/authentication/verifying-requests-from-slack) and shaped like the documented
 * payloads (slash command form, block_actions `payload=` form, Events API JSON envelope).
 *
 * Bolt's HTTPReceiver only treats a body as a form when Content-Type is exactly
 * `application/x-www-form-urlencoded` (no charset parameter); anything else is JSON.parse'd.
 * postSigned sends exactly that. Defaults never point at the internet: the default response_url of
 * blockAction() is a closed local port.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const FAKE_TEAM_ID = 'T0FAKE';
export const FAKE_TEAM_DOMAIN = 'fake-workspace';
export const FAKE_APP_ID = 'A0FAKEAPP';
export const FAKE_BOT_USER_ID = 'UBOT';
/** The deprecated verification token Slack still includes in payloads. */
export const FAKE_VERIFICATION_TOKEN = 'fakeVerificationTok3n';
/** Where a block_actions payload's response_url points when none is given: nothing listens there. */
export const UNSET_RESPONSE_URL = 'http://127.0.0.1:9/response-url-not-provided';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function signSlackRequest(secret: string, rawBody: string, timestamp: number = nowSeconds()): Record<string, string> {
  const ts = String(timestamp);
  const hex = createHmac('sha256', secret).update(`v0:${ts}:${rawBody}`, 'utf8').digest('hex');
  return { 'X-Slack-Signature': `v0=${hex}`, 'X-Slack-Request-Timestamp': ts };
}

export interface SignedResponse {
  status: number;
  text: string;
  json?: unknown;
}

export async function postSigned(
  url: string,
  secret: string,
  rawBody: string,
  options: { contentType?: 'form' | 'json'; timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
): Promise<SignedResponse> {
  const kind = options.contentType ?? (rawBody.trimStart().startsWith('{') ? 'json' : 'form');
  const signed = signSlackRequest(secret, rawBody, options.timestamp);
  if (options.signature !== undefined) signed['X-Slack-Signature'] = options.signature;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signed,
      ...options.headers,
    },
    body: rawBody,
  });
  const text = await response.text();
  const result: SignedResponse = { status: response.status, text };
  if (text.length > 0) {
    try {
      result.json = JSON.parse(text) as unknown;
    } catch {
      // not JSON: leave json undefined
    }
  }
  return result;
}

function digits(n: number): string {
  let out = String(1 + Math.floor(Math.random() * 9));
  while (out.length < n) out += String(Math.floor(Math.random() * 10));
  return out;
}

/** Shaped like Slack's trigger ids: `<digits>.<digits>.<32 hex>`. */
export function fakeTriggerId(): string {
  return `${digits(13)}.${digits(13)}.${randomBytes(16).toString('hex')}`;
}

/** A slash command request body, urlencoded in the field order Slack uses. */
export function slashCommandBody(fields: {
  command: string;
  text: string;
  response_url: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  channel_name?: string;
  team_id?: string;
  trigger_id?: string;
}): string {
  return new URLSearchParams([
    ['token', FAKE_VERIFICATION_TOKEN],
    ['team_id', fields.team_id ?? FAKE_TEAM_ID],
    ['team_domain', FAKE_TEAM_DOMAIN],
    ['channel_id', fields.channel_id ?? 'C0FAKE'],
    ['channel_name', fields.channel_name ?? 'general'],
    ['user_id', fields.user_id ?? 'U0ADVISOR'],
    ['user_name', fields.user_name ?? 'advisor'],
    ['command', fields.command],
    ['text', fields.text],
    ['api_app_id', FAKE_APP_ID],
    ['is_enterprise_install', 'false'],
    ['response_url', fields.response_url],
    ['trigger_id', fields.trigger_id ?? fakeTriggerId()],
  ]).toString();
}

/** An interactivity request body: `payload=<urlencoded JSON>`. */
export function blockActionsBody(payload: Record<string, unknown>): string {
  return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
}

/** The block holding an element with this action_id (and that element), if the given blocks have one. */
function findElement(blocks: unknown, actionId: string): { blockId?: string; element: Record<string, unknown> } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as unknown[]) {
    if (typeof block !== 'object' || block === null) continue;
    const b = block as { block_id?: unknown; elements?: unknown; accessory?: unknown };
    const elements = [...(Array.isArray(b.elements) ? (b.elements as unknown[]) : []), b.accessory];
    for (const e of elements) {
      if (typeof e === 'object' && e !== null && (e as { action_id?: unknown }).action_id === actionId) {
        return { blockId: typeof b.block_id === 'string' ? b.block_id : undefined, element: e as Record<string, unknown> };
      }
    }
  }
  return undefined;
}

/**
 * A block_actions payload for a button click. From a message by default (container type 'message',
 * channel, message, response_url); from a view (modal / App Home) when `view` is given (container
 * type 'view', no channel or message, and no response_url unless one is passed).
 */
export function blockAction(fields: {
  action_id: string;
  value: string;
  user_id?: string;
  channel_id?: string;
  response_url?: string;
  container?: Record<string, unknown>;
  message?: Record<string, unknown>;
  view?: Record<string, unknown>;
  trigger_id?: string;
}): Record<string, unknown> {
  const userId = fields.user_id ?? 'U0ADVISOR';
  const channelId = fields.channel_id ?? 'C0FAKE';
  const fromView = fields.view !== undefined;
  const messageTs = typeof fields.message?.ts === 'string' ? fields.message.ts : '1700000000.000101';
  const message = fields.message ?? { type: 'message', user: FAKE_BOT_USER_ID, bot_id: 'BBOT', app_id: FAKE_APP_ID, team: FAKE_TEAM_ID, ts: messageTs, text: '', blocks: [] };
  const found = findElement(fromView ? fields.view?.blocks : message.blocks, fields.action_id);
  const blockId = found?.blockId ?? randomBytes(3).toString('base64url');
  const buttonText = found?.element.text ?? { type: 'plain_text', text: 'button', emoji: true };
  const container =
    fields.container ??
    (fromView
      ? { type: 'view', view_id: typeof fields.view?.id === 'string' ? fields.view.id : 'V0FAKE' }
      : { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: false });

  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: userId, username: 'advisor', name: 'advisor', team_id: FAKE_TEAM_ID },
    api_app_id: FAKE_APP_ID,
    token: FAKE_VERIFICATION_TOKEN,
    container,
    trigger_id: fields.trigger_id ?? fakeTriggerId(),
    team: { id: FAKE_TEAM_ID, domain: FAKE_TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
  };
  if (!fromView || fields.channel_id !== undefined) payload.channel = { id: channelId, name: 'general' };
  if (fromView) payload.view = fields.view;
  else payload.message = message;
  payload.state = { values: {} };
  if (!fromView || fields.response_url !== undefined) payload.response_url = fields.response_url ?? UNSET_RESPONSE_URL;
  payload.actions = [
    {
      type: 'button',
      action_id: fields.action_id,
      block_id: blockId,
      text: buttonText,
      value: fields.value,
      action_ts: `${nowSeconds()}.${digits(6)}`,
    },
  ];
  return payload;
}

/** An Events API `event_callback` envelope, JSON-encoded. */
export function eventBody(event: Record<string, unknown>, options: { event_id?: string; event_time?: number; authorizations?: unknown } = {}): string {
  return JSON.stringify({
    token: FAKE_VERIFICATION_TOKEN,
    team_id: FAKE_TEAM_ID,
    context_team_id: FAKE_TEAM_ID,
    context_enterprise_id: null,
    api_app_id: FAKE_APP_ID,
    event,
    type: 'event_callback',
    event_id: options.event_id ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: options.event_time ?? nowSeconds(),
    authorizations: options.authorizations ?? [
      { enterprise_id: null, team_id: FAKE_TEAM_ID, user_id: FAKE_BOT_USER_ID, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  });
}
