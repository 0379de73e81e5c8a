import { describe, expect, it } from 'vitest';
import { htmlToLines } from '../../../src/sources/html.js';
import { bracketBody, looksLikeProgramName, maxAmount, OVERVIEW_MAX, splitList, toProgram } from '../../../src/sources/jgrants/mapping.js';
import { FIELD_MAX, parseDetail, parseList } from '../../../src/sources/jgrants/parser.js';
import { daysUntilDeadline, describePeriod, formatJst, toJstIso } from '../../../src/sources/period.js';
import { creditOf } from '../../../src/sources/program.js';
import { KAGOSHIMA_DETAIL, KAGOSHIMA_ITEMS, MISC_ITEMS, V2_DETAIL } from './support/fake-jgrants.js';

const NOW = new Date('2026-11-27T03:00:00Z'); // 2026-11-27 12:00 JST
const envelope = (result: unknown[]) => ({ metadata: { type: 'x', resultset: { count: result.length } }, result });

function detailOf(record: unknown) {
  const { detail, problem } = parseDetail(envelope([record]));
  if (!detail) throw new Error(problem?.message);
  return detail;
}

describe('jGrants parser', () => {
  it('reads the recorded list items, ignoring fields the API does not document (matched_keywords)', () => {
    const { items, problems } = parseList(envelope([...KAGOSHIMA_ITEMS(), ...MISC_ITEMS()]));
    expect(problems).toEqual([]);
    expect(items).toHaveLength(14);
    expect(items[0]).not.toHaveProperty('matched_keywords');
  });

  it('skips a malformed item and reports it by id; the others are kept', () => {
    const [a, b, c] = KAGOSHIMA_ITEMS();
    const broken = { ...b!, title: undefined };
    const badDate = { ...c!, acceptance_end_datetime: '来年3月' };
    const { items, problems } = parseList(envelope([a, broken, badDate, 'not an object']));
    expect(items.map((i) => i.id)).toEqual([a!.id]);
    expect(problems.map((p) => p.id)).toEqual([b!.id, c!.id, '#4']);
    expect(problems[1]!.message).toContain('acceptance_end_datetime');
  });

  it('refuses an answer without a result array as a whole', () => {
    expect(() => parseList({ message: 'x' })).toThrow('一覧: 応答に result の配列がありません (result がありません)');
    // Said as what came, not with the catalog's YAML advice (リスト (「- 」で始まる行…).
    expect(() => parseList({ result: null })).toThrow('一覧: 応答に result の配列がありません (result が null です)');
    expect(() => parseList({ result: 'x' })).toThrow('(result が string です)');
    expect(() => parseList(null)).toThrow('(応答が null です)');
    expect(() => parseList({ result: null })).not.toThrow(/「- 」/);
  });

  it('reads both date forms as the same instants (list .000Z, detail without seconds)', () => {
    const list = parseList(envelope([KAGOSHIMA_ITEMS()[4]])).items[0]!;
    const detail = detailOf(KAGOSHIMA_DETAIL());
    expect(list.id).toBe(detail.id);
    expect(detail.acceptance_end_datetime).toBe(list.acceptance_end_datetime);
    expect(detail.acceptance_end_datetime).toBe('2024-06-17T08:00:00.000Z');
  });
});

describe('jGrants mapping', () => {
  it('maps the recorded 鹿児島県 detail: id, period, amount, purposes, contact and reference URL as printed', () => {
    const item = parseList(envelope([KAGOSHIMA_ITEMS()[4]])).items[0]!;
    const p = toProgram(item, detailOf(KAGOSHIMA_DETAIL()), NOW);
    expect(p.id).toBe('jg-a0W2x000007CtjqEAC');
    expect(p.name).toBe('【鹿児島県】令和６年度_中小企業等海外展開支援事業費補助金 （海外出願支援事業）');
    // institution_name holds a program's name here, not a body: the agency is the 問合せ先's organisation.
    expect(p.agency).toBe('公益財団法人かごしま産業支援センター');
    expect(p.purposes).toEqual(['販路拡大・海外展開をしたい']);
    expect(p.overview?.startsWith('【鹿児島県】海外出願補助金\n■目的・概要\n中小企業の戦略的な外国出願を促進するため')).toBe(true);
    expect(p.overview).not.toMatch(/<|style=/);
    const i = p.imported;
    expect(i.acceptance).toEqual({ start: '2024-05-28T03:00:00.000Z', end: '2024-06-17T08:00:00.000Z' });
    expect(i.maxAmountYen).toBe(3_000_000);
    expect(i.subsidyRate).toBe('1/2');
    expect(i.areas).toEqual(['鹿児島県']);
    expect(i.employees).toBe('300名以下');
    expect(i.industries).toContain('製造業');
    expect(i.url).toBe('https://www.jgrants-portal.go.jp/subsidy/a0W2x000007CtjqEAC');
    expect(i.contact).toEqual({
      desk: '公益財団法人かごしま産業支援センター\u3000産業振興課：二宮',
      address: '〒892-0821\u3000鹿児島市名山町９番１号\u3000鹿児島県産業会館２階',
      phone: '099-219-1272',
      email: 'ikusei@kisc.or.jp',
    });
    expect(i.referenceUrls).toEqual(['https://www.kisc.or.jp/cat-sangyou/60973/']);
    expect(i.shortened).toBeUndefined();
    expect(creditOf(p)).toBe('出典：Jグランツ（jGrants）');
  });

  it('reads markup in the rate and the employee count as text (it reached the card as 2/3<br>…, 20名以下&nbsp;)', () => {
    const item = parseList(envelope([KAGOSHIMA_ITEMS()[4]])).items[0]!;
    const detail = detailOf({ ...KAGOSHIMA_DETAIL(), subsidy_rate: '2/3<br>（小規模事業者は3/4）', target_number_of_employees: '20名以下&nbsp;' });
    const p = toProgram(item, detail, NOW);
    expect(p.imported.subsidyRate).toBe('2/3 （小規模事業者は3/4）');
    expect(p.imported.employees).toBe('20名以下');
    // Markup alone is no value at all.
    expect(toProgram(item, detailOf({ ...KAGOSHIMA_DETAIL(), subsidy_rate: '<br>' }), NOW).imported.subsidyRate).toBeUndefined();
  });

  it('maps a v2 detail: area and dates from its workflow round, the contact with tel and fax on one line', () => {
    const d = detailOf(V2_DETAIL());
    const p = toProgram(d, d, NOW);
    expect(p.imported.areas).toEqual(['岡山県']);
    expect(p.imported.acceptance).toEqual({ start: '2026-08-16T15:00:00.000Z', end: '2026-09-04T08:00:00.000Z' });
    expect(p.imported.contact).toEqual({
      desk: '公益財団法人岡山県産業振興財団\u3000（担当\u3000美甘、末廣）',
      address: '〒701-1221 岡山市北区芳賀 5301（テクノサポート岡山 3F）',
      phone: '086-286-9711',
      email: 'gchizai@optic.or.jp',
    });
    expect(p.imported.referenceUrls).toEqual(['https://www.optic.or.jp/enterprise/enterprise_detail/index/470.html']);
  });

  it('a list item alone: no contact, no overview, the agency from the title when institution_name is null', () => {
    const item = parseList(envelope([KAGOSHIMA_ITEMS()[0]])).items[0]!;
    const p = toProgram(item, undefined, NOW);
    expect(p.agency).toBe('鹿児島県');
    expect(p.overview).toBeUndefined();
    expect(p.imported.contact).toBeUndefined();
    expect(p.imported.url).toBe('https://www.jgrants-portal.go.jp/subsidy/a0WJ200000CDZXbMAP');
  });

  it('subsidy_max_limit 0 and 999999999999999 mean not set', () => {
    expect(maxAmount(0)).toBeUndefined();
    expect(maxAmount(999_999_999_999_999)).toBeUndefined();
    expect(maxAmount(null)).toBeUndefined();
    expect(maxAmount(6_000_000)).toBe(6_000_000);
    const nationwide = parseList(envelope([KAGOSHIMA_ITEMS()[9]])).items[0]!;
    expect(toProgram(nationwide, undefined, NOW).imported.maxAmountYen).toBeUndefined();
  });

  it('areas split on / with or without spaces', () => {
    expect(splitList('福岡県 / 佐賀県 / 鹿児島県')).toEqual(['福岡県', '佐賀県', '鹿児島県']);
    expect(splitList('全国/鹿児島県/ 全国')).toEqual(['全国', '鹿児島県']);
    const kyushu = parseList(envelope([KAGOSHIMA_ITEMS()[8]])).items[0]!;
    expect(toProgram(kyushu, undefined, NOW).imported.areas).toHaveLength(7);
  });

  it('institution_name is the agency when it names a body, not when it is a program name', () => {
    expect(looksLikeProgramName('中小企業等海外展開支援事業費補助金（海外出願支援事業）')).toBe(true);
    expect(looksLikeProgramName('【北海道】中小企業競争力強化促進事業（マーケティング支援事業）［2次募集］')).toBe(true);
    expect(looksLikeProgramName('鹿児島県商工労働水産部産業立地課')).toBe(false);
    expect(looksLikeProgramName('独立行政法人中小企業基盤整備機構')).toBe(false);
    const [withBody] = parseList(envelope([{ ...KAGOSHIMA_ITEMS()[0], institution_name: '鹿児島県商工労働水産部産業立地課' }])).items;
    expect(toProgram(withBody!, undefined, NOW).agency).toBe('鹿児島県商工労働水産部産業立地課');
    const [listOnly] = parseList(envelope([KAGOSHIMA_ITEMS()[4]])).items; // a program name there, no detail: the title's 【鹿児島県】
    expect(toProgram(listOnly!, undefined, NOW).agency).toBe('鹿児島県');
  });

  it('the title 【…】 names a body, not a round', () => {
    expect(bracketBody('【鹿児島県（３次募集）】令和６年度')).toBe('鹿児島県');
    expect(bracketBody('【第２回】中東情勢による')).toBeUndefined();
    expect(bracketBody('「賃上げ環境整備補助金2026」')).toBeUndefined();
  });

  it('hostile detail HTML: scripts dropped, entities decoded once, mentions left as text, only http(s) links kept', () => {
    const record = {
      ...KAGOSHIMA_DETAIL(),
      detail:
        '<script>alert("x")</script><p onclick="evil()">A&amp;B &lt;!channel&gt; <!channel> 1 &lt; 2 &gt; 0 &amp;amp;</p>' +
        '<style>p{}</style><a href="javascript:alert(1)">x</a><a href="https://ok.example/p?a=1&amp;b=2">y</a><p>data:text/html,1 ftp://f.example/</p>',
    };
    const p = toProgram(detailOf(record), detailOf(record), NOW);
    expect(p.overview).not.toMatch(/alert|evil|p\{\}/);
    expect(p.overview).toContain('A&B <!channel> 1 < 2 > 0 &amp;');
    expect(p.imported.referenceUrls).toEqual(['https://ok.example/p?a=1&b=2']);
  });

  it('a long detail is bounded and marked shortened (the credit then says 一部を要約)', () => {
    const record = { ...KAGOSHIMA_DETAIL(), detail: `<p>${'長い説明。'.repeat(1000)}</p>` };
    const p = toProgram(detailOf(record), detailOf(record), NOW);
    expect([...p.overview!].length).toBeLessThanOrEqual(OVERVIEW_MAX);
    expect(p.imported.shortened).toBe(true);
    expect(creditOf(p)).toBe('出典：Jグランツ（jGrants）（一部を要約）');
  });

  it('htmlToLines keeps paragraphs as lines and folds spaces', () => {
    expect(htmlToLines('<p>a<br>b</p><p>  c   d </p><p><br></p>')).toEqual(['a', 'b', 'c d']);
  });
});

describe('application periods in JST', () => {
  const withPeriod = (start: string | undefined, end: string | undefined) =>
    ({ id: 'jg-x', name: 'x', agency: 'y', imported: { source: 'jgrants', externalId: 'x', acceptance: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } }) as const;

  it('shows 受付中 with the deadline, 公募予定 with the start, 受付終了', () => {
    expect(describePeriod(withPeriod('2026-05-25T06:00:00.000Z', '2026-12-11T08:00:00.000Z'), NOW)).toBe('受付中（締切 12月11日(金) 17:00）');
    expect(describePeriod(withPeriod('2026-12-01T00:00:00.000Z', '2026-12-20T08:00:00.000Z'), NOW)).toBe('公募予定（開始 12月1日(火) 09:00、締切 12月20日(日) 17:00）');
    expect(describePeriod(withPeriod('2024-05-28T03:00:00.000Z', '2024-06-17T08:00:00.000Z'), NOW)).toBe('受付終了（締切 2024年6月17日(月) 17:00）');
    expect(describePeriod({ id: 'p-1', name: 'x', agency: 'y' }, NOW)).toBeUndefined();
  });

  it('around midnight JST: 14:59Z is 23:59 that day, 15:00Z is 00:00 the next', () => {
    expect(formatJst(new Date('2026-09-30T14:59:00.000Z'), NOW)).toBe('9月30日(水) 23:59');
    expect(formatJst(new Date('2026-08-31T15:00:00.000Z'), NOW)).toBe('9月1日(火) 00:00');
    expect(toJstIso(new Date('2026-08-31T15:00:00.000Z'))).toBe('2026-09-01T00:00:00+09:00');
    // 2026-11-27 23:30 JST: a deadline at 00:10 JST the next day is tomorrow, not today.
    const lateNight = new Date('2026-11-27T14:30:00Z');
    expect(daysUntilDeadline(withPeriod(undefined, '2026-11-27T15:10:00Z'), lateNight)).toBe(1);
    expect(daysUntilDeadline(withPeriod(undefined, '2026-11-27T14:50:00Z'), lateNight)).toBe(0);
  });

  it('at year end the year is shown when it is not this year (in JST)', () => {
    const newYearsEve = new Date('2026-12-31T14:00:00Z'); // 23:00 JST, 2026
    expect(formatJst(new Date('2026-12-31T15:00:00Z'), newYearsEve)).toBe('2027年1月1日(金) 00:00');
    expect(formatJst(new Date('2026-12-31T14:30:00Z'), newYearsEve)).toBe('12月31日(木) 23:30');
    expect(formatJst(new Date('2026-12-31T14:30:00Z'), new Date('2026-12-31T15:30:00Z'))).toBe('2026年12月31日(木) 23:30');
  });
});

describe('oversized fields', () => {
  it('a detail whose HTML passes 200,000 characters is a problem reported by id, not a program to analyse', () => {
    const record = { ...KAGOSHIMA_DETAIL(), detail: `<p>${'あ'.repeat(1_000_000)}</p>` };
    const { detail, problem } = parseDetail(envelope([record]));
    expect(detail).toBeUndefined();
    expect(problem).toMatchObject({ id: record.id });
    expect(problem!.message).toContain(`上限 ${FIELD_MAX.detailHtml.toLocaleString('en-US')} 文字`);
    expect(parseDetail(envelope([KAGOSHIMA_DETAIL()])).detail).toBeDefined();
  });
});
