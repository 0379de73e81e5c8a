import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ErrorCode, WebClient } from '@slack/web-api';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.js';
import { blockAction, blockActionsBody, eventBody, postSigned, signSlackRequest, slashCommandBody } from './support/signing.js';

// The worked example on Slack's "Verifying requests from Slack" page.
const SECTION = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
const button = (action_id: string) => ({ type: 'button', text: { type: 'plain_text', text: 'b' }, action_id, value: 'v' });

const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = 1531420618;
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

let fake: FakeSlack;

beforeAll(async () => {
  fake = await startFakeSlack();
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.reset();
});

/** A WebClient that fails fast instead of retrying for half an hour. */
const client = (): WebClient => new WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });

describe('signing', () => {
  it("reproduces Slack's documented signature example", () => {
    expect(signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TIMESTAMP)).toEqual({
      'X-Slack-Signature': DOC_SIGNATURE,
      'X-Slack-Request-Timestamp': String(DOC_TIMESTAMP),
    });
  });

  it('changes when body, timestamp or secret change', () => {
    const base = signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TIMESTAMP)['X-Slack-Signature'];
    expect(signSlackRequest(DOC_SECRET, `${DOC_BODY}x`, DOC_TIMESTAMP)['X-Slack-Signature']).not.toBe(base);
    expect(signSlackRequest(DOC_SECRET, DOC_BODY, DOC_TIMESTAMP + 1)['X-Slack-Signature']).not.toBe(base);
    expect(signSlackRequest(`${DOC_SECRET}x`, DOC_BODY, DOC_TIMESTAMP)['X-Slack-Signature']).not.toBe(base);
  });

  it('defaults the timestamp to now, in seconds', () => {
    const ts = Number(signSlackRequest('s', 'b')['X-Slack-Request-Timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
  });

  it("urlencodes the way Slack's documented slash command body is encoded", () => {
    // Re-encoding the documented body field by field gives it back byte for byte.
    expect(new URLSearchParams(new URLSearchParams(DOC_BODY)).toString()).toBe(DOC_BODY);
    const body = slashCommandBody({ command: '/shien', text: '東京 創業 補助金 & 100%', response_url: fake.responseUrl('r1') });
    expect(body).toContain('command=%2Fshien');
    const fields = Object.fromEntries(new URLSearchParams(body));
    expect(fields).toMatchObject({ command: '/shien', text: '東京 創業 補助金 & 100%', response_url: fake.responseUrl('r1'), team_id: 'T0FAKE' });
    for (const key of ['token', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name', 'api_app_id', 'trigger_id']) {
      expect(fields[key], key).toMatch(/\S/);
    }
  });

  it('builds block_actions and event_callback bodies in the documented shape', () => {
    const message = { ts: '1700000000.000222', text: 'results', blocks: [{ type: 'actions', block_id: 'nav', elements: [{ type: 'button', action_id: 'next', value: 'p2', text: { type: 'plain_text', text: '次へ' } }] }] };
    const payload = blockAction({ action_id: 'next', value: 'p2', message, response_url: fake.responseUrl('b1') });
    expect(payload).toMatchObject({
      type: 'block_actions',
      container: { type: 'message', message_ts: '1700000000.000222', channel_id: 'C0FAKE' },
      channel: { id: 'C0FAKE' },
      response_url: fake.responseUrl('b1'),
      actions: [{ type: 'button', action_id: 'next', block_id: 'nav', value: 'p2', text: { text: '次へ' } }],
    });
    const body = blockActionsBody(payload);
    expect(body.startsWith('payload=')).toBe(true);
    expect(JSON.parse(new URLSearchParams(body).get('payload') ?? 'null')).toEqual(payload);

    const fromModal = blockAction({ action_id: 'a', value: 'v', view: { id: 'V9', type: 'modal' } });
    expect(fromModal).toMatchObject({ container: { type: 'view', view_id: 'V9' }, view: { id: 'V9' } });
    expect(fromModal).not.toHaveProperty('response_url');
    expect(fromModal).not.toHaveProperty('message');

    const envelope = JSON.parse(eventBody({ type: 'app_mention', text: '<@UBOT> hi' }, { event_id: 'Ev1', event_time: 42 })) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      type: 'event_callback',
      team_id: 'T0FAKE',
      event: { type: 'app_mention' },
      event_id: 'Ev1',
      event_time: 42,
      authorizations: [{ team_id: 'T0FAKE', user_id: 'UBOT', is_bot: true }],
    });
    expect(typeof envelope.api_app_id).toBe('string');
    expect(typeof envelope.token).toBe('string');
  });
});

describe('fake Slack with a real WebClient', () => {
  it('records chat.postMessage with blocks parsed back to objects and the token as sent', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*補助金* [1/3]' } }];
    const first = await client().chat.postMessage({ channel: 'C123', text: '[1] fallback', blocks });
    const second = await client().chat.postMessage({ channel: 'C123', text: 'again' });

    expect(first.ok).toBe(true);
    expect(first.channel).toBe('C123');
    expect(first.message?.blocks).toEqual(blocks);
    expect(typeof first.ts).toBe('string');
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));

    const calls = fake.callsTo('chat.postMessage');
    expect(calls).toHaveLength(2);
    const call = calls[0];
    expect(call?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call?.headers.authorization).toBe('Bearer xoxb-test');
    expect(call?.body.blocks).toEqual(blocks);
    expect(call?.body.text).toBe('[1] fallback'); // text stays text even if it looks bracketed
    expect(call?.body.channel).toBe('C123');
  });

  it('refuses what Slack refuses, as Slack words it: a repeated action_id in a block', async () => {
    const blocks = [SECTION, { type: 'actions', elements: [button('browse_purpose'), button('browse_purpose')] }];
    const refused = await client().chat.postMessage({ channel: 'C1', text: 'help', blocks }).catch((error: { data?: unknown }) => error.data);
    expect(refused).toMatchObject({ ok: false, error: 'invalid_blocks', response_metadata: { messages: [expect.stringContaining('[json-pointer:/blocks/1/elements/1/action_id]')] } });
    expect(fake.takeRefusals().map((r) => r.method)).toEqual(['chat.postMessage']);
  });

  it.each([
    ['a repeated block_id', { text: 't', blocks: [{ ...SECTION, block_id: 'a' }, { ...SECTION, block_id: 'a' }] }, '/blocks/1/block_id'],
    ['an empty actions block', { text: 't', blocks: [{ type: 'actions', elements: [] }] }, '/blocks/0/elements'],
    ['an empty context block', { text: 't', blocks: [{ type: 'context', elements: [] }] }, '/blocks/0/elements'],
    ['a section with neither text nor fields', { text: 't', blocks: [{ type: 'section' }] }, '/blocks/0'],
    ['51 blocks', { text: 't', blocks: Array.from({ length: 51 }, () => SECTION) }, '/blocks'],
    ['26 elements in one actions block', { text: 't', blocks: [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }] }, '/blocks/0/elements'],
    ['11 context elements', { text: 't', blocks: [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'x' })) }] }, '/blocks/0/elements'],
    ['section text of 3,001 characters', { text: 't', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '&'.repeat(3001) } }] }, '/blocks/0/text/text'],
    ['blocks without a text fallback', { blocks: [SECTION] }, '/text'],
  ])('refuses %s on chat.postMessage and on a response_url (HTTP 400)', async (_label, message, pointer) => {
    const refused = await client().chat.postMessage({ channel: 'C1', ...(message as { text: string }) }).catch((error: { data?: unknown }) => error.data);
    expect(refused).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect(JSON.stringify(refused)).toContain(`[json-pointer:${pointer}`);
    const response = await fetch(fake.responseUrl('bad'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    expect(response.status).toBe(400);
    expect(fake.takeRefusals().map((r) => r.method)).toEqual(['chat.postMessage', 'response_url']);
  });

  it('refuses a Home view of 101 blocks and a modal with a repeated action_id', async () => {
    const home = await client().views.publish({ user_id: 'U1', view: { type: 'home', blocks: Array.from({ length: 101 }, () => SECTION) } as never }).catch((error: { data?: unknown }) => error.data);
    expect(home).toMatchObject({ ok: false, error: 'invalid_blocks' });
    const modal = { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [{ type: 'actions', elements: [button('a'), button('a')] }] };
    const opened = await client().views.open({ trigger_id: 't', view: modal as never }).catch((error: { data?: unknown }) => error.data);
    expect(JSON.stringify(opened)).toContain('[json-pointer:/view/blocks/0/elements/1/action_id]');
    expect(fake.takeRefusals().map((r) => r.method)).toEqual(['views.publish', 'views.open']);
  });

  it('accepts 50 blocks in a message, 100 in a view, distinct action_ids in a block and the same action_id in two blocks', async () => {
    const row = { type: 'actions', elements: [button('browse_purpose:0'), button('browse_purpose:1')] };
    await client().chat.postMessage({ channel: 'C1', text: 't', blocks: [...Array.from({ length: 48 }, () => SECTION), row, row] as never });
    await client().views.publish({ user_id: 'U1', view: { type: 'home', blocks: Array.from({ length: 100 }, () => SECTION) } as never });
    expect(fake.refusals).toEqual([]);
  });

  it('records a token passed as a form field or as a per-call option', async () => {
    await client().apiCall('conversations.info', { channel: 'C9', token: 'xoxb-other' });
    const form = new URLSearchParams({ token: 'xoxb-form', channel: 'C9' });
    await fetch(`${fake.apiUrl}conversations.info`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const [viaOption, viaForm] = fake.callsTo('conversations.info');
    expect(viaOption?.headers.authorization).toBe('Bearer xoxb-other');
    expect(viaForm?.body.token).toBe('xoxb-form');
  });

  it('accepts JSON bodies with a Bearer token', async () => {
    const response = await fetch(`${fake.apiUrl}views.publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-json' },
      body: JSON.stringify({ user_id: 'U1', view: { type: 'home', blocks: [SECTION] } }),
    });
    expect(await response.json()).toEqual({ ok: true, view: { id: expect.stringMatching(/^V\d+$/), type: 'home', blocks: [SECTION] } });
    const call = fake.callsTo('views.publish')[0];
    expect(call?.headers.authorization).toBe('Bearer xoxb-json');
    expect(call?.body).toEqual({ user_id: 'U1', view: { type: 'home', blocks: [SECTION] } });
  });

  it('gives the documented default replies', async () => {
    const web = client();
    expect(await web.auth.test()).toMatchObject({ ok: true, team_id: 'T0FAKE', user_id: 'UBOT', bot_id: 'BBOT' });
    expect(await web.conversations.open({ users: 'U42' })).toMatchObject({ channel: { id: 'DU42' } });
    expect(await web.conversations.info({ channel: 'C7' })).toMatchObject({ channel: { id: 'C7', is_member: true } });
    expect(await web.chat.update({ channel: 'C7', ts: '1.2', text: 't' })).toMatchObject({ ok: true, channel: 'C7', ts: '1.2' });
    expect(await web.chat.postEphemeral({ channel: 'C7', user: 'U1', text: 't' })).toMatchObject({ ok: true, message_ts: expect.any(String) });
    const opened = await web.views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [SECTION] } });
    expect(opened.view).toMatchObject({ id: expect.stringMatching(/^V\d+$/), type: 'modal' });
    expect(fake.callsTo('views.open')[0]?.body.view).toMatchObject({ type: 'modal', blocks: [SECTION] });
    expect(await web.reactions.add({ channel: 'C7', timestamp: '1.2', name: 'eyes' })).toMatchObject({ ok: true });
    expect(fake.calls.map((c) => c.method)).toEqual([
      'auth.test',
      'conversations.open',
      'conversations.info',
      'chat.update',
      'chat.postEphemeral',
      'views.open',
      'reactions.add',
    ]);
  });

  it('lets a test override a reply, and off() restores the default', async () => {
    fake.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    const failure = await client()
      .chat.postMessage({ channel: 'C1', text: 'x' })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'not_in_channel' } });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);

    fake.off('chat.postMessage');
    await expect(client().chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
  });

  it('supports slow replies', async () => {
    fake.on('views.open', async (body) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { ok: true, view: { id: 'VSLOW', ...(body.view as object) } };
    });
    const started = Date.now();
    const result = await client().views.open({ trigger_id: 't', view: { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [SECTION] } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(result.view?.id).toBe('VSLOW');
  });

  it('records POSTs to a response_url (JSON, as Bolt respond() sends them)', async () => {
    const url = fake.responseUrl('cmd-1');
    expect(url).toBe(`${fake.url}/response/cmd-1`);
    expect(fake.responseUrl()).not.toBe(fake.responseUrl());
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'searching…', replace_original: false }),
    });
    expect(response.status).toBe(200);
    expect(fake.responses).toEqual([{ id: 'cmd-1', body: { response_type: 'ephemeral', text: 'searching…', replace_original: false } }]);
  });

  it('waitFor resolves once the value appears and times out with a clear message', async () => {
    setTimeout(() => void client().chat.postMessage({ channel: 'C1', text: 'late' }), 30);
    const call = await fake.waitFor(() => fake.callsTo('chat.postMessage')[0]);
    expect(call.body.text).toBe('late');

    const started = Date.now();
    await expect(fake.waitFor(() => fake.callsTo('views.open')[0], 100)).rejects.toThrow(
      /waitFor timed out after 100 ms.*1 Web API call\(s\) \[chat\.postMessage\] and 0 response_url POST\(s\)/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('reset() clears calls, responses and overrides', async () => {
    fake.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    await fetch(fake.responseUrl('x'), { method: 'POST', body: '{}' });
    await client().auth.test().catch(() => undefined);
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(fake.responses).toHaveLength(0);
    await expect(client().auth.test()).resolves.toMatchObject({ ok: true });
  });
});

describe('a Bolt app driven as Slack would drive it', () => {
  const secret = 'test-signing-secret';
  let receiver: HTTPReceiver;
  let events: string;

  beforeAll(async () => {
    receiver = new HTTPReceiver({ signingSecret: secret, logLevel: LogLevel.ERROR });
    const app = new App({
      token: 'xoxb-bolt',
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/shien', async ({ ack, respond, client: web, command }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `searching ${command.text}` });
      await web.chat.postMessage({ channel: command.channel_id, text: command.text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: command.text } }] });
    });
    app.action('next', async ({ ack, respond, body }) => {
      await ack();
      const action = body.type === 'block_actions' ? body.actions[0] : undefined;
      await respond({ replace_original: true, text: `page ${action && 'value' in action ? action.value : '?'}` });
    });
    app.event('app_mention', async ({ event, client: web }) => {
      await web.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'hello' });
    });
    const server = await receiver.start(0);
    events = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await receiver.stop();
  });

  it('accepts a signed slash command, respond()s to the response_url and posts via the fake', async () => {
    const response_url = fake.responseUrl('slash');
    const result = await postSigned(events, secret, slashCommandBody({ command: '/shien', text: '東京 創業', response_url, channel_id: 'C42' }));
    expect(result.status).toBe(200);
    const post = await fake.waitFor(() => fake.callsTo('chat.postMessage')[0]);
    expect(post.headers.authorization).toBe('Bearer xoxb-bolt');
    expect(post.body).toMatchObject({ channel: 'C42', text: '東京 創業', blocks: [{ type: 'section' }] });
    expect(fake.responses).toEqual([{ id: 'slash', body: { response_type: 'ephemeral', text: 'searching 東京 創業' } }]);
  });

  it('routes a block_actions button click', async () => {
    const body = blockActionsBody(blockAction({ action_id: 'next', value: 'p2', response_url: fake.responseUrl('btn') }));
    expect((await postSigned(events, secret, body)).status).toBe(200);
    const reply = await fake.waitFor(() => fake.responses.find((r) => r.id === 'btn'));
    expect(reply.body).toEqual({ replace_original: true, text: 'page p2' });
  });

  it('routes an Events API event_callback', async () => {
    const body = eventBody({ type: 'app_mention', user: 'U1', text: '<@UBOT> hi', ts: '1700000000.000500', channel: 'C5', event_ts: '1700000000.000500' });
    expect((await postSigned(events, secret, body)).status).toBe(200);
    const post = await fake.waitFor(() => fake.callsTo('chat.postMessage')[0]);
    expect(post.body).toMatchObject({ channel: 'C5', thread_ts: '1700000000.000500', text: 'hello' });
  });

  it('rejects forged and stale signatures without running listeners', async () => {
    const body = slashCommandBody({ command: '/shien', text: 'x', response_url: fake.responseUrl('forged') });
    const forged = await postSigned(events, secret, body, { signature: `v0=${'0'.repeat(64)}` });
    const wrongSecret = await postSigned(events, 'not-the-secret', body);
    const stale = await postSigned(events, secret, body, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect([forged.status, wrongSecret.status, stale.status]).toEqual([401, 401, 401]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.responses).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
