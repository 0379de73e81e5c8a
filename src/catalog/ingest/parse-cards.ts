import { keyProjectFromText, type KeyProjectNumber } from '../key-projects.js';
import { classifyLine, joinWrapped, looksLikeAgency, parseBudget, reflow, splitNameAgency, type Line } from './lines.js';

/**
 * Turns the text extracted from a 関係機関 program-list PDF into program cards.
 *
 * The extraction keeps each line but scrambles the layout: a page starts with its 1–3
 * `事 業 名 … R5予算 …千円` header lines, many of which lost their name; the name then
 * stands on a line of its own somewhere on the page, and the cards' blocks
 * (○R5事業概要, ○R4実施内容, 重点プロジェクト, 関係機関) are interleaved. The parser:
 *  1. cuts the document into pages at header groups;
 *  2. classifies lines and groups them into blocks ("units": one overview + results),
 *     floating names, labels and floating values;
 *  3. for each page, tries every way of giving the floating names to the nameless
 *     headers and the units to the cards, scoring each by evidence (a name printed right
 *     above an overview, words of the name found in the text, an itemised budget that
 *     sums to a header's amount) and keeps the best;
 *  4. reports a page as uncertain when another assignment with a different outcome
 *     scores nearly as well, so that a person reviews it.
 */

export interface ParsedCard {
  page: number;
  /** Position of the card's header on its page (0-based). */
  slot: number;
  headerLine: number;
  name: string;
  agency: string;
  budgetThousandYen: number | null;
  budgetText?: string;
  fiscalYear?: number;
  overview?: string;
  results?: string;
  keyProjects: KeyProjectNumber[];
  relatedOrgs?: string;
  /** How the parser placed the card's parts, for the reviewer. */
  evidence: string[];
}

export interface UncertainPlacement {
  page: number;
  cards: string[];
  reason: string;
}

export interface ParseOptions {
  /**
   * Other spellings of an implementing body (from seeds/agencies.yaml), so that text
   * mentioning 機構 or ジェトロ counts as evidence for a card of 中小機構 / ジェトロ鹿児島.
   */
  aliasesOf?: (agency: string) => readonly string[];
}

export interface ParseResult {
  cards: ParsedCard[];
  uncertain: UncertainPlacement[];
  pages: number;
}

type TextLine = { text: string; indented: boolean; indent?: number; no: number };

interface Header {
  no: number;
  name?: { name: string; agency: string };
  budget: string;
  fiscalYear?: number;
}

interface FloatingName {
  name: string;
  agency: string;
  no: number;
  /** Unit whose ○R5事業概要 follows the name on the very next line. */
  attachedUnit?: number;
  /** Unit whose ○R5事業概要 follows the name after blank lines only. */
  nearUnit?: number;
}

interface Unit {
  firstLine: number;
  overviewLine?: number;
  overview: TextLine[];
  resultsLine?: number;
  results: TextLine[];
  extra: TextLine[][];
  /** Set when the overview follows the page's last header line directly (a name glued to it). */
  belowHeader?: number;
}

interface Label {
  kind: 'project' | 'orgs';
  value: string;
  no: number;
  /** Last line of the label with its value (the value may stand on the lines below it). */
  end: number;
  /** Index of the last unit opened before the label (-1: none yet). */
  after: number;
}

/** A 重点プロジェクト or 関係機関 value printed on its own, away from its label. */
interface FloatingValue {
  value: string;
  no: number;
  end: number;
}

interface PageParts {
  index: number;
  headers: Header[];
  names: FloatingName[];
  units: Unit[];
  labels: Label[];
  floatingProjects: FloatingValue[];
  floatingOrgs: FloatingValue[];
  orphans: TextLine[][];
}

const LIST_START = /^[・･●◆■□※【]|^[0-9０-９]+[．.、]|^[（(][0-9０-９]+[）)]|^[①-⑳]/u;

/** Cut the classified lines into pages: a page starts at a group of header lines. */
function splitPages(lines: Line[]): Array<{ headers: Header[]; body: Line[] }> {
  const pages: Array<{ headers: Header[]; body: Line[] }> = [];
  let current: { headers: Header[]; body: Line[] } | undefined;
  let bodyHasContent = false;
  for (const line of lines) {
    if (line.kind === 'header') {
      const split = line.name ? splitNameAgency(line.name) : undefined;
      const header: Header = { no: line.no, name: split, budget: line.budget, fiscalYear: line.fiscalYear };
      if (!current || bodyHasContent) {
        current = { headers: [], body: [] };
        pages.push(current);
        bodyHasContent = false;
      }
      current.headers.push(header);
      continue;
    }
    if (!current) continue; // the document title before the first header
    current.body.push(line);
    if (line.kind !== 'blank' && line.kind !== 'noise') bodyHasContent = true;
  }
  return pages;
}

/** Consecutive text lines starting at `i`. */
function takeParagraph(body: Line[], i: number): TextLine[] {
  const out: TextLine[] = [];
  for (let j = i; j < body.length; j++) {
    const l = body[j]!;
    if (l.kind !== 'text') break;
    out.push({ text: l.text, indented: l.indented, indent: l.indent, no: l.no });
  }
  return out;
}

function joinParagraph(p: TextLine[]): string {
  return p.map((l) => l.text).reduce((a, b) => (a ? joinWrapped(a, b) : b), '');
}

function asName(p: TextLine[]): { name: string; agency: string } | undefined {
  if (p.length > 3 || p[0]!.indented || LIST_START.test(p[0]!.text)) return undefined;
  const joined = joinParagraph(p);
  if (joined.length > 90) return undefined;
  const split = splitNameAgency(joined);
  return split && looksLikeAgency(split.agency) ? split : undefined;
}

/** A short unindented line listing bodies (関係機関 printed away from its label). */
function asOrgsValue(p: TextLine[]): string | undefined {
  if (p[0]!.indented || LIST_START.test(p[0]!.text)) return undefined;
  const joined = p.map((l) => l.text.trim()).join('\n');
  if (joined.length > 160) return undefined;
  if (p.length <= 2 && joined.length <= 70 && /[、，,]|等$|など$|ほか$|^委託/u.test(joined)) return joined;
  // A lone body name: 全国商店街振興組合連合会
  if (p.length === 1 && joined.length <= 30 && /(会|所|センター|機関|組合|法人|大学|銀行|金庫|機構)$/u.test(joined)) return joined;
  if (/株式会社|共同企業体|協議会|連合会/u.test(joined) && /[、，,]/u.test(joined)) return joined;
  return undefined;
}

/** Step 2: read one page's body into units, names, labels and floating values. */
function readPage(index: number, headers: Header[], body: Line[]): PageParts {
  const parts: PageParts = { index, headers, names: [], units: [], labels: [], floatingProjects: [], floatingOrgs: [], orphans: [] };
  let open: { unit: Unit; field: 'overview' | 'results' } | undefined;
  let nameAbove: FloatingName | undefined; // a name printed on the line right above
  let nameNear: FloatingName | undefined; // a name printed above, blank lines between
  let valueFor: Label | undefined; // an 関係機関 label whose value may continue below it
  let prev: Line | undefined;
  for (let i = 0; i < body.length; i++) {
    const line = body[i]!;
    switch (line.kind) {
      case 'blank':
        nameAbove = undefined;
        valueFor = undefined;
        prev = line;
        continue; // a blank line keeps a name's nearness
      case 'noise':
      case 'header':
        break;
      case 'overview': {
        const unit: Unit = { firstLine: line.no, overviewLine: line.no, overview: [], results: [], extra: [] };
        parts.units.push(unit);
        if (nameAbove) nameAbove.attachedUnit = parts.units.length - 1;
        else if (nameNear) nameNear.nearUnit = parts.units.length - 1;
        const lastHeader = headers[headers.length - 1]!;
        if (parts.units.length === 1 && line.no === lastHeader.no + 1 && lastHeader.name) unit.belowHeader = headers.length - 1;
        if (line.inline) unit.overview.push({ text: line.inline, indented: false, no: line.no });
        open = { unit, field: 'overview' };
        nameAbove = undefined;
        valueFor = undefined;
        break;
      }
      case 'results': {
        // Results belong to the latest overview still without them; printed before any
        // overview they open a unit of their own (merged later if a lone overview remains).
        let unit = [...parts.units].reverse().find((u) => u.resultsLine === undefined && u.overviewLine !== undefined);
        if (!unit) {
          unit = { firstLine: line.no, overview: [], results: [], extra: [] };
          parts.units.push(unit);
        }
        unit.resultsLine = line.no;
        if (line.inline) unit.results.push({ text: line.inline, indented: false, no: line.no });
        open = { unit, field: 'results' };
        nameAbove = undefined;
        valueFor = undefined;
        break;
      }
      case 'projectLabel':
      case 'orgsLabel': {
        const label: Label = {
          kind: line.kind === 'projectLabel' ? 'project' : 'orgs',
          value: line.value,
          no: line.no,
          end: line.no,
          after: parts.units.length - 1,
        };
        parts.labels.push(label);
        open = undefined;
        valueFor = label.kind === 'orgs' ? label : undefined;
        break;
      }
      case 'projectValue':
        parts.floatingProjects.push({ value: line.text, no: line.no, end: line.no });
        break;
      case 'text': {
        const para = takeParagraph(body, i);
        i += para.length - 1;
        const joined = joinParagraph(para);
        const afterBreak = !prev || prev.kind === 'blank' || prev.kind === 'noise' || prev.kind === 'header' || prev.kind === 'projectLabel' || prev.kind === 'orgsLabel' || prev.kind === 'projectValue';
        if (valueFor && !valueFor.value) {
          valueFor.value = para.map((l) => l.text.trim()).join('\n');
          valueFor.end = para[para.length - 1]!.no;
        } else if (joined.length <= 1) {
          // stray characters of the extraction
        } else if (afterBreak && asName(para)) {
          const n = asName(para)!;
          const floating: FloatingName = { ...n, no: para[0]!.no };
          parts.names.push(floating);
          const next = body[i + 1];
          if (next?.kind === 'overview') nameAbove = floating;
          nameNear = floating;
          open = undefined;
          prev = body[i];
          continue;
        } else if (afterBreak && asOrgsValue(para)) {
          parts.floatingOrgs.push({ value: asOrgsValue(para)!, no: para[0]!.no, end: para[para.length - 1]!.no });
        } else if (open) {
          open.unit[open.field].push(...para);
        } else {
          parts.orphans.push(para);
        }
        valueFor = undefined;
        nameNear = undefined;
        prev = body[i];
        continue;
      }
    }
    if (line.kind !== 'noise') nameNear = undefined;
    prev = line;
  }
  mergeSplitUnits(parts);
  return parts;
}

/** A results-only unit and an overview-only unit on one page are one card printed apart. */
function mergeSplitUnits(parts: PageParts): void {
  for (;;) {
    const resultsOnly = parts.units.findIndex((u) => u.overviewLine === undefined);
    const overviewOnly = parts.units.findIndex((u) => u.resultsLine === undefined);
    if (resultsOnly < 0 || overviewOnly < 0 || parts.units.length <= parts.headers.length) return;
    const r = parts.units[resultsOnly]!;
    const o = parts.units[overviewOnly]!;
    o.resultsLine = r.resultsLine;
    o.results = r.results;
    o.extra.push(...r.extra);
    parts.units.splice(resultsOnly, 1);
    parts.labels.forEach((l) => {
      if (l.after >= resultsOnly) l.after = Math.max(-1, l.after - (l.after === resultsOnly ? 0 : 1));
    });
  }
}

function unitText(u: Unit): string {
  return [...u.overview, ...u.results, ...u.extra.flat()].map((l) => l.text).join('').normalize('NFKC');
}

function bigrams(text: string): Set<string> {
  const t = text.normalize('NFKC').replace(/[\s・「」『』（）()、，,。．.]/gu, '');
  const out = new Set<string>();
  for (let i = 0; i + 1 < t.length; i++) out.add(t.slice(i, i + 2));
  return out;
}

/** Sum of the itemised amounts (…千円) in an overview; 0 when it lists fewer than two. */
function itemisedSum(u: Unit): number {
  const amounts = [...u.overview.map((l) => l.text).join('\n').normalize('NFKC').matchAll(/([\d,]+)千円/gu)].map((m) => Number(m[1]!.replace(/,/gu, '')));
  return amounts.length >= 2 ? amounts.reduce((a, b) => a + b, 0) : 0;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Every injective map of `k` slots onto `n` items (index arrays, -1 = nothing). */
function injections(slots: number, items: number): number[][] {
  const out: number[][] = [];
  const pick = (acc: number[], used: Set<number>) => {
    if (acc.length === slots) {
      out.push(acc.slice());
      return;
    }
    const free = items - used.size;
    const remainingSlots = slots - acc.length;
    if (remainingSlots > free) pick([...acc, -1], used); // more slots than items left
    for (let j = 0; j < items; j++) {
      if (used.has(j)) continue;
      used.add(j);
      pick([...acc, j], used);
      used.delete(j);
    }
  };
  pick([], new Set());
  return out;
}

interface Outcome {
  score: number;
  names: Array<{ name: string; agency: string; from: string }>;
  unitOf: number[];
  why: string[][];
}

/** Step 3: score every assignment of names to nameless headers and units to cards. */
function assign(parts: PageParts, uncertain: UncertainPlacement[], options: ParseOptions): Outcome {
  const nameless = parts.headers.map((h, i) => (h.name ? -1 : i)).filter((i) => i >= 0);
  const floating = parts.names;
  const namePerms = permutations(floating.map((_, i) => i)).map((p) => p.slice(0, nameless.length));
  const unitMaps = injections(parts.headers.length, parts.units.length);
  const texts = parts.units.map(unitText);
  const grams = texts.map((t) => new Set(bigrams(t)));
  const outcomes: Outcome[] = [];
  for (const perm of namePerms) {
    const names = parts.headers.map((h, i) => {
      if (h.name) return { ...h.name, from: 'header' };
      const f = floating[perm[nameless.indexOf(i)] ?? -1];
      return f ? { name: f.name, agency: f.agency, from: `line ${f.no}` } : { name: '', agency: '', from: 'missing' };
    });
    for (const unitOf of unitMaps) {
      let score = 0;
      const why: string[][] = names.map(() => []);
      names.forEach((n, card) => {
        // A name printed before its own header order costs a little: ties go to the printed order.
        if (n.from !== 'header') {
          const f = floating.findIndex((x) => x.name === n.name && x.agency === n.agency);
          const rank = nameless.indexOf(card);
          if (f !== rank) score -= 0.05;
        }
        const u = unitOf[card]!;
        if (u < 0) return;
        const f = floating.find((x) => x.name === n.name && x.agency === n.agency);
        if (f?.attachedUnit === u || parts.units[u]!.belowHeader === card) {
          score += 100;
          why[card]!.push(`name${f ? ` on line ${f.no}` : ''} is printed right above the overview`);
        } else if (f?.nearUnit === u) {
          // Weak: names are printed above their own block as often as below the previous one.
          score += 0.5;
          why[card]!.push(`name on line ${f.no} is printed above the overview`);
        }
        // The body's own name (or an alias of it) in the text, e.g. 機構 for 中小機構.
        const spellings = [...new Set([n.agency, ...(options.aliasesOf?.(n.agency) ?? [])])].filter((a) => a.length >= 2);
        const agencyHit = Math.max(
          0,
          ...spellings.map((a) => {
            const holders = texts.filter((t) => t.includes(a.normalize('NFKC'))).length;
            return texts[u]!.includes(a.normalize("NFKC")) ? 10 / holders : 0;
          }),
        );
        if (agencyHit > 0) {
          score += agencyHit;
          why[card]!.push(`the text names the agency (${agencyHit.toFixed(1)})`);
        }
        // Share of the name's bigrams found in the text, each counted by how few of the
        // page's blocks share it; scaled so that a full match weighs 8 (less than a
        // self-reference to the agency, which is the surer sign).
        const nameGrams = bigrams(n.name);
        let found = 0;
        for (const g of nameGrams) {
          const holders = grams.filter((s) => s.has(g)).length;
          if (holders && grams[u]!.has(g)) found += 1 / holders;
        }
        const sim = nameGrams.size ? (8 * found) / nameGrams.size : 0;
        score += sim;
        if (sim >= 0.5) why[card]!.push(`words of the name found in the text (${sim.toFixed(1)})`);
        const budget = parseBudget(parts.headers[card]!.budget).budgetThousandYen;
        const sum = itemisedSum(parts.units[u]!);
        if (budget && sum === budget) {
          score += 5;
          why[card]!.push(`itemised amounts in the overview sum to the header's ${budget}千円`);
        }
        // Units in printed order favour headers in printed order, by a hair.
        if (u !== card) score -= 0.01;
      });
      outcomes.push({ score, names, unitOf, why });
    }
  }
  outcomes.sort((a, b) => b.score - a.score);
  const best = outcomes[0]!;
  const signature = (o: Outcome) =>
    o.names.map((n, card) => `${n.name}|${parts.headers[card]!.budget}|${o.unitOf[card]! >= 0 ? texts[o.unitOf[card]!] : ''}`).sort().join('\n');
  const bestSig = signature(best);
  const rival = outcomes.find((o) => signature(o) !== bestSig);
  if (rival && best.score - rival.score < 1) {
    uncertain.push({
      page: parts.index,
      cards: best.names.map((n) => n.name),
      reason: `別の割り当てとの差が小さい (score ${best.score.toFixed(2)} vs ${rival.score.toFixed(2)}): 名前と予算・概要の対応を確認してください`,
    });
  }
  return best;
}

/**
 * Step 3b: 重点プロジェクト and 関係機関 labels go to the unit printed before them. Labels
 * printed apart (before any block, or a second one after a block) and values standing on
 * their own go to a unit still lacking one: the one whose card they resemble most
 * (a 関係機関 naming 障害者就業・生活支援センター goes to the card about 障害者雇用),
 * else the first in printed order. A 重点プロジェクト and a 関係機関 printed apart but
 * together (on adjacent lines) are one card's, and go to one unit that lacks both.
 */
function placeLabels(parts: PageParts, profiles: string[]): Array<{ project?: string; orgs?: string; moved: boolean }> {
  const out = parts.units.map(() => ({ project: undefined as string | undefined, orgs: undefined as string | undefined, moved: false }));
  const spare: Label[] = [];
  for (const label of parts.labels) {
    const slot = out[label.after];
    if (slot && slot[label.kind] === undefined) slot[label.kind] = label.value;
    else spare.push(label);
  }
  const profileGrams = profiles.map(bigrams);
  type Kind = 'project' | 'orgs';
  // A value may fill a label printed empty; an empty label only a unit that has none.
  const isOpen = (i: number, kind: Kind, value: string) => (value ? !out[i]![kind] : out[i]![kind] === undefined);
  /** Give the values to the open unit whose card shares most of their bigrams; false when none is open. */
  const give = (values: Array<{ kind: Kind; value: string }>) => {
    const open = out.map((_, i) => i).filter((i) => values.every((v) => isOpen(i, v.kind, v.value)));
    if (!open.length) return false;
    const g = bigrams(values.map((v) => v.value).join(''));
    let target = open[0]!;
    let bestScore = 0;
    for (const i of open) {
      const sc = [...g].filter((x) => profileGrams[i]!.has(x)).length;
      if (sc > bestScore) [target, bestScore] = [i, sc];
    }
    for (const { kind, value } of values) out[target]![kind] = value;
    out[target]!.moved = true;
    return true;
  };
  type Item = { kind: Kind; value: string; no: number; end: number };
  const items: Item[] = [
    ...spare,
    ...parts.floatingProjects.map((v) => ({ kind: 'project' as const, ...v })),
    ...parts.floatingOrgs.map((v) => ({ kind: 'orgs' as const, ...v })),
  ];
  // Printed together: a valued 関係機関 and a 重点プロジェクト value on adjacent lines.
  const placed = new Set<Item>();
  const byLine = [...items].sort((a, b) => a.no - b.no);
  for (let i = 0; i < byLine.length; ) {
    let j = i + 1;
    let end = byLine[i]!.end;
    while (j < byLine.length && byLine[j]!.no <= end + 1) end = Math.max(end, byLine[j++]!.end);
    const run = byLine.slice(i, j).filter((x) => x.value);
    const project = run.filter((x) => x.kind === 'project');
    const orgs = run.filter((x) => x.kind === 'orgs');
    if (project.length === 1 && orgs.length === 1 && give([project[0]!, orgs[0]!])) byLine.slice(i, j).forEach((x) => placed.add(x));
    i = j;
  }
  const rest = (list: Item[]) => list.filter((x) => !placed.has(x));
  // Values first, so that a valued spare label is not outbid by an empty one.
  for (const label of rest([...spare].sort((a, b) => Number(!a.value) - Number(!b.value)))) give([label]);
  for (const value of rest(items.slice(spare.length))) give([value]);
  return out;
}

export function parseProgramCards(text: string, options: ParseOptions = {}): ParseResult {
  const raw = text.replace(/\r\n?/gu, '\n').split('\n');
  const lines = raw.map((l, i) => classifyLine(l, i + 1));
  const pages = splitPages(lines);
  const cards: ParsedCard[] = [];
  const uncertain: UncertainPlacement[] = [];
  pages.forEach(({ headers, body }, p) => {
    const parts = readPage(p + 1, headers, body);
    const nameless = headers.filter((h) => !h.name).length;
    if (parts.names.length !== nameless) {
      uncertain.push({
        page: p + 1,
        cards: headers.map((h) => h.name?.name ?? '(名前なし)'),
        reason: `名前のない見出し ${nameless} 件に対して、ページ内の名前の行が ${parts.names.length} 件 (${parts.names.map((n) => n.name).join(' / ')})`,
      });
    }
    if (parts.units.length > headers.length) {
      uncertain.push({ page: p + 1, cards: headers.map((h) => h.name?.name ?? '(名前なし)'), reason: `事業概要のブロックが見出しより多い (${parts.units.length} > ${headers.length})` });
    }
    const best = assign(parts, uncertain, options);
    const profiles = parts.units.map((u, i) => {
      const card = best.unitOf.indexOf(i);
      const n = card >= 0 ? best.names[card]! : undefined;
      return `${n?.name ?? ''}${n?.agency ?? ''}${unitText(u)}`;
    });
    const labels = placeLabels(parts, profiles);
    // Orphan paragraphs (text printed away from any block) join the unit they resemble most.
    const orphanTarget = (para: TextLine[]) => {
      const g = bigrams(joinParagraph(para));
      let bestUnit = 0;
      let bestScore = -1;
      parts.units.forEach((u, i) => {
        const ug = bigrams(unitText(u));
        const s = [...g].filter((x) => ug.has(x)).length;
        if (s > bestScore) [bestUnit, bestScore] = [i, s];
      });
      return bestUnit;
    };
    const orphansOf = new Map<number, TextLine[][]>();
    for (const para of parts.orphans) {
      if (!parts.units.length) break;
      const t = orphanTarget(para);
      orphansOf.set(t, [...(orphansOf.get(t) ?? []), para]);
    }
    if (parts.orphans.length) {
      uncertain.push({
        page: p + 1,
        cards: headers.map((h) => h.name?.name ?? '(名前なし)'),
        reason: `ブロックの外に印字された本文 ${parts.orphans.length} 段落 (${parts.orphans.map((o) => `${o[0]!.no}行`).join(', ')}) を実施内容の末尾に付けました: 順序を確認してください`,
      });
    }
    headers.forEach((h, slot) => {
      const n = best.names[slot]!;
      const u = best.unitOf[slot]!;
      const unit = u >= 0 ? parts.units[u] : undefined;
      const lab = u >= 0 ? labels[u] : undefined;
      const budget = parseBudget(h.budget);
      const evidence = [n.from === 'header' ? 'name in the header line' : `name from ${n.from}`, ...best.why[slot]!];
      const orphans = u >= 0 ? orphansOf.get(u) ?? [] : [];
      if (orphans.length) evidence.push(`text printed apart from the blocks appended to results (lines ${orphans.map((o) => o[0]!.no).join(', ')})`);
      if (lab?.moved) evidence.push('重点プロジェクト/関係機関 placed by order (printed apart from the block)');
      const resultsLines = unit ? [...unit.results, ...unit.extra.flat(), ...orphans.flat()] : [];
      const keyProject = lab?.project ? keyProjectFromText(lab.project) : undefined;
      cards.push({
        page: p + 1,
        slot,
        headerLine: h.no,
        name: n.name,
        agency: n.agency,
        ...budget,
        fiscalYear: h.fiscalYear,
        overview: unit && unit.overview.length ? reflow(unit.overview) : undefined,
        results: resultsLines.length ? reflow(resultsLines) : undefined,
        keyProjects: keyProject ? [keyProject] : [],
        relatedOrgs: lab?.orgs?.trim() || undefined,
        evidence,
      });
    });
  });
  return { cards, uncertain, pages: pages.length };
}
