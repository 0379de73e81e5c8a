import { afterEach, describe, expect, it } from 'vitest';
import { checkKeyword, JgrantsClient, JgrantsRequestError, RateLimiter } from '../../../src/sources/jgrants/client.js';
import { JgrantsFormatError } from '../../../src/sources/jgrants/parser.js';
import { FakeJgrants, KAGOSHIMA_ITEMS } from './support/fake-jgrants.js';

let fake: FakeJgrants;
afterEach(async () => fake?.stop());

const client = (options: ConstructorParameters<typeof JgrantsClient>[0] = {}) =>
  new JgrantsClient({ baseUrl: fake.url, backoffMs: 5, timeoutMs: 500, ...options });

describe('jGrants client against the fake API', () => {
  it('lists by keyword and area with plain query parameters', async () => {
    fake = await FakeJgrants.start();
    const { items, problems } = await client().list({ keyword: '補助金', area: '鹿児島県' });
    expect(problems).toEqual([]);
    expect(items.map((i) => i.id).sort()).toEqual(KAGOSHIMA_ITEMS().filter((i) => String(i.title).includes('補助金') && String(i.target_area_search).includes('鹿児島県')).map((i) => i.id).sort());
    expect(fake.requests[0]!.query).toEqual({ keyword: '補助金', sort: 'created_date', order: 'DESC', acceptance: '0', target_area_search: '鹿児島県' });
  });

  it('a server that refuses the connection is named with the reason, not only "fetch failed"', async () => {
    fake = await FakeJgrants.start();
    const url = fake.url;
    await fake.stop();
    const refused = new JgrantsClient({ baseUrl: url, backoffMs: 5, timeoutMs: 500, attempts: 1 });
    await expect(refused.detail('a0W2x000007CtjqEAC')).rejects.toThrow(/接続できません \(fetch failed: ECONNREFUSED\)/);
  });

  it('reads a detail', async () => {
    fake = await FakeJgrants.start();
    const { detail } = await client().detail('a0W2x000007CtjqEAC');
    expect(detail?.subsidy_rate).toBe('1/2');
  });

  it('refuses a keyword the API would refuse, before sending it', async () => {
    fake = await FakeJgrants.start();
    expect(checkKeyword('補')).toMatch(/2〜255/);
    expect(checkKeyword('補助 金')).toMatch(/空白/);
    expect(checkKeyword('x'.repeat(256))).toMatch(/2〜255/);
    await expect(client().list({ keyword: '補' })).rejects.toThrow(JgrantsRequestError);
    expect(fake.requests).toHaveLength(0);
  });

  it('a 4xx is not retried and its error names the request and the API message', async () => {
    fake = await FakeJgrants.start();
    const error = await client().detail('a0Wnope0000000000A').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JgrantsRequestError);
    expect((error as JgrantsRequestError).status).toBe(404);
    expect((error as Error).message).toContain('GET /v1/public/subsidies/id/a0Wnope0000000000A');
    expect((error as Error).message).toContain('subsidy a0Wnope0000000000A not found');
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 500, 429 and a timeout, then succeeds', async () => {
    fake = await FakeJgrants.start();
    fake.fail('/subsidies?', { status: 500 });
    fake.fail('/subsidies?', { status: 429 });
    fake.fail('/subsidies?', { kind: 'timeout' });
    const { items } = await client({ timeoutMs: 200 }).list({ keyword: '補助金' });
    expect(items.length).toBeGreaterThan(0);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 429, 0, 200]);
  });

  it('gives up after its attempts with an error naming the request and the last failure', async () => {
    fake = await FakeJgrants.start();
    fake.fail('/subsidies?', { status: 503 }, 3);
    const error = await client({ attempts: 3 }).list({ keyword: '補助金' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/3 回試しても.*GET \/v1\/public\/subsidies\?keyword=補助金.*HTTP 503/);
  });

  it('malformed JSON is a format error naming the request (not retried)', async () => {
    fake = await FakeJgrants.start();
    fake.fail('/subsidies?', { kind: 'malformed' });
    await expect(client().list({ keyword: '補助金' })).rejects.toThrow(JgrantsFormatError);
    await expect(client().list({ keyword: '補助金' })).resolves.toBeTruthy();
  });

  it('never sends more than 5 requests in a second, so the API (10/s) never answers 429', async () => {
    fake = await FakeJgrants.start();
    const c = client();
    await Promise.all(Array.from({ length: 12 }, () => c.list({ keyword: '補助金' })));
    expect(fake.requests).toHaveLength(12);
    expect(fake.rateLimited).toBe(0);
    expect(fake.maxPerSecond()).toBeLessThanOrEqual(5);
  });

  it('the fake enforces the 10/s limit (so the test above can fail)', async () => {
    fake = await FakeJgrants.start();
    const c = client({ maxPerSecond: 1000, attempts: 1 });
    const results = await Promise.allSettled(Array.from({ length: 14 }, () => c.list({ keyword: '補助金' })));
    expect(fake.rateLimited).toBeGreaterThan(0);
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
  });
});

describe('the fake enforces the documented rules (so the client tests can fail)', () => {
  it('keyword missing, too short, too long or with a space: 400 {message}; 500: {type, errorCode, title, instance}', async () => {
    fake = await FakeJgrants.start();
    const get = async (query: string) => {
      const r = await fetch(`${fake.url}/v1/public/subsidies${query}`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    for (const q of ['', '?keyword=補', `?keyword=${'x'.repeat(256)}`, '?keyword=%E8%A3%9C%E5%8A%A9%20%E9%87%91', '?keyword=補助金&sort=name']) {
      const r = await get(q);
      expect(r.status, q).toBe(400);
      expect(typeof r.body.message, q).toBe('string');
    }
    expect((await get('?keyword=補助金')).status).toBe(200);
    fake.fail('/subsidies?', { status: 500 });
    expect((await get('?keyword=補助金')).body).toMatchObject({ type: expect.any(String), errorCode: expect.any(String), title: expect.any(String), instance: expect.any(String) });
  });
});

describe('RateLimiter', () => {
  it('lets max requests through at once, queues the rest in order, and counts the window from each answer', async () => {
    const limiter = new RateLimiter(2, 100);
    const order: number[] = [];
    const times: Array<{ start: number; end: number }> = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const release = await limiter.take();
        const start = Date.now();
        order.push(i);
        await new Promise((r) => setTimeout(r, 20)); // the request in flight
        times[i] = { start, end: Date.now() };
        release();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3]);
    // The third request starts a full window after an earlier one was answered.
    expect(times[2]!.start - Math.min(times[0]!.end, times[1]!.end)).toBeGreaterThanOrEqual(100);
  });
});
