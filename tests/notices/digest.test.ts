import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import type { Program } from '../../src/catalog/schema.js';
import {
  DIGEST_CAP,
  encodeMoreValue,
  escapeClip,
  MORE_PAGE_SIZE,
  NOTICE_MORE_ACTION,
  parseMoreValue,
  renderDigest,
  renderDigestMore,
  SEARCH_HINT,
} from '../../src/notices/digest.js';
import { formatBudget } from '../../src/render/budget.js';
import { LIMITS, MessageSchema, messageLength, type Message } from '../../src/slack/blocks.js';
import { ACTIONS } from '../../src/slack/render/results.js';
import { CATALOG_DIR, detailButtons, displayed } from './support.js';

const DATE = new Date('2026-11-24T00:00:00Z'); // 09:00 JST

function expectValid(message: Message, label: string): void {
  const parsed = MessageSchema.safeParse(message);
  expect(parsed.success, `${label}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`).toBe(true);
}

const program = (i: number, extra: Partial<Program> = {}): Program => ({
  id: `p-test-${String(i).padStart(4, '0')}`,
  name: `テスト事業${i}`,
  agency: '県産業立地課',
  budgetThousandYen: 1000 + i,
  overview: `テスト事業${i}の概要です。二文目は表示しません。`,
  ...extra,
});

let bundled: Program[];
beforeAll(async () => {
  bundled = (await loadCatalog(CATALOG_DIR)).programs;
});

describe('renderDigest', () => {
  it('one program: a header with the Japanese date and count, then name, agency ｜ budget, a one-line snippet and a 詳細 button', () => {
    const p = bundled.find((x) => x.name === 'トライアル発注・販路開拓支援事業')!;
    const m = renderDigest([p], { date: DATE });
    expectValid(m, 'one');
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '新しく追加された支援事業 (2026年11月24日・1 件)' } });
    const section = m.blocks[1] as { type: 'section'; text: { text: string } };
    expect(section.type).toBe('section');
    const [name, meta, snippet, ...rest] = section.text.text.split('\n');
    expect(name).toBe('*トライアル発注・販路開拓支援事業*');
    expect(meta).toBe(`県産業立地課　｜　${formatBudget(p)}`);
    expect(meta).toContain('540.9万円');
    expect(snippet).toMatch(/^> 県内中小企業等の販路開拓/);
    expect(snippet!.length).toBeLessThanOrEqual(2 + 80);
    expect(rest).toEqual([]);
    expect(detailButtons(m)).toEqual([{ type: 'button', text: { type: 'plain_text', text: '詳細' }, action_id: ACTIONS.details, value: p.id }]);
    expect(ACTIONS.details).toBe('program_details');
    expect(displayed(m)).not.toMatch(/ほか \d+ 件/);
    expect(m.text).toContain('トライアル発注・販路開拓支援事業');
    expect(m.text).toContain('1 件');
  });

  it(`${DIGEST_CAP} programs: all shown in full, each with its own 詳細 button`, () => {
    const programs = bundled.slice(0, DIGEST_CAP);
    const m = renderDigest(programs, { date: DATE });
    expectValid(m, 'cap');
    expect(detailButtons(m).map((b) => b.value)).toEqual(programs.map((p) => p.id));
    expect(displayed(m)).not.toMatch(/ほか \d+ 件/);
    expect((m.blocks[0] as { text: { text: string } }).text.text).toContain(`${DIGEST_CAP} 件`);
  });

  it('the whole bundled catalog (143): the first ones in full, then 「ほか N 件」 with names and how to find them', () => {
    const m = renderDigest(bundled, { date: DATE });
    expectValid(m, 'bundled');
    const shown = detailButtons(m).map((b) => b.value);
    expect(shown).toEqual(bundled.slice(0, shown.length).map((p) => p.id));
    expect(shown.length).toBeGreaterThanOrEqual(10);
    const footer = JSON.stringify(m.blocks.at(-1));
    expect(footer).toContain(`ほか ${bundled.length - shown.length} 件: ${bundled[shown.length]!.name}、`);
    expect(footer).toContain('/支援 &lt;事業名&gt; で検索できます');
    expect((m.blocks[0] as { text: { text: string } }).text.text).toBe('新しく追加された支援事業 (2026年11月24日・143 件)');
  });

  it('200 programs with 5,000-character names and overviews still fit Slack’s limits', () => {
    const huge = Array.from({ length: 200 }, (_, i) =>
      program(i, { name: `巨大な名前${i}`.padEnd(5000, '長'), agency: '機関'.repeat(2000), overview: '概要'.repeat(2500), budgetText: '未定'.repeat(1000), budgetThousandYen: null }),
    );
    const m = renderDigest(huge, { date: DATE });
    expectValid(m, 'huge');
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(messageLength(m.blocks)).toBeLessThanOrEqual(LIMITS.messageChars);
    const shown = detailButtons(m).length;
    expect(shown).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(m.blocks.at(-1))).toContain(`ほか ${200 - shown} 件`);
  });

  it('200 programs whose names are all <>&: escaping cannot push the message past the limits', () => {
    const hostile = Array.from({ length: 200 }, (_, i) => program(i, { name: '<!channel>&'.repeat(400), agency: '<@U123>'.repeat(100), overview: '<!here>'.repeat(100) }));
    const m = renderDigest(hostile, { date: DATE });
    expectValid(m, 'hostile');
    expect(displayed(m)).not.toMatch(/<!channel>|<!here>|<@U123>/);
    expect(m.text).not.toMatch(/<!channel>|<!here>|<@U123>/);
    // No entity is cut in half (an unescaped & would start one).
    expect(displayed(m)).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });

  it('escapes mentions and entities in names, agencies and snippets', () => {
    const m = renderDigest([program(1, { name: '<!channel> 全員集合 & 相談', agency: '<@U999>課', overview: '<https://evil.example|ここ> を押す' })], { date: DATE });
    expectValid(m, 'escape');
    const shown = displayed(m);
    expect(shown).toContain('&lt;!channel&gt; 全員集合 &amp; 相談');
    expect(shown).toContain('&lt;@U999&gt;課');
    expect(shown).toContain('&lt;https://evil.example|ここ&gt;');
    expect(shown).not.toMatch(/<!channel>|<@U999>|<https:/);
  });

  it('a program with no overview and no budget says so instead of inventing one', () => {
    const m = renderDigest([{ id: 'p-bare-001', name: '名前だけの事業', agency: '県' }], { date: DATE });
    expectValid(m, 'bare');
    const text = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(text).toBe('*名前だけの事業*\n県　｜　予算額の記載なし');
  });

  it('refuses an empty list: nothing new means no message', () => {
    expect(() => renderDigest([], { date: DATE })).toThrow(RangeError);
  });
});

/** Blocks as the tests read them. */
type AnyBlock = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string }; elements?: Array<{ action_id?: string; value?: string; text?: string | { text: string } }> };
const blocksOf = (m: Message) => m.blocks as AnyBlock[];
const detailIds = (m: Message) => detailButtons(m).filter((b) => b.action_id === ACTIONS.details).map((b) => b.value);
const moreOf = (m: Message) => detailButtons(m).find((b) => b.action_id === NOTICE_MORE_ACTION);

/** Every page of 「ほか N 件を見る」, following 「次の…件」 from `offset`. */
function pages(programs: readonly Program[], offset: number): Message[] {
  const out: Message[] = [];
  let state = { runId: 42, channel: 'C0TEAM', offset };
  for (let i = 0; i < 100; i++) {
    const m = renderDigestMore(programs, state);
    out.push(m);
    const next = moreOf(m);
    if (!next) return out;
    const parsed = parseMoreValue(next.value);
    expect(parsed).toMatchObject({ runId: 42, channel: 'C0TEAM' });
    state = parsed!;
  }
  throw new Error('paging does not end');
}

describe('the digest’s 「ほか N 件を見る」 button', () => {
  it('the bundled catalog (143) with runId and channel: the 「ほか」 line points at the button, which lists from the first hidden one', () => {
    const m = renderDigest(bundled, { date: DATE, runId: 42, channel: 'C0TEAM' });
    expectValid(m, 'bundled+button');
    const shown = detailIds(m);
    expect(shown).toEqual(bundled.slice(0, shown.length).map((p) => p.id));
    const hidden = bundled.length - shown.length;
    const footer = JSON.stringify(blocksOf(m).at(-2));
    expect(footer).toContain(`ほか ${hidden} 件: ${bundled[shown.length]!.name}、`);
    expect(footer).toContain(`「ほか ${hidden} 件を見る」で残りの ${hidden} 件を一覧できます`);
    expect(displayed(m)).not.toContain('事業名&gt; で検索できます');
    expect(blocksOf(m).at(-1)).toEqual({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: `ほか ${hidden} 件を見る` }, action_id: 'notice_more', value: `42:C0TEAM:${shown.length}` }],
    });
    expect(NOTICE_MORE_ACTION).toBe('notice_more');
  });

  it('no button when everything is shown in full, nor for a caller that does not say which run (the search hint then)', () => {
    const all = renderDigest(bundled.slice(0, 3), { date: DATE, runId: 42, channel: 'C0TEAM' });
    expect(moreOf(all)).toBeUndefined();
    expect(displayed(all)).not.toMatch(/ほか \d+ 件/);
    const old = renderDigest(bundled, { date: DATE });
    expect(moreOf(old)).toBeUndefined();
    expect(JSON.stringify(blocksOf(old).at(-1))).toContain('/支援 &lt;事業名&gt; で検索できます');
    expect(SEARCH_HINT).toBe('/支援 <事業名> で検索できます');
  });

  it('200 hostile or huge programs with the button: still within Slack’s limits, nothing unescaped', () => {
    const hostile = Array.from({ length: 200 }, (_, i) => program(i, { name: '<!channel>&'.repeat(400), agency: '<@U123>'.repeat(100), overview: '&'.repeat(3000) }));
    const m = renderDigest(hostile, { date: DATE, runId: 2 ** 40, channel: 'C0TEAMWITHALONGID' });
    expectValid(m, 'hostile+button');
    expect(displayed(m)).not.toMatch(/<!channel>|<@U123>/);
    expect(displayed(m)).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(parseMoreValue(moreOf(m)!.value)).toEqual({ runId: 2 ** 40, channel: 'C0TEAMWITHALONGID', offset: detailIds(m).length });
  });
});

describe('parseMoreValue', () => {
  it('reads back what encodeMoreValue wrote; a value without an offset lists from the start', () => {
    expect(encodeMoreValue({ runId: 7, channel: 'C0123ABC', offset: 15 })).toBe('7:C0123ABC:15');
    expect(parseMoreValue('7:C0123ABC:15')).toEqual({ runId: 7, channel: 'C0123ABC', offset: 15 });
    expect(parseMoreValue('7:G0123ABC')).toEqual({ runId: 7, channel: 'G0123ABC', offset: 0 });
  });

  it('refuses anything else (the value comes back in a request anyone could craft)', () => {
    for (const bad of ['', '7', '0:C0123:0', '-1:C0123:0', '07:C0123:0', 'x:C0123:0', '7:c0123:0', '7:U0123:0', '7:C0123:-1', '7:C0123:1.5', '7:C0123:1:2', '7:C0123:', ' 7:C0123:0', '{"runId":7}', `7:C${'A'.repeat(2000)}:0`, '1e3:C0123:0']) {
      expect(parseMoreValue(bad), bad).toBeUndefined();
    }
  });
});

describe('escapeClip', () => {
  it('counts after escaping and never cuts inside an entity', () => {
    expect(escapeClip('a & b', 9)).toBe('a &amp; b');
    expect(escapeClip('a & b', 8)).toBe('a &amp;…');
    expect(escapeClip('a & b', 6)).toBe('a…');
    expect(escapeClip('&&&&&&&&', 12)).toBe('&amp;&amp;…');
    expect(escapeClip('  多い\n 空白  ', 10)).toBe('多い 空白');
    for (let max = 2; max < 40; max++) {
      const out = escapeClip('<!here>&<@U1>&&x', max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(/&(?!amp;|lt;|gt;)|<|>/);
    }
  });
});

describe('renderDigestMore', () => {
  it('from the first hidden program of the bundled catalog: 40 per message, name, agency ｜ budget and 詳細, then 「次の40件」', () => {
    const m = renderDigestMore(bundled, { runId: 42, channel: 'C0TEAM', offset: 15 });
    expectValid(m, 'more');
    expect(blocksOf(m)[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '新しく追加された支援事業 16〜55 件目 (全 143 件)' } });
    expect(detailIds(m)).toEqual(bundled.slice(15, 15 + MORE_PAGE_SIZE).map((p) => p.id));
    const first = bundled[15]!;
    expect(blocksOf(m)[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${escapeClip(first.name, 150)}*\n${escapeClip(first.agency, 60)}　｜　${formatBudget(first)}` },
      accessory: { type: 'button', text: { type: 'plain_text', text: '詳細' }, action_id: 'program_details', value: first.id },
    });
    expect(blocksOf(m).at(-1)).toEqual({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: '次の40件' }, action_id: 'notice_more', value: '42:C0TEAM:55' }],
    });
    expect(m.text).toBe('新しく追加された支援事業 16〜55 件目 (全 143 件)');
  });

  it('following 「次の…件」 lists every hidden program once, in order, and the last page has no button', () => {
    const all = pages(bundled, 15);
    expect(all).toHaveLength(4);
    all.forEach((m, i) => expectValid(m, `page ${i}`));
    expect(all.flatMap(detailIds)).toEqual(bundled.slice(15).map((p) => p.id));
    expect(moreOf(all.at(-1)!)).toBeUndefined();
    expect(JSON.stringify(moreOf(all.at(-2)!))).toContain('次の8件');
  });

  it('200 huge, hostile programs: every page within Slack’s limits, everything escaped, no entity cut, none lost', () => {
    const hostile = Array.from({ length: 200 }, (_, i) =>
      program(i, { name: `${i}:` + '<!channel>&'.repeat(400), agency: '&'.repeat(2000), budgetText: '<@U123>'.repeat(500), budgetThousandYen: null }),
    );
    const all = pages(hostile, 0);
    for (const [i, m] of all.entries()) {
      expectValid(m, `hostile page ${i}`);
      expect(displayed(m)).not.toMatch(/<!channel>|<@U123>/);
      expect(displayed(m)).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(blocksOf(m).length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      expect(messageLength(m.blocks)).toBeLessThanOrEqual(LIMITS.messageChars);
      for (const b of blocksOf(m).filter((x) => x.type === 'section')) {
        const [name, meta] = b.text!.text.split('\n');
        expect(name!.length).toBeLessThanOrEqual(150 + 2);
        expect(meta!.length).toBeLessThanOrEqual(60 + 3 + 60);
      }
    }
    expect(all.flatMap(detailIds)).toEqual(hostile.map((p) => p.id));
    expect(detailIds(all[0]!).length).toBeGreaterThanOrEqual(5);
  });

  it('an offset past the end or a run whose programs are gone: a line saying so, not an error', () => {
    const end = renderDigestMore(bundled.slice(0, 3), { runId: 1, channel: 'C0TEAM', offset: 99 });
    expectValid(end, 'end');
    expect(displayed(end)).toContain('全 3 件');
    const gone = renderDigestMore([], { runId: 1, channel: 'C0TEAM', offset: 0 });
    expectValid(gone, 'gone');
    expect(moreOf(gone)).toBeUndefined();
    const negative = renderDigestMore(bundled.slice(0, 3), { runId: 1, channel: 'C0TEAM', offset: -5 });
    expect(detailIds(negative)).toEqual(bundled.slice(0, 3).map((p) => p.id));
  });
});
