import { JgrantsFormatError, parseDetail, parseList, type ItemProblem, type JgrantsDetail, type JgrantsListItem } from './parser.js';

/**
 * The jGrants public API (デジタル庁): `GET /v1/public/subsidies` (a keyword search) and
 * `GET /v1/public/subsidies/id/{id}` (one program). Plain query strings, no paging.
 *
 * Politeness and robustness, because the API publishes a limit of 10 requests per second
 * and answers 429 past it: at most `maxPerSecond` (5) requests start in any second, retries
 * included; 5xx, 429 and timeouts are retried with exponential backoff (Retry-After is
 * honoured when it is shorter than the cap); a 4xx is not retried and its error names the
 * request and the API's message.
 */

export const DEFAULT_JGRANTS_API_URL = 'https://api.jgrants-portal.go.jp/exp';

export interface JgrantsClientOptions {
  /** JGRANTS_API_URL; the default is the public API. */
  baseUrl?: string;
  /** Per request (default 20 s). */
  timeoutMs?: number;
  /** Attempts per request, the first included (default 4). */
  attempts?: number;
  /** First backoff (default 1 s), doubled per attempt, with jitter. */
  backoffMs?: number;
  /** Longest single wait between attempts (default 30 s). */
  maxBackoffMs?: number;
  /** Requests started per rolling second (default 5: half the published limit). */
  maxPerSecond?: number;
  fetch?: typeof fetch;
}

export interface ListQuery {
  keyword: string;
  /** target_area_search: 全国, a 地方 (九州・沖縄地方) or a prefecture (鹿児島県). */
  area?: string;
  /** 0: all, 1: accepting now. */
  acceptance?: 0 | 1;
}

/** A request that failed for good; `request` is the method and path with its query (safe to print). */
export class JgrantsRequestError extends Error {
  override name = 'JgrantsRequestError';
  constructor(
    message: string,
    readonly request: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** keyword must be 2–255 characters without spaces (the API refuses others with 400). */
export function checkKeyword(keyword: string): string | undefined {
  const length = [...keyword].length;
  if (length < 2 || length > 255) return `キーワード「${keyword}」は 2〜255 文字で指定してください`;
  if (/[\s\u3000]/.test(keyword)) return `キーワード「${keyword}」に空白は使えません`;
  return undefined;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * At most `max` requests in any rolling window of `windowMs`, as the server sees them. A slot
 * is held from the start of a request until `windowMs` after its answer (not after its
 * start): a request can reach the server late (a new connection), and counting from the
 * start would let it arrive in the same second as the next batch. Callers queue in order.
 */
export class RateLimiter {
  /** Per slot in use: when it frees (Infinity while its request is in flight). */
  private readonly busyUntil: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly max: number,
    private readonly windowMs = 1000,
  ) {}

  /** Waits for a slot; call the returned function when the request has been answered (or failed). */
  take(): Promise<() => void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        for (let i = this.busyUntil.length - 1; i >= 0; i--) if (this.busyUntil[i]! <= now) this.busyUntil.splice(i, 1);
        if (this.busyUntil.length < this.max) {
          this.busyUntil.push(Infinity);
          let released = false;
          return () => {
            if (released) return;
            released = true;
            // Slots in flight are interchangeable: free any one of them.
            this.busyUntil[this.busyUntil.indexOf(Infinity)] = Date.now() + this.windowMs + 1;
          };
        }
        const next = Math.min(...this.busyUntil);
        // Every slot in flight: wait a little and look again (a release frees one).
        await sleep(Number.isFinite(next) ? next - now : 10);
      }
    });
    this.queue = turn.then(() => undefined);
    return turn;
  }
}

export class JgrantsClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly limiter: RateLimiter;
  private readonly fetchImpl: typeof fetch;
  /** Requests sent (attempts, retries included), for the sync summary. */
  requests = 0;

  constructor(options: JgrantsClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_JGRANTS_API_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.attempts = Math.max(1, options.attempts ?? 4);
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.limiter = new RateLimiter(options.maxPerSecond ?? 5);
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Programs matching a keyword (and an area); malformed items are skipped and returned as problems. */
  async list(query: ListQuery): Promise<{ items: JgrantsListItem[]; problems: ItemProblem[] }> {
    const invalid = checkKeyword(query.keyword);
    if (invalid) throw new JgrantsRequestError(invalid, `GET /v1/public/subsidies?keyword=${query.keyword}`);
    const params = new URLSearchParams({ keyword: query.keyword, sort: 'created_date', order: 'DESC', acceptance: String(query.acceptance ?? 0) });
    if (query.area) params.set('target_area_search', query.area);
    const path = `/v1/public/subsidies?${params}`;
    const body = await this.getJson(path);
    return parseList(body, describe(path));
  }

  /** One program's detail, or its problem when the record is malformed. */
  async detail(id: string): Promise<{ detail?: JgrantsDetail; problem?: ItemProblem }> {
    const path = `/v1/public/subsidies/id/${encodeURIComponent(id)}`;
    const parsed = parseDetail(await this.getJson(path), describe(path));
    if (parsed.problem) parsed.problem.id = id;
    return parsed;
  }

  /** GET with the rate limit, the timeout and the retries; the parsed JSON body. */
  private async getJson(path: string): Promise<unknown> {
    const request = describe(path);
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const release = await this.limiter.take();
      this.requests++;
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(`${this.baseUrl}${path}`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
        text = await response.text();
      } catch (error) {
        release();
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        lastError = timedOut ? `${this.timeoutMs} ms 以内に応答がありません` : `接続できません (${connectionProblem(error)})`;
        if (attempt < this.attempts) await sleep(this.backoff(attempt));
        continue;
      }
      release();
      if (response.ok) {
        try {
          return JSON.parse(text);
        } catch {
          throw new JgrantsFormatError(`${request}: 応答が JSON ではありません (先頭: ${JSON.stringify(text.slice(0, 60))})`);
        }
      }
      const message = errorMessage(text);
      if (!RETRYABLE(response.status)) {
        throw new JgrantsRequestError(`jGrants API がリクエストを受け付けませんでした: HTTP ${response.status} ${request}${message ? ` (${message})` : ''}`, request, response.status);
      }
      lastError = `HTTP ${response.status}${message ? ` (${message})` : ''}`;
      if (attempt < this.attempts) await sleep(this.backoff(attempt, response.headers.get('retry-after')));
    }
    throw new JgrantsRequestError(`jGrants API から ${this.attempts} 回試しても応答を得られませんでした: ${request}: ${lastError}`, request);
  }

  private backoff(attempt: number, retryAfter?: string | null): number {
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, this.maxBackoffMs);
    const base = Math.min(this.backoffMs * 2 ** (attempt - 1), this.maxBackoffMs);
    return base / 2 + Math.random() * (base / 2);
  }
}

/** `GET /v1/public/subsidies?keyword=補助金&…` with the query decoded, for messages. */
function describe(path: string): string {
  try {
    return `GET ${decodeURIComponent(path)}`;
  } catch {
    return `GET ${path}`;
  }
}

/** The API's error text: 4xx `{message}`, 500 `{type, errorCode, title, instance}`; bounded. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.message, body.errorCode, body.title].filter((v): v is string => typeof v === 'string' && v.length > 0);
    return parts.join(' ').slice(0, 200);
  } catch {
    return text.replace(/\s+/g, ' ').trim().slice(0, 200);
  }
}

/** fetch's own message is 'fetch failed'; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause's. */
function connectionProblem(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return reason ? `${error.message}: ${reason}` : error.message;
}
