import { describe, it, expect } from 'vitest';
import { classifyLine, parseBudget, reflow, splitNameAgency } from '../../src/catalog/ingest/lines.js';
import { sourceLine } from './support.js';

/** Classify real lines of the document and reflow the text ones, as the parser does. */
function reflowSource(from: number, to: number): string {
  const texts = [];
  for (let no = from; no <= to; no++) {
    const line = classifyLine(sourceLine(no), no);
    if (line.kind !== 'text') throw new Error(`line ${no} is ${line.kind}, not text`);
    texts.push(line);
  }
  return reflow(texts);
}

describe('the lines copied into these tests are the document’s own', () => {
  it.each([
    [3, '事 業 名 新産業創出ネットワーク事業（県新産業創出室） R5予算 146,520千円'],
    [5, '事 業 名 R5予算 5,409千円'],
    [1504, '事 業 名 R5予算 22,897千円中小企業事業承継加速化事業（県中小企業支援課）'],
    [670, '①高付加価値な産業を創出する企業・人材の育成支援プロジェクト重点プロジェクト'],
  ])('line %i', (no, text) => {
    expect(sourceLine(no)).toBe(text);
  });
});

describe('classifyLine: header lines', () => {
  it('reads the name, budget and fiscal year of a header with its name', () => {
    expect(classifyLine('事 業 名 新産業創出ネットワーク事業（県新産業創出室） R5予算 146,520千円', 3)).toEqual({
      kind: 'header',
      no: 3,
      name: '新産業創出ネットワーク事業（県新産業創出室）',
      budget: '146,520',
      fiscalYear: 2023,
    });
  });

  it('reads a header whose name was printed elsewhere as nameless', () => {
    expect(classifyLine('事 業 名 R5予算 5,409千円', 5)).toEqual({ kind: 'header', no: 5, name: '', budget: '5,409', fiscalYear: 2023 });
  });

  it('takes a name glued after 千円 as the header’s name', () => {
    expect(classifyLine('事 業 名 R5予算 22,897千円中小企業事業承継加速化事業（県中小企業支援課）', 1504)).toMatchObject({
      kind: 'header',
      name: '中小企業事業承継加速化事業（県中小企業支援課）',
      budget: '22,897',
    });
    expect(classifyLine(sourceLine(365), 365)).toMatchObject({
      kind: 'header',
      name: '食の起業家養成アカデミー（鹿児島相互信用金庫）',
      budget: '0',
    });
  });

  it('reads an indented header and drops the padding around the budget', () => {
    expect(classifyLine(sourceLine(49), 49)).toMatchObject({
      kind: 'header',
      name: '中小企業連携組織等支援事業（県中小企業団体中央会）',
      budget: '4,620',
    });
  });

  it.each([
    [51, ''],
    [2511, '未定'],
    [461, '－'],
    [92, '０'],
    [94, '0'],
    [2287, '1.333'],
  ])('keeps the printed budget text of line %i', (no, budget) => {
    const line = classifyLine(sourceLine(no), no);
    expect(line.kind).toBe('header');
    expect(line).toMatchObject({ budget });
  });
});

describe('classifyLine: labels and text', () => {
  it('reads an overview sentence starting with 関係機関 (indented with U+2003) as text, not a label', () => {
    const raw = sourceLine(2365);
    expect(raw.startsWith('\u2003関係機関の取り組みや')).toBe(true);
    const line = classifyLine(raw, 2365);
    expect(line).toEqual({
      kind: 'text',
      no: 2365,
      text: '関係機関の取り組みや高度外国人材に関連する情報に精通したコーディネーターが、継続的',
      indented: true,
      indent: 1,
    });
  });

  it('reads 関係機関 at the left margin as the label, with its value when printed on the line', () => {
    expect(classifyLine(sourceLine(27), 27)).toEqual({ kind: 'orgsLabel', no: 27, value: '' });
    expect(classifyLine(sourceLine(2296), 2296)).toEqual({
      kind: 'orgsLabel',
      no: 2296,
      value: '委託事業者：県内7か所の障害者就業・生活支援センター',
    });
  });

  it('reads a project printed before its 重点プロジェクト label as the label’s value', () => {
    expect(classifyLine('①高付加価値な産業を創出する企業・人材の育成支援プロジェクト重点プロジェクト', 670)).toEqual({
      kind: 'projectLabel',
      no: 670,
      value: '①高付加価値な産業を創出する企業・人材の育成支援プロジェクト',
    });
  });

  it('reads 重点プロジェクト followed by its value, alone, and a project standing alone', () => {
    expect(classifyLine(sourceLine(205), 205)).toEqual({ kind: 'projectLabel', no: 205, value: '②地域産業の生産性向上・安定化プロジェクト' });
    expect(classifyLine(sourceLine(26), 26)).toEqual({ kind: 'projectLabel', no: 26, value: '' });
    expect(classifyLine(sourceLine(2448), 2448)).toEqual({ kind: 'projectValue', no: 2448, text: '④若者の地元定着促進プロジェクト' });
  });

  it('reads block headings, with text printed on the heading line', () => {
    expect(classifyLine(sourceLine(7), 7)).toEqual({ kind: 'overview', no: 7, inline: '' });
    expect(classifyLine(sourceLine(2508), 2508)).toEqual({ kind: 'overview', no: 2508, inline: '検討中' });
    expect(classifyLine(sourceLine(1489), 1489)).toEqual({ kind: 'results', no: 1489, inline: '(九州本部)' });
  });

  it('reads page furniture as noise and empty lines as blank', () => {
    expect(classifyLine(sourceLine(48), 48)).toEqual({ kind: 'noise', no: 48, text: '資料３－４' });
    expect(classifyLine(sourceLine(2), 2)).toMatchObject({ kind: 'noise' });
    expect(classifyLine('', 1)).toEqual({ kind: 'blank', no: 1 });
    expect(classifyLine('\u2003\u3000 ', 1)).toEqual({ kind: 'blank', no: 1 });
  });
});

describe('parseBudget', () => {
  it('reads plain amounts in thousands of yen, with or without commas, in either width', () => {
    expect(parseBudget('146,520')).toEqual({ budgetThousandYen: 146520 });
    expect(parseBudget('5,409')).toEqual({ budgetThousandYen: 5409 });
    expect(parseBudget('０')).toEqual({ budgetThousandYen: 0 });
    expect(parseBudget('0')).toEqual({ budgetThousandYen: 0 });
  });

  it('gives no number for a blank budget', () => {
    expect(parseBudget('')).toEqual({ budgetThousandYen: null });
  });

  it('gives no number for 未定 and －, keeping the printed text', () => {
    expect(parseBudget('未定 ')).toEqual({ budgetThousandYen: null, budgetText: '未定' });
    expect(parseBudget('－')).toEqual({ budgetThousandYen: null, budgetText: '－' });
  });

  it('reads 1.333 (a full stop typed for the thousands comma) as 1,333 and keeps the printed text', () => {
    expect(parseBudget('1.333')).toEqual({ budgetThousandYen: 1333, budgetText: '1.333' });
  });

  it('does not guess at malformed amounts', () => {
    expect(parseBudget('1,2345')).toEqual({ budgetThousandYen: null, budgetText: '1,2345' });
    expect(parseBudget('12.5')).toEqual({ budgetThousandYen: null, budgetText: '12.5' });
  });
});

describe('splitNameAgency', () => {
  it('splits a name from its agency', () => {
    expect(splitNameAgency('新産業創出ネットワーク事業（県新産業創出室）')).toEqual({ name: '新産業創出ネットワーク事業', agency: '県新産業創出室' });
  });

  it('takes the last parenthesised part as the agency when the name has one of its own', () => {
    expect(splitNameAgency('食品関連製造業リーディングカンパニー創出支援事業（食品関連製造業「カイゼン」活動強化支援）（県産業立地課）')).toEqual({
      name: '食品関連製造業リーディングカンパニー創出支援事業（食品関連製造業「カイゼン」活動強化支援）',
      agency: '県産業立地課',
    });
  });

  it('finds no agency when nothing is in parentheses at the end or the name is empty', () => {
    expect(splitNameAgency('食品関連製造業リーディングカンパニー創出支援事業')).toBeUndefined();
    expect(splitNameAgency('（県産業立地課）')).toBeUndefined();
  });
});

describe('reflow', () => {
  it('joins a sentence the PDF wrapped at the column edge', () => {
    expect(reflowSource(30, 31)).toBe(
      '県内中小企業等の販路開拓・受注機会の拡大を図るため，企業が開発した製品等について，県の機関が試験的に発注するとともに，県外での展示会等への出展を支援する。',
    );
  });

  it('keeps numbered and bulleted items on lines of their own', () => {
    expect(reflowSource(34, 41)).toBe(
      [
        '１．トライアル発注製品の選定等',
        '・対象製品：県内の中小企業等が開発した製品など',
        '・募集：令和４年２月25日（金）～５月16日（月）',
        '・選定：８社８製品',
        '２．県外展示会への出展経費への一部助成',
        '・対象事業:トライアル発注製品の県外展示会への出展',
        '・補助率等：対象経費の１／２以内',
        '・補助限度額：200千円',
      ].join('\n'),
    );
  });

  it('gives back the space between Latin words broken across lines', () => {
    expect(reflowSource(511, 512)).toBe("大学発ベンチャービジネスプランコンテスト「KADAI STARTER's PITCH 2022」の開催（鹿児島大学）");
  });

  // Paragraphs printed with a hanging indent (first line indented by two U+2003,
  // continuation lines by one) must not be cut inside words (「商品のブラッシュ\nアップ」).
  it('joins the continuation lines of a paragraph printed with a hanging indent', () => {
    expect(reflowSource(209, 212)).toBe(
      [
        '地域農林水産品等を使用した加工商品を一般消費者が試食・試飲し、商品のブラッシュアップを図ってもらうことを目的として開催。',
        '本会で得られた消費者モニターの意見と合わせて商品開発の専門家による商品改善アドバイスを事業者にフィードバックし、今後の商品開発・改善や販路開拓に繋げる。',
      ].join('\n'),
    );
  });
});
