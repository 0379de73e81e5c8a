import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.js';
import type { Program } from '../../src/catalog/schema.js';
import { DIGEST_CAP, renderDigest } from '../../src/notices/digest.js';
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
