/**
 * Property test (fast-check): thousands of random strings — any code point, lone surrogate
 * halves, C0/C1 controls, combining marks, emoji, mrkdwn specials, query syntax, Japanese
 * words, and long runs of one character — thrown at both analysers, at the search engine on
 * both paths (kuromoji, and the prebuilt index's lexicon) and at the renderers (text and Slack).
 * Nothing may throw; every Slack answer is valid Block Kit that pings nobody; and the work per
 * query is bounded: the query searched is within the limits, and kuromoji never sees more than
 * MAX_SEGMENT characters at once nor, per query, more than a few times the query limit.
 * (Time itself is measured by `npm run bench`, hostile queries; tests never assert timings.)
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KuromojiAnalyzer, loadAnalyzer, MAX_SEGMENT } from '../../src/search/analyzer.js';
import { LexiconAnalyzer } from '../../src/search/lexicon-analyzer.js';
import { MAX_QUERY_CHARS, withoutControls } from '../../src/search/query-bounds.js';
import { renderResponseText, SHORTENED_NOTE } from '../../src/render/text.js';
import { MessageSchema } from '../../src/slack/blocks.js';
import { decodePageState, renderResults } from '../../src/slack/render/results.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines } from '../search/support.js';

const char = (from: number, to: number) => fc.integer({ min: from, max: to }).map((c) => String.fromCharCode(c));

/** One piece of a hostile string. */
const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }), // any code point, controls included
  fc.string({ unit: 'grapheme', maxLength: 10 }), // emoji sequences, combining marks
  char(0xd800, 0xdfff), // a surrogate half on its own
  fc.oneof(char(0x00, 0x1f), char(0x7f, 0x9f)), // C0 and C1 controls
  char(0x300, 0x36f), // combining marks
  fc.constantFrom('<!channel>', '<!here>', '<@U0123>', '<#C0123|general>', '<http://example.com|link>', '&', '&amp;', '&lt;', '<', '>', '*', '_', '~', '`', '```'),
  fc.constantFrom('創業', '事業承継', '補助金', 'お金を借りたい', 'ドローン', 'ＤＸ', 'ｶﾞ', 'そうぎょう', 'M&A', 'IT導入', ' ', '　', '\n', '、', '。'),
  fc.constantFrom('機関:', '機関:ジェトロ', '予算:', '予算:1000万以上', '重点:', '重点:3', '目的:', '目的:資金繰り', '"', '「', '」', ':'),
  fc.constantFrom('👩‍👩‍👧‍👦', '🇯🇵', '😀', '\u200b', '\ufeff', '\ufffe', '\uffff', 'İ', 'ß', 'ﷺ', '㍿'),
);

/** A run of one piece: long enough to have crashed kuromoji (its cost grew with the square). */
const run = (maxLength: number) => fc.tuple(fc.oneof(char(0x20, 0x7e), char(0x3041, 0x3096), char(0x30a1, 0x30fa), char(0x4e00, 0x4fff), fc.constant('😀'), char(0, 0x1f)), fc.integer({ min: 50, max: maxLength })).map(([c, n]) => c.repeat(n));

/** A hostile string: pieces and runs, concatenated. */
const hostile = (maxRun: number) => fc.array(fc.oneof({ weight: 4, arbitrary: piece }, { weight: 1, arbitrary: run(maxRun) }), { maxLength: 30 }).map((parts) => parts.join(''));

const codePoints = (s: string) => [...s].length;
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/;
const LONE_SURROGATE = /\p{Surrogate}/u;

let analyzer: KuromojiAnalyzer;
let engines: Engines;
let lexicon: LexiconAnalyzer;
/** Lengths of the texts given to kuromoji's tokenizer since the last reset. */
let tokenized: number[] = [];

beforeAll(async () => {
  analyzer = await loadAnalyzer();
  const tokenizer = (analyzer as unknown as { tokenizer: { tokenize(text: string): unknown[] } }).tokenizer;
  const tokenize = tokenizer.tokenize.bind(tokenizer);
  tokenizer.tokenize = (text: string) => {
    tokenized.push(text.length);
    return tokenize(text);
  };
  engines = await bundledEngines(analyzer);
  lexicon = new LexiconAnalyzer(engines.kuromoji.toJSON().lexicon);
}, ANALYZER_TIMEOUT);

describe('the analysers, on any text', () => {
  it('never throw, give words without controls, and feed kuromoji at most MAX_SEGMENT characters at once', () => {
    fc.assert(
      fc.property(hostile(1_000), (text) => {
        tokenized = [];
        const analysed = analyzer.analyze(text);
        const units = [...analyzer.units(text), ...lexicon.units(text)];
        for (const term of [...analysed.terms, ...units.map((u) => u.term)]) {
          expect(term).not.toBe('');
          expect(term).not.toMatch(CONTROL);
          expect(term).not.toMatch(LONE_SURROGATE);
        }
        expect(Math.max(0, ...tokenized)).toBeLessThanOrEqual(MAX_SEGMENT);
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});

describe.each(ENGINE_KINDS)('search on the %s path, and its answers', (kind) => {
  it('never throws; the query searched is within the limits; both renderers answer, Slack with valid blocks that ping nobody', () => {
    fc.assert(
      fc.property(hostile(50_000), (raw) => {
        tokenized = [];
        const response = engines[kind].search(raw, { limit: 5 });

        // Bounded: what was searched, and what kuromoji was given for it.
        expect(codePoints(response.query)).toBeLessThanOrEqual(MAX_QUERY_CHARS);
        expect(response.query).not.toMatch(CONTROL);
        expect(response.query).not.toMatch(LONE_SURROGATE);
        const cleaned = withoutControls(raw).replace(/\s+/g, ' ').trim().normalize('NFKC');
        if (codePoints(cleaned) > MAX_QUERY_CHARS) expect(response.shortened).toBe(true);
        expect(Math.max(0, ...tokenized)).toBeLessThanOrEqual(MAX_SEGMENT);
        // Read for the search and again for suggestions; lower-casing may lengthen a little.
        expect(tokenized.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4 * MAX_QUERY_CHARS);

        const text = renderResponseText(response, 5);
        expect(text.includes(SHORTENED_NOTE)).toBe(response.shortened);

        const message = renderResults(response);
        const parsed = MessageSchema.safeParse(message);
        expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
        // What Slack parses as mrkdwn holds no mention (<!channel>, <@U…>) and no raw < or >.
        const shown = JSON.stringify(message, (key, value: unknown) => (key === 'value' ? undefined : value));
        expect(shown).not.toMatch(/<[!@#]/);
        expect(JSON.stringify(message).includes(SHORTENED_NOTE)).toBe(response.shortened);
        // A paging button carries the query as searched.
        for (const block of message.blocks) {
          if (block.type !== 'actions') continue;
          for (const element of block.elements) {
            if (element.type === 'button' && element.action_id.startsWith('results_page')) expect(decodePageState(element.value ?? '')?.q).toBe(response.query);
          }
        }
      }),
      { numRuns: 1_500 },
    );
  }, 180_000);
});
