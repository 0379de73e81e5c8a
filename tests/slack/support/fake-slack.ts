/**
 * A fake Slack for tests: the Web API (`/api/<method>`) and response_url sink (`/response/<id>`)
 * on 127.0.0.1, port chosen by the OS. Nothing here ever reaches the internet.
 *
 * How the real clients talk to it (read from node_modules, @slack/web-api 8.x / @slack/bolt 5.x):
 * - WebClient POSTs every method as `application/x-www-form-urlencoded` through global fetch.
 *   Objects and arrays (`blocks`, `attachments`, `view`, `metadata`, ...) are JSON strings inside
 *   the form; numbers and booleans arrive as strings ("100", "true"). The token is NOT a form field:
 *   it travels as `Authorization: Bearer <token>` (per-call `token` option too). Buffers switch the
 *   body to multipart/form-data.
 * - Bolt's respond() POSTs `application/json` (`JSON.stringify(message)`, a string becomes {text})
 *   to the response_url and throws RespondError if the status is not 2xx.
 *
 * Form bodies are decoded back: JSON-string fields become objects again; everything else stays the
 * string it arrived as. Replies are always HTTP 200 JSON (a non-200 would make WebClient retry for
 * up to ~30 minutes), so a reply function that throws answers {ok:false, error:'fake_slack_reply_threw: ...'}.
 *
 * As strict as Slack: every message and view it receives (chat.postMessage, postEphemeral, update,
 * views.open/push/update/publish, response_url bodies) is checked with the bot's own Block Kit
 * schema (src/slack/blocks.ts: Slack's limits and structural rules). A payload that fails is
 * answered as Slack answers it — `{ok:false, error:'invalid_blocks', response_metadata:{messages}}`,
 * or HTTP 400 on a response_url — and recorded in `refusals`. A refusal no test took with
 * `takeRefusals()` fails the test that caused it (tests/setup/strict-slack.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusal, strictSlacks, type Refusal } from './slack-rules.js';

export interface SlackCall {
  method: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

export type { Refusal };

export interface FakeSlack {
  /** http://127.0.0.1:PORT */
  url: string;
  /** `${url}/api/` — what WebClient takes as slackApiUrl. */
  apiUrl: string;
  /** `${url}/response/${id ?? random}` */
  responseUrl(id?: string): string;
  /** Every Web API call, in order of arrival. */
  calls: SlackCall[];
  /** Every POST to a response_url, in order of arrival (refused ones included). */
  responses: ResponseUrlPost[];
  /** Payloads refused as Slack would refuse them, not yet taken by a test. */
  refusals: Refusal[];
  /** Takes (and clears) the refusals: a test that expects Slack to refuse something asserts on these. */
  takeRefusals(): Refusal[];
  /** Members of a channel, as conversations.members answers (default: every user is a member of every channel). */
  setMembers(channel: string, users: string[]): void;
  callsTo(method: string): SlackCall[];
  /** Override a method's reply (e.g. {ok:false, error:'not_in_channel'}, or an async delay); `off(method)` restores the default. */
  on(method: string, reply: (body: Record<string, unknown>, call: SlackCall) => object | Promise<object>): void;
  off(method: string): void;
  /** Polls (every 10 ms) until pick() returns something not undefined; rejects with a clear message after timeoutMs (default 5000). */
  waitFor<T>(pick: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Clears calls, responses and overrides. */
  reset(): void;
  close(): Promise<void>;
}

type Reply = (body: Record<string, unknown>, call: SlackCall) => object | Promise<object>;

/** Form fields Slack documents as JSON-encoded (WebClient JSON-encodes any object/array argument). */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'dialog',
  'profile',
  'options',
  'option_groups',
  'files',
  'response_metadata',
]);
/** Free-text fields that must stay strings even when they happen to look like JSON. */
const TEXT_FIELDS = new Set(['text', 'markdown_text', 'fallback', 'alt_text', 'title', 'initial_comment', 'query', 'name', 'purpose', 'topic']);

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Turns JSON-string fields back into objects; other values stay as they arrived. */
function decodeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value;
    if (typeof value !== 'string' || TEXT_FIELDS.has(key)) continue;
    const trimmed = value.trim();
    const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
    if (!looksJson && !JSON_FIELDS.has(key)) continue;
    const parsed = tryJson(trimmed);
    if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) out[key] = parsed;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (raw.length === 0) return {};
  if (type === 'application/json') {
    const parsed = tryJson(raw.toString('utf8'));
    return isRecord(parsed) ? decodeFields(parsed) : { _raw: raw.toString('utf8') };
  }
  if (type === 'multipart/form-data') {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      fields[key] = typeof value === 'string' ? value : { filename: value.name, size: value.size, type: value.type };
    }
    return decodeFields(fields);
  }
  // application/x-www-form-urlencoded (WebClient), and the fallback for anything else.
  const fields: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) fields[key] = value;
  return decodeFields(fields);
}

function send(res: ServerResponse, status: number, payload: object): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const overrides = new Map<string, Reply>();
  const refusals: Refusal[] = [];
  const members = new Map<string, string[]>();
  // Counters survive reset() so ts and view ids stay unique for the life of the server.
  let tsCounter = 100;
  let viewCounter = 0;
  const nextTs = (): string => {
    tsCounter += 1;
    return `${1700000000 + Math.floor(tsCounter / 1_000_000)}.${String(tsCounter % 1_000_000).padStart(6, '0')}`;
  };

  const defaultReply = (method: string, body: Record<string, unknown>): object => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'shien', team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        const ts = nextTs();
        return {
          ok: true,
          channel: body.channel,
          ts,
          message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', text: body.text, blocks: body.blocks, ts },
        };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        viewCounter += 1;
        const view = isRecord(body.view) ? body.view : {};
        // views.update addresses an existing view: keep its id when given.
        const id = method === 'views.update' && typeof body.view_id === 'string' ? body.view_id : `V${viewCounter}`;
        return { ok: true, view: { id, ...view } };
      }
      case 'conversations.open': {
        if (typeof body.channel === 'string') return { ok: true, channel: { id: body.channel } };
        const users = typeof body.users === 'string' ? body.users : '';
        return { ok: true, channel: { id: `D${users.split(',')[0] ?? ''}` } };
      }
      case 'conversations.info':
        return { ok: true, channel: { id: body.channel, is_member: true } };
      case 'conversations.members': {
        const channel = String(body.channel ?? '');
        const listed = members.get(channel);
        // Unlisted channels: the bot and the users tests act as by default (U0ADVISOR, U0ADMIN).
        return { ok: true, members: listed ?? ['UBOT', 'U0ADVISOR', 'U0ADMIN'], response_metadata: { next_cursor: '' } };
      }
      default:
        return { ok: true };
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'method_not_allowed' });
    const raw = await readBody(req);
    const body = await parseBody(raw, req.headers['content-type'] ?? '');

    if (path.startsWith('/api/')) {
      const method = decodeURIComponent(path.slice('/api/'.length));
      const call: SlackCall = { method, body, headers: req.headers };
      calls.push(call);
      const refused = refusal(method, body);
      if (refused) {
        refusals.push(refused);
        return send(res, 200, refused.reply);
      }
      const override = overrides.get(method);
      let reply: object;
      try {
        reply = override ? await override(body, call) : defaultReply(method, body);
      } catch (error) {
        reply = { ok: false, error: `fake_slack_reply_threw: ${error instanceof Error ? error.message : String(error)}` };
      }
      // An override may answer as an unavailable Slack would: `{ httpStatus: 503 }`.
      const status = (reply as { httpStatus?: unknown }).httpStatus;
      if (typeof status === 'number') return send(res, status, { ok: false, error: `http_${status}` });
      return send(res, 200, reply);
    }
    if (path.startsWith('/response/')) {
      responses.push({ id: decodeURIComponent(path.slice('/response/'.length)), body });
      const refused = refusal('response_url', body);
      if (refused) {
        refusals.push(refused);
        return send(res, 400, refused.reply);
      }
      return send(res, 200, { ok: true });
    }
    return send(res, 404, { ok: false, error: `fake_slack_unknown_path ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 200, { ok: false, error: `fake_slack_internal: ${String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const summary = (): string => {
    const methods = calls.map((c) => c.method);
    const shown = methods.length > 20 ? [...methods.slice(0, 20), `… ${methods.length - 20} more`] : methods;
    return `fake Slack saw ${calls.length} Web API call(s) [${shown.join(', ')}] and ${responses.length} response_url POST(s)`;
  };

  const fake: FakeSlack = {
    url,
    apiUrl: `${url}/api/`,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id ?? randomBytes(8).toString('hex'))}`,
    calls,
    responses,
    refusals,
    takeRefusals: () => refusals.splice(0),
    setMembers: (channel, users) => {
      members.set(channel, users);
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    on: (method, reply) => {
      overrides.set(method, reply);
    },
    off: (method) => {
      overrides.delete(method);
    },
    waitFor: <T>(pick: () => T | undefined, timeoutMs = 5000): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const started = Date.now();
        let lastError: unknown;
        const attempt = (): void => {
          try {
            const value = pick();
            if (value !== undefined) return resolve(value);
          } catch (error) {
            lastError = error; // an assertion-style pick may throw until the state arrives
          }
          if (Date.now() - started >= timeoutMs) {
            const why = lastError === undefined ? '' : `; last error from pick(): ${lastError instanceof Error ? lastError.message : String(lastError)}`;
            return reject(new Error(`waitFor timed out after ${timeoutMs} ms: pick() kept returning undefined${why}; ${summary()}`));
          }
          setTimeout(attempt, 10);
        };
        attempt();
      }),
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      refusals.length = 0;
      overrides.clear();
      members.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive; don't wait for them
      }),
  };
  strictSlacks.add(fake);
  return fake;
}
