import { z } from 'zod';
import { japaneseIssueMessage } from '../../catalog/problem-messages.js';

/**
 * The jGrants public API's answers, checked with zod. Unknown fields are ignored (the API
 * adds fields, collectors add their own), and a malformed item is skipped and reported by
 * its id: one bad record never loses the rest of a list.
 *
 * Field facts (tests/fixtures/jgrants/README.md): times are UTC instants in two forms
 * (`2026-11-13T08:00:00.000Z` in lists, `2024-06-17T08:00Z` in details); areas are
 * `/`-joined; `subsidy_max_limit` uses 0 and 999999999999999 for "not set".
 */

/** `2026-11-13T08:00:00.000Z`, `2024-06-17T08:00Z`, or an explicit offset; null when absent. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = z
  .string()
  .regex(INSTANT, '日時の形式が違います')
  .refine((s) => !Number.isNaN(Date.parse(s)), '日時として読めません')
  .transform((s) => new Date(s).toISOString())
  .nullish();

/**
 * Field sizes past which an item is refused (skipped and reported, like any malformed item)
 * rather than stripped and analysed: real details are tens of kilobytes of HTML, titles a line.
 * What passes is still cut to the catalog's limits by the mapping.
 */
export const FIELD_MAX = { text: 5_000, title: 1_000, detailHtml: 200_000 } as const;
const tooLong = (max: number) => ({ error: (issue: { input?: unknown }) => `長すぎます (${typeof issue.input === 'string' ? issue.input.length.toLocaleString('en-US') : '?'} 文字、上限 ${max.toLocaleString('en-US')} 文字)` });
const text = z.string().max(FIELD_MAX.text, tooLong(FIELD_MAX.text)).nullish();

export const ListItemSchema = z.object({
  id: z.string().min(1).max(100),
  name: text,
  title: z.string().trim().min(1).max(FIELD_MAX.title, tooLong(FIELD_MAX.title)),
  institution_name: text,
  target_area_search: text,
  target_number_of_employees: text,
  subsidy_max_limit: z.number().nonnegative().nullish(),
  acceptance_start_datetime: instant,
  acceptance_end_datetime: instant,
});
export type JgrantsListItem = z.infer<typeof ListItemSchema>;

const WorkflowSchema = z.object({
  target_area_search: text,
  acceptance_start_datetime: instant,
  acceptance_end_datetime: instant,
});

export const DetailSchema = ListItemSchema.extend({
  subsidy_catch_phrase: text,
  detail: z.string().max(FIELD_MAX.detailHtml, tooLong(FIELD_MAX.detailHtml)).nullish(),
  use_purpose: text,
  industry: text,
  subsidy_rate: text,
  front_subsidy_detail_page_url: text,
  /** v2: one entry per application round (area and dates moved here). */
  workflow: z.array(WorkflowSchema).nullish(),
});
export type JgrantsDetail = z.infer<typeof DetailSchema>;

const EnvelopeSchema = z.object({ result: z.array(z.unknown()) });

export interface ItemProblem {
  /** The item's id when it has one, else its position in the list. */
  id: string;
  message: string;
}

export interface Parsed<T> {
  items: T[];
  problems: ItemProblem[];
}

/** Thrown when the answer as a whole is not what the API sends (not JSON, no `result`). */
export class JgrantsFormatError extends Error {
  override name = 'JgrantsFormatError';
}

/** zod's issues in Japanese (as the catalog's are: problem-messages.ts), each with its field. */
function issuesText(error: z.ZodError, item: unknown): string {
  return error.issues.map((i) => `${i.path.join('.') || '(項目)'}: ${japaneseIssueMessage(i, valueAt(item, i.path))}`).join('; ');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<PropertyKey, unknown>)[key] : undefined;
  return at;
}

function parseItems<T>(schema: z.ZodType<T>, raw: unknown[]): Parsed<T> {
  const items: T[] = [];
  const problems: ItemProblem[] = [];
  raw.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else {
      const id = typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string' ? (item as { id: string }).id : `#${index + 1}`;
      problems.push({ id, message: issuesText(parsed.error, item) });
    }
  });
  return { items, problems };
}

function envelope(body: unknown, what: string): unknown[] {
  const parsed = EnvelopeSchema.safeParse(body);
  if (!parsed.success) {
    // Said as what came, not with the catalog's YAML advice (リスト (「- 」で始まる行…) that a
    // schema message gave for {"result": null}; walk-through).
    const result = body !== null && typeof body === 'object' ? (body as { result?: unknown }).result : undefined;
    const got = body === null || typeof body !== 'object' ? `応答が ${body === null ? 'null' : typeof body} です` : result === undefined ? 'result がありません' : `result が ${result === null ? 'null' : typeof result} です`;
    throw new JgrantsFormatError(`${what}: 応答に result の配列がありません (${got})`);
  }
  return parsed.data.result;
}

/** `GET /v1/public/subsidies`: `{metadata, result: [...]}`. */
export function parseList(body: unknown, what = '一覧'): Parsed<JgrantsListItem> {
  return parseItems(ListItemSchema, envelope(body, what));
}

/** `GET /v1|v2/public/subsidies/id/{id}`: the first record of `result`, or its problem. */
export function parseDetail(body: unknown, what = '詳細'): { detail?: JgrantsDetail; problem?: ItemProblem } {
  const { items, problems } = parseItems(DetailSchema, envelope(body, what).slice(0, 1));
  if (items[0]) return { detail: items[0] };
  return { problem: problems[0] ?? { id: what, message: 'result が空です' } };
}
