/**
 * A fake jGrants API on 127.0.0.1 for the tests (network is off). It serves the recorded
 * payloads of tests/fixtures/jgrants/ (and whatever a test adds) and enforces the real API's
 * rules as documented in that README:
 * - `keyword` is required, 2–255 characters, no spaces (400 `{message}` otherwise);
 * - `sort`, `order`, `acceptance` take only their documented values;
 * - more than 10 requests in a rolling second are answered 429;
 * - errors: 4xx `{message}`, 500 `{type, errorCode, title, instance}`.
 * Faults (500, 429, a timeout, malformed JSON) can be queued for the next matching requests.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/jgrants');

export type Item = Record<string, unknown> & { id: string };

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

/** The 10 recorded Kagoshima list items and the 4 others. */
export const KAGOSHIMA_ITEMS = () => fixture<Item[]>('jgrants_v1_list_result_items_kagoshima.json');
export const MISC_ITEMS = () => fixture<Item[]>('jgrants_v1_list_result_items_misc_with_collector_field.json');
export const KAGOSHIMA_DETAIL = () => fixture<Item>('jgrants_v1_detail_record_a0W2x000007CtjqEAC_kagoshima.json');
export const V2_DETAIL = () => fixture<{ result: Item[] }>('jgrants_v2_detail_response_a0WJ200000CDeUWMA1.json').result[0]!;

export type Fault = { status: 500 | 502 | 503 | 429 | 400 | 404 } | { kind: 'timeout' } | { kind: 'malformed' } | { kind: 'body'; body: unknown };

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  at: number;
  status: number;
}

const REGIONS: Record<string, string[]> = {
  '九州・沖縄地方': ['福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県'],
};

const splitAreas = (v: unknown) => (typeof v === 'string' ? v.split('/').map((s) => s.trim()).filter(Boolean) : []);

export class FakeJgrants {
  /** List items served, by id (a test may add, change or remove them between syncs). */
  readonly items = new Map<string, Item>();
  /** Detail records by id; an item without one gets its list fields as its detail. */
  readonly details = new Map<string, Item>();
  readonly requests: RecordedRequest[] = [];
  /** Requests the rate limit refused. */
  rateLimited = 0;
  private readonly faults: Array<{ match: (p: string) => boolean; fault: Fault }> = [];
  private readonly held = new Set<http.ServerResponse>();
  private readonly server: http.Server;
  private recent: number[] = [];
  url = '';
  /** Each answer is sent this long after its request arrived (a slow API; tests that need overlap). */
  delayMs = 0;

  constructor(options: { limitPerSecond?: number } = {}) {
    const limit = options.limitPerSecond ?? 10;
    this.server = http.createServer((req, res) => this.handle(req, res, limit));
  }

  static async start(options: { limitPerSecond?: number; items?: Item[]; details?: Item[] } = {}): Promise<FakeJgrants> {
    const fake = new FakeJgrants(options);
    for (const item of options.items ?? [...KAGOSHIMA_ITEMS(), ...MISC_ITEMS()]) fake.items.set(item.id, item);
    for (const d of options.details ?? [KAGOSHIMA_DETAIL(), V2_DETAIL()]) fake.details.set(d.id, d);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}/exp`;
    return fake;
  }

  /** The next `times` requests whose path contains `pathPart` get `fault`. */
  fail(pathPart: string, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ match: (p) => p.includes(pathPart), fault });
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The most requests that arrived within any rolling second. */
  maxPerSecond(): number {
    let max = 0;
    const times = this.requests.map((r) => r.at);
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      max = Math.max(max, i - j + 1);
    }
    return max;
  }

  private send(res: http.ServerResponse, rec: RecordedRequest, status: number, body: unknown): void {
    if (this.delayMs > 0) {
      setTimeout(() => this.sendNow(res, rec, status, body), this.delayMs);
      return;
    }
    this.sendNow(res, rec, status, body);
  }

  private sendNow(res: http.ServerResponse, rec: RecordedRequest, status: number, body: unknown): void {
    rec.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, limit: number): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rec: RecordedRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), at: Date.now(), status: 0 };
    this.requests.push(rec);
    const now = Date.now();
    this.recent = this.recent.filter((t) => now - t < 1000);
    this.recent.push(now);
    if (this.recent.length > limit) {
      this.rateLimited++;
      return this.send(res, rec, 429, { message: 'Too Many Requests' });
    }
    const i = this.faults.findIndex((f) => f.match(`${url.pathname}${url.search}`));
    if (i >= 0) {
      const { fault } = this.faults.splice(i, 1)[0]!;
      if ('status' in fault) {
        const body =
          fault.status >= 500
            ? { type: 'about:blank', errorCode: 'INTERNAL_SERVER_ERROR', title: 'Internal Server Error', instance: url.pathname }
            : { message: fault.status === 429 ? 'Too Many Requests' : 'fault injected' };
        return this.send(res, rec, fault.status, body);
      }
      if (fault.kind === 'timeout') {
        this.held.add(res); // never answered; destroyed at stop
        return;
      }
      if (fault.kind === 'malformed') return this.send(res, rec, 200, '{"metadata": {"type": "x"}, "result": [{"id": ');
      return this.send(res, rec, 200, fault.body);
    }
    if (req.method !== 'GET') return this.send(res, rec, 405, { message: 'Method Not Allowed' });
    const detail = /^\/exp\/v[12]\/public\/subsidies\/id\/([^/]+)$/.exec(url.pathname);
    if (detail) return this.detail(res, rec, decodeURIComponent(detail[1]!));
    if (url.pathname === '/exp/v1/public/subsidies') return this.list(res, rec, url.searchParams);
    return this.send(res, rec, 404, { message: 'Not Found' });
  }

  private list(res: http.ServerResponse, rec: RecordedRequest, q: URLSearchParams): void {
    const keyword = q.get('keyword');
    if (keyword === null) return this.send(res, rec, 400, { message: 'keyword is required' });
    const length = [...keyword].length;
    if (length < 2 || length > 255) return this.send(res, rec, 400, { message: 'keyword must be between 2 and 255 characters' });
    if (/[\s\u3000]/.test(keyword)) return this.send(res, rec, 400, { message: 'keyword must not contain spaces' });
    const sort = q.get('sort');
    if (sort !== null && !['created_date', 'acceptance_start_datetime', 'acceptance_end_datetime'].includes(sort)) return this.send(res, rec, 400, { message: 'invalid sort' });
    const order = q.get('order');
    if (order !== null && !['ASC', 'DESC'].includes(order)) return this.send(res, rec, 400, { message: 'invalid order' });
    const acceptance = q.get('acceptance');
    if (acceptance !== null && !['0', '1'].includes(acceptance)) return this.send(res, rec, 400, { message: 'invalid acceptance' });
    const area = q.get('target_area_search');
    const result = [...this.items.values()].filter((item) => {
      const detail = this.details.get(item.id);
      const text = [item.title, detail?.subsidy_catch_phrase, detail?.detail].filter((v) => typeof v === 'string').join('\n');
      if (!text.includes(keyword)) return false;
      if (area) {
        const areas = splitAreas(item.target_area_search);
        if (!areas.includes(area) && !(REGIONS[area] ?? []).some((p) => areas.includes(p))) return false;
      }
      if (acceptance === '1') {
        const now = Date.now();
        const start = Date.parse(String(item.acceptance_start_datetime));
        const end = Date.parse(String(item.acceptance_end_datetime));
        if (!(start <= now && now <= end)) return false;
      }
      return true;
    });
    this.send(res, rec, 200, { metadata: { type: 'https://developers.digital.go.jp/documents/jgrants/api/', resultset: { count: result.length } }, result });
  }

  private detail(res: http.ServerResponse, rec: RecordedRequest, id: string): void {
    const item = this.items.get(id);
    const detail = this.details.get(id) ?? item;
    if (!detail) return this.send(res, rec, 404, { message: `subsidy ${id} not found` });
    this.send(res, rec, 200, { metadata: { type: 'https://developers.digital.go.jp/documents/jgrants/api/', resultset: { count: 1 } }, result: [detail] });
  }
}
