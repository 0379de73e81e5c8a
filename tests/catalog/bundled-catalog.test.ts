import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgencyDirectory } from '../../src/catalog/agencies.js';
import { parseProgramCards } from '../../src/catalog/ingest/parse-cards.js';
import { loadAgencies, loadCatalog } from '../../src/catalog/load.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOC = path.join(ROOT, 'seeds/sources/shoukougyou-shinkou-plan-kankei-kikan-r5.txt');

describe('the bundled catalog', async () => {
  const catalog = await loadCatalog(path.join(ROOT, 'seeds/catalog'));
  const agencies = new AgencyDirectory(await loadAgencies(path.join(ROOT, 'seeds/agencies.yaml')));
  const byName = (name: string, agency?: string) => {
    const hits = catalog.programs.filter((p) => p.name === name && (!agency || p.agency === agency));
    expect(hits, name).toHaveLength(1);
    return hits[0]!;
  };

  it('holds the 143 cards of the document once each, with unique ids', () => {
    expect(catalog.programs).toHaveLength(143);
    expect(new Set(catalog.programs.map((p) => p.id)).size).toBe(143);
  });

  it('names every program and agency as printed in a header or a name line of the document', () => {
    const text = readFileSync(DOC, 'utf8').normalize('NFKC').replace(/\s+/gu, '');
    for (const p of catalog.programs) expect(text, p.name).toContain(`${p.name}（${p.agency}）`.normalize('NFKC').replace(/\s+/gu, ''));
  });

  it('resolves every agency in seeds/agencies.yaml and cites its source page', () => {
    for (const p of catalog.programs) {
      expect(agencies.resolve(p.agency), p.agency).toBeDefined();
      expect(p.source?.document).toBe('shoukougyou-shinkou-plan-kankei-kikan-r5.txt');
      expect(p.source?.page).toBeGreaterThanOrEqual(1);
    }
  });

  it('has the budgets of the header lines, each given to exactly one program', () => {
    // Every amount printed in a header must appear on one program, no more, no fewer.
    const printed = [...readFileSync(DOC, 'utf8').matchAll(/R5予算\s*([0-9０-９,.]+)\s*千円/gu)]
      .map((m) => Number(m[1]!.normalize('NFKC').replace(/[,.]/gu, '')))
      .sort((a, b) => a - b);
    const held = catalog.programs.map((p) => p.budgetThousandYen).filter((b): b is number => b != null).sort((a, b) => a - b);
    expect(held).toEqual(printed);
  });

  it('reads the budget quirks as people would', () => {
    expect(byName('女性のための再就職支援事業')).toMatchObject({ budgetThousandYen: 1333, budgetText: '1.333' });
    expect(byName('かごしまTechミーティング')).toMatchObject({ budgetThousandYen: 0 });
    expect(byName('海外商談会等開催事業')).toMatchObject({ budgetThousandYen: null, budgetText: '未定' });
    expect(byName('地域中小企業支援事業支援機関連携会議')).toMatchObject({ budgetThousandYen: null, budgetText: '－' });
    expect(byName('中小企業事業承継加速化事業')).toMatchObject({ budgetThousandYen: 22897 }); // name glued after the budget
  });

  it('attaches each overview to its own program', () => {
    expect(byName('ドローン関連ビジネス育成支援事業').overview).toMatch(/ドローン関連産業の育成/u);
    expect(byName('事業承継円滑化支援事業').overview).toMatch(/機構九州本部/u);
    expect(byName('鹿児島県事業承継・引継ぎ支援センター事業').overview).toMatch(/^後継者問題/u);
    expect(byName('「地域人材育成プログラム」事業')).toMatchObject({ budgetThousandYen: 2631 });
    expect(byName('モノづくり取引開拓出展支援事業').overview).toMatch(/展示会に出展/u);
    expect(byName('かごしまの農林水産物輸出ビジョン推進事業').overview).toMatch(/ＧＦＰ/u);
    expect(byName('商店街振興組合指導事業').relatedOrgs).toBe('全国商店街振興組合連合会');
  });

  it('counts the key projects as the document prints them (① 17, ② 34, ③ 7, ④ 4)', () => {
    const count = (n: number) => catalog.programs.filter((p) => p.keyProjects?.includes(n)).length;
    expect([1, 2, 3, 4].map(count)).toEqual([17, 34, 7, 4]);
  });

  it('keeps no unreviewed ingest flag', () => {
    expect(catalog.programs.filter((p) => p.reviewNote?.startsWith('要確認'))).toEqual([]);
  });
});

describe('parseProgramCards on the whole document', async () => {
  const agencies = new AgencyDirectory(await loadAgencies(path.join(ROOT, 'seeds/agencies.yaml')));
  const result = parseProgramCards(readFileSync(DOC, 'utf8'), { aliasesOf: (a) => agencies.spellingsOf(a) });

  it('finds 63 pages and 143 cards, every one named', () => {
    expect(result.pages).toBe(63);
    expect(result.cards).toHaveLength(143);
    expect(result.cards.filter((c) => !c.name || !c.agency)).toEqual([]);
  });

  it('lists the pages it could not decide, with a reason', () => {
    const pages = result.uncertain.map((u) => u.page);
    expect(pages).toContain(63); // two floating names, two budgets, nothing decisive
    expect(pages).not.toContain(1);
    for (const u of result.uncertain) expect(u.reason.length).toBeGreaterThan(5);
  });
});
