/**
 * The excerpt under each hit: at most 120 characters, highlights inside it that mark words the
 * user asked for (or their synonyms), and the start of the overview when only the name matched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { markSnippet } from '../../src/render/text.js';
import { loadAnalyzer, type Analyzer } from '../../src/search/analyzer.js';
import type { SearchEngine } from '../../src/search/engine.js';
import { readSources } from '../../src/search/load.js';
import { termForm } from '../../src/search/normalize.js';
import { SNIPPET_MAX_CHARS } from '../../src/search/snippet.js';
import { ANALYZER_TIMEOUT, bundledEngines, bundledPaths, ENGINE_KINDS, program, tinyEngines, type Engines } from './support.js';

const BROAD = ['創業', '輸出', '補助金', 'セミナー'];

let analyzer: Analyzer;
let engines: Engines;
let groups: string[][];
beforeAll(async () => {
  analyzer = await loadAnalyzer();
  engines = await bundledEngines(analyzer);
  groups = (await readSources(bundledPaths())).synonyms.groups;
}, ANALYZER_TIMEOUT);

/** The query word, its synonyms from synonyms.yaml, and the words those are made of, in index form. */
function allowedWords(query: string): Set<string> {
  const words = new Set<string>([termForm(query)]);
  for (const group of groups) {
    if (!group.some((w) => termForm(w) === termForm(query))) continue;
    for (const w of group) words.add(termForm(w));
  }
  for (const w of [...words]) {
    for (const unit of analyzer.units(w)) {
      words.add(unit.term);
      for (const part of unit.parts) words.add(part);
    }
  }
  return words;
}

/** True when `text` is one allowed word or several written next to each other. */
function madeOf(text: string, words: Set<string>): boolean {
  const t = termForm(text);
  const ok: boolean[] = [true];
  for (let end = 1; end <= t.length; end++) {
    ok[end] = false;
    for (let start = 0; start < end && !ok[end]; start++) if (ok[start] && words.has(t.slice(start, end))) ok[end] = true;
  }
  return ok[t.length]!;
}

describe.each(ENGINE_KINDS)('bundled catalog, %s engine', (kind) => {
  let engine: SearchEngine;
  beforeAll(() => {
    engine = engines[kind];
  });

  for (const q of BROAD) {
    it(`${q}: every hit's snippet is at most ${SNIPPET_MAX_CHARS} characters and comes from the program`, () => {
      const r = engine.search(q);
      expect(r.hits.length).toBeGreaterThan(5);
      for (const { program: p, snippet } of r.hits) {
        expect(snippet.text.length, p.name).toBeLessThanOrEqual(120);
        expect(snippet.text.length, p.name).toBeGreaterThan(0);
        // What is shown (without the … of a cut) is a piece of the overview or results.
        const body = snippet.text.replace(/^…|…$/g, '');
        const source = [p.overview, p.results].filter(Boolean).join('\n').normalize('NFKC');
        expect(source, p.name).toContain(body);
      }
    });

    it(`${q}: highlights lie inside the snippet, in order, and mark the query word or a synonym`, () => {
      const words = allowedWords(q);
      // Words of the general synonym layer (Sudachi) the answer says it searched too (issue 16).
      for (const w of engine.search(q).expandedWith) words.add(termForm(w));
      let highlighted = 0;
      for (const { program: p, snippet } of engine.search(q).hits) {
        let previousEnd = 0;
        for (const [start, end] of snippet.highlights) {
          expect(start, p.name).toBeGreaterThanOrEqual(previousEnd);
          expect(end, p.name).toBeGreaterThan(start);
          expect(end, p.name).toBeLessThanOrEqual(snippet.text.length);
          const marked = snippet.text.slice(start, end);
          expect(madeOf(marked, words), `${p.name}: 「${marked}」`).toBe(true);
          previousEnd = end;
          highlighted++;
        }
      }
      expect(highlighted).toBeGreaterThan(0);
    });
  }

  it('the query word itself is highlighted in the first hit of 創業', () => {
    const [first] = engine.search('創業').hits;
    expect(first).toBeDefined();
    expect(first!.snippet.highlights.map(([s, e]) => first!.snippet.text.slice(s, e))).toContain('創業');
    expect(markSnippet(first!.snippet)).toContain('【創業】');
  });
});

describe('snippets on hand-made programs (both engines)', () => {
  // 145 characters without a 。, so the first sentence is longer than a snippet.
  const LONG_LEAD =
    '県内の中小企業や小規模事業者が抱える経営上のさまざまな課題について、商工団体や金融機関、大学などの関係機関と連携しながら、専門家による助言や情報提供を行い、' +
    '販路の開拓や人材の育成、設備の更新、資金の調達など、事業者ごとに異なる課題の解決に向けて、相談から実行までを一貫して支援するとともに、';

  let tiny: Engines;
  beforeAll(async () => {
    expect(LONG_LEAD.length).toBeGreaterThan(SNIPPET_MAX_CHARS);
    tiny = await tinyEngines(analyzer, [
      program('by-name', 'ドローン講座', { overview: '空の産業を育てるための講座です。操縦の基本も学ぶ。', results: '受講者は20名。' }),
      program('long-first', 'ロボット講座', { overview: `${LONG_LEAD}地域産業の振興を図る。二文目です。` }),
      program('in-results', '新技術研究会', { overview: '新しい技術を研究する。', results: '実証実験を3回行った。' }),
      program('far', '総合支援事業', { overview: `${LONG_LEAD}あわせて実証実験の場を提供する。` }),
    ]);
  });

  it('a program matched only by its name shows the start of its overview, without highlights', () => {
    for (const kind of ENGINE_KINDS) {
      const [hit] = tiny[kind].search('ドローン').hits;
      expect(hit?.program.id, kind).toBe('by-name');
      expect(hit!.snippet.text, kind).toBe('空の産業を育てるための講座です。');
      expect(hit!.snippet.highlights, kind).toEqual([]);
    }
  });

  it('a long first sentence is cut to 120 characters from its start', () => {
    for (const kind of ENGINE_KINDS) {
      const [hit] = tiny[kind].search('ロボット').hits;
      expect(hit?.program.id, kind).toBe('long-first');
      const { text } = hit!.snippet;
      expect(text.length, kind).toBe(SNIPPET_MAX_CHARS);
      expect(text.endsWith('…'), kind).toBe(true);
      expect(LONG_LEAD.startsWith(text.slice(0, -1)), kind).toBe(true);
    }
  });

  it('a word found only in the R4 results is shown and highlighted there', () => {
    for (const kind of ENGINE_KINDS) {
      const hit = tiny[kind].search('実証').hits.find((h) => h.program.id === 'in-results');
      expect(hit, kind).toBeDefined();
      expect(hit!.snippet.text, kind).toBe('実証実験を3回行った。');
      expect(markSnippet(hit!.snippet), kind).toContain('【実証');
    }
  });

  it('a match deep in a long sentence stays visible: the snippet is cut around it', () => {
    for (const kind of ENGINE_KINDS) {
      const hit = tiny[kind].search('実証').hits.find((h) => h.program.id === 'far');
      expect(hit, kind).toBeDefined();
      const { text, highlights } = hit!.snippet;
      expect(text.length, kind).toBeLessThanOrEqual(SNIPPET_MAX_CHARS);
      expect(text.startsWith('…'), kind).toBe(true);
      expect(highlights.length, kind).toBeGreaterThan(0);
      const [start, end] = highlights[0]!;
      expect(text.slice(start, end), kind).toMatch(/^実証/);
    }
  });
});
