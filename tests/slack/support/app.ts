/** The real Slack app in HTTP mode, on 127.0.0.1, talking to a fake Slack (not a test file). */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { SearchEngine } from '../../../src/search/engine.js';
import { HomeViewSchema, MessageSchema, ModalViewSchema } from '../../../src/slack/blocks.js';
import { createSlackApp, EVENTS_PATH, type SlackApp } from '../../../src/slack/app.js';
import type { ShienServices } from '../../../src/slack/services.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { refusal } from './slack-rules.js';
import { blockAction, blockActionsBody, eventBody, postSigned, slashCommandBody, type SignedResponse } from './signing.js';

export const SIGNING_SECRET = '0123456789abcdef0123456789abcdef';
export const BOT_TOKEN = 'xoxb-000-111-secretbottoken';

export interface TestApp {
  url: string;
  fake: FakeSlack;
  slack: SlackApp;
  /** Swap the engine the app serves (a hostile catalog, a failing engine). */
  serve(engine: SearchEngine): void;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: string[];
  command(text: string, options?: { command?: string; user?: string; channel?: string; channelName?: string; responseId?: string }): Promise<{ http: SignedResponse; responseId: string }>;
  click(payload: Record<string, unknown>): Promise<SignedResponse>;
  event(event: Record<string, unknown>, options?: { event_id?: string; retry?: number }): Promise<SignedResponse>;
  post(rawBody: string, options?: Parameters<typeof postSigned>[3] & { secret?: string }): Promise<SignedResponse>;
  close(): Promise<void>;
}

let responseCounter = 0;

/** Sends Slack's requests (signed) to an app listening at `url`; what it sends back lands in `fake`. */
export type AppDriver = Pick<TestApp, 'url' | 'fake' | 'command' | 'click' | 'event' | 'post'>;

export function driveApp(url: string, fake: FakeSlack): AppDriver {
  const post: TestApp['post'] = async (rawBody, options = {}) => {
    const response = await postSigned(url, options.secret ?? SIGNING_SECRET, rawBody, options);
    // An ack that carries a message is a message to Slack too: refused like any other payload.
    const body = response.json;
    if (response.status === 200 && body && typeof body === 'object' && !Array.isArray(body)) {
      const refused = refusal('ack', body as Record<string, unknown>);
      if (refused) fake.refusals.push(refused);
    }
    return response;
  };
  return {
    url,
    fake,
    post,
    async command(text, options = {}) {
      const responseId = options.responseId ?? `r${++responseCounter}`;
      const body = slashCommandBody({ command: options.command ?? '/支援', text, response_url: fake.responseUrl(responseId), user_id: options.user ?? 'U0ADVISOR', channel_id: options.channel ?? 'C0ADVICE', ...(options.channelName ? { channel_name: options.channelName } : {}) });
      return { http: await post(body), responseId };
    },
    click: (payload) => post(blockActionsBody(payload)),
    event: (event, options = {}) => post(eventBody(event, { event_id: options.event_id }), options.retry ? { headers: { 'X-Slack-Retry-Num': String(options.retry), 'X-Slack-Retry-Reason': 'http_timeout' } } : {}),
  };
}

/** A pino destination keeping every line, raw and parsed. */
export function logCapture(): { sink: Writable; logs: Record<string, unknown>[]; rawLogs: string[] } {
  const rawLogs: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        rawLogs.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { sink, logs, rawLogs };
}

export async function startTestApp(engine: SearchEngine, extra: Partial<ShienServices> = {}, logLevel = 'info'): Promise<TestApp> {
  const fake = await startFakeSlack();
  const { sink, logs, rawLogs } = logCapture();
  let current = engine;
  const services: ShienServices = { engine: () => current, logger: createLogger({ level: logLevel, destination: sink }), ...extra };
  const slack = createSlackApp({ mode: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0, apiUrl: fake.apiUrl }, services);
  const { port } = await slack.start();
  return {
    ...driveApp(`http://127.0.0.1:${port}${EVENTS_PATH}`, fake),
    slack,
    logs,
    rawLogs,
    serve: (e) => {
      current = e;
    },
    async close() {
      await slack.stop(1000);
      await fake.close();
    },
  };
}

/** The response_url post answering request `id` (waits for it). */
export function responseTo(app: Pick<TestApp, 'fake'>, id: string, nth = 0): Promise<Record<string, unknown>> {
  return app.fake.waitFor(() => app.fake.responses.filter((r) => r.id === id)[nth]?.body);
}

/** Slack would accept this message: Block Kit subset within limits (the error names the block). */
export function expectSlackMessage(message: unknown, label = 'message'): void {
  const m = message as { text?: unknown; blocks?: unknown };
  const parsed = MessageSchema.safeParse({ text: m.text, blocks: m.blocks ?? [{ type: 'section', text: { type: 'mrkdwn', text: String(m.text) } }] });
  expect(parsed.success, `${label}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
}

export function expectSlackView(view: unknown, label = 'view'): void {
  const schema = (view as { type?: string }).type === 'home' ? HomeViewSchema : ModalViewSchema;
  const parsed = schema.safeParse(view);
  expect(parsed.success, `${label}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
}

/**
 * The parts of a message Slack parses as mrkdwn (where `<!channel>` would ping): not button
 * values or private metadata (data, never shown) and not plain_text (shown literally).
 */
export const displayed = (m: unknown): string =>
  JSON.stringify(m, (key, value: unknown) => {
    if (key === 'value' || key === 'private_metadata') return undefined;
    if ((value as { type?: unknown } | null)?.type === 'plain_text') return undefined;
    return value;
  });

/** Every text a person reads in a message or view, joined (for "contains" checks). */
export function readText(m: unknown): string {
  const out: string[] = [];
  JSON.stringify(m, (key, value: unknown) => {
    if (key === 'text' && typeof value === 'string') out.push(value);
    return value;
  });
  return out.join('\n');
}

/** All buttons of a message or view. */
export function buttonsOf(m: unknown): { action_id: string; value?: string; text: { text: string } }[] {
  const blocks = ((m as { blocks?: unknown[] }).blocks ?? []) as { type: string; elements?: unknown[]; accessory?: unknown }[];
  return blocks.flatMap((b) => [...(b.type === 'actions' ? (b.elements as never[]) : []), ...(b.accessory ? [b.accessory as never] : [])]);
}

export { blockAction };
