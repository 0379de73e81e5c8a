import type { AgencyDirectory } from '../catalog/agencies.js';
import { PURPOSES } from '../catalog/constants.js';
import type { Program } from '../catalog/schema.js';
import { termForm } from './normalize.js';
import { byDeadline, ProgramPeriods } from './period-filter.js';
import { isEmptyQuery, parseQuery, withoutPeriod, type ParsedQuery } from './query.js';
import { boundQuery, MAX_QUERY_WORDS } from './query-bounds.js';
import { WORD_EDGES } from './nearby-terms.js';
import { makeSnippet } from './snippet.js';
import type { SerializedSearchIndex } from './index-format.js';
import type { MatchMode, SearchEngineInput, SearchEngineOptions, SearchHit, SearchOptions, SearchResponse, Suggestions } from './search-types.js';
import { IntentLists, type IntentTerms } from './intent-lists.js';
import { DEFAULTS } from './engine-defaults.js';
import type { TermSpec } from './vocabulary.js';
import { addUp, DocSet, filterScores, NO_SCORES, scale, softMax, startQuery, termsOf, type Scores } from './scores.js';
import { firstInOrder } from './rank.js';
import { answerByClauses, clausesOf } from './clauses.js';
import { closestConsultation, categoryFill, withClientWords } from './client-words.js';
import { QueryFilters } from './query-filters.js';
import { answerInSteps, stemOf, type QueryWord } from './fallback.js';
import { CatalogIndex, FIELD_BOOSTS, SEP, type FieldBoosts } from './catalog-index.js';
import { KEYWORD_BOOSTS, TermCache, WordScorer } from './word-scores.js';
import { QuestionWords, withoutEnglishFunctionWords } from './question-words.js';
import { similarPrograms } from './similar.js';
import { ConsultationGrams, fuseOrders } from './consultation-grams.js';

export { indexFingerprint, sourcesFingerprint, StaleIndexError, type SerializedSearchIndex } from './index-format.js';
export type { MatchMode, SearchEngineInput, SearchEngineOptions, SearchHit, SearchOptions, SearchResponse, Suggestions } from './search-types.js';
export { FIELD_BOOSTS } from './catalog-index.js';

/**
 * The search engine every surface calls (Slack, console, command line, notices, bench).
 * It knows nothing of Slack: a query string and a catalog in, ranked programs out.
 *
 * Ranking, in order of what decides it:
 * 1. Programs containing all the query's words come first; only when none does are
 *    programs with any word returned (`mode: 'any'`, and surfaces say so).
 * 2. A word matches as written (weight 1), then by the parts of a compound (事業承継 →
 *    事業 and 承継 apart, `partsWeight`), then by synonyms and intents from
 *    seeds/synonyms.yaml (`synonymWeight`, `intentWeight`): expansion adds recall without
 *    outranking an exact hit.
 * 3. Fields weigh name > agency > overview > results (FIELD_BOOSTS), scored by BM25.
 *
 * This file answers: it reads a question, asks for its words' scores and makes the answer,
 * suggestions and 似た事業 of them. The index it answers from, how it is built, loaded and
 * written, is catalog-index.ts; a word's scores are word-scores.ts; a question's text as the
 * index's words is question-words.ts. Split so each can be read (and changed) alone.
 */


/**
 * Words that describe the asker rather than the need (「会社を立て直したい」 is about
 * 立て直し). Dropped from a question whose meaning an intent already supplies.
 */
const ASKER_WORDS = new Set(['会社', '商品', 'お金', '金', '社員', '従業員', '自社', '当社', 'うち', 'お店', '店', '人', '製品', '事業'].map(termForm));

/** What a kept intent list is made again from, for its programs' terms (intent-lists.ts). */
interface IntentRecipe {
  spec: TermSpec;
  boosts: FieldBoosts;
  /** Whether the intent's word was looked for in names (unitScores), as decided for the whole catalog. */
  byName: { found?: boolean };
}

/** How many of a sentence's first programs consultation-grams.ts orders again (30 and 50 gave the same on the tuning sets, 20 less). */
const GRAM_DEPTH = 30;

/** Intents' lists kept across questions: at least this many entries (a small catalog keeps them all). */
const INTENT_LIST_BUDGET_MIN = 1 << 16;

export class SearchEngine {
  /** Implementing bodies (contacts for 詳細, spellings for 機関: filters). */
  readonly agencies: AgencyDirectory;
  private readonly input: SearchEngineInput;
  private readonly options: Required<SearchEngineOptions>;
  /** The question's words as scored lists of programs (word-scores.ts). */
  private readonly scorer: WordScorer;
  /** A question's text as the index's words (question-words.ts). */
  private readonly reader: QuestionWords;
  /** The query's filters (機関:, 重点:, 予算:, 目的:, periods, phrases) as the programs they allow; made on first use. */
  private queryFilters?: QueryFilters;
  /** Each intent's list over the whole catalog, kept across questions; made on first use. */
  private intentLists?: IntentLists<IntentRecipe>;
  /** The 相談例 by characters (consultation-grams.ts), made on the first sentence that asks. */
  private grams?: ConsultationGrams;
  /** The programs' periods (period-filter.ts): whether any has one, which are over; made on first use. */
  private periodsRead?: ProgramPeriods;
  private get periods(): ProgramPeriods {
    return (this.periodsRead ??= new ProgramPeriods(this.input.programs));
  }
  /** A kept intent list's terms, made again for some programs (holds the engine alone, no question's state). */
  private readonly intentTerms: IntentTerms<IntentRecipe> = {
    alone: (r, doc) => termsOf(this.scorer.unitScores(r.spec, new TermCache(r.boosts, doc), new Set(), undefined, { ...r.byName }), [doc]).get(doc),
    whole: (r, docs) => termsOf(this.scorer.unitScores(r.spec, new TermCache(r.boosts), new Set(), undefined, { ...r.byName }), docs),
  };

  private constructor(private readonly catalog: CatalogIndex) {
    this.input = catalog.input;
    this.options = { ...DEFAULTS, ...catalog.input.options };
    this.agencies = catalog.agencies;
    this.scorer = new WordScorer(catalog, this.options);
    this.reader = new QuestionWords(catalog);
  }

  /** Analyses and indexes every program, yielding to the event loop between batches (CatalogIndex.build). */
  static async build(input: SearchEngineInput, batchSize = 100): Promise<SearchEngine> {
    return new SearchEngine(await CatalogIndex.build(input, batchSize));
  }

  /** The built index as plain JSON, to be loaded at start instead of analysed again (CatalogIndex.toJSON). */
  toJSON(): SerializedSearchIndex {
    return this.catalog.toJSON();
  }

  /** Loads an index made by `toJSON`; refuses (StaleIndexError) one built from other sources (CatalogIndex.fromJSON). */
  static async fromJSON(json: SerializedSearchIndex, input: SearchEngineInput, { verified = false }: { verified?: boolean } = {}): Promise<SearchEngine> {
    return new SearchEngine(CatalogIndex.fromJSON(json, input, verified));
  }

  get size(): number {
    return this.catalog.size;
  }

  get programs(): readonly Program[] {
    return this.input.programs;
  }

  /** The vocabulary queries are read with (synonyms, intents, readings): warm-up.ts asks questions from it. */
  get vocabulary(): SearchEngineInput['vocabulary'] {
    return this.input.vocabulary;
  }

  get(id: string): Program | undefined {
    return this.catalog.byId.get(id);
  }

  /**
   * Makes ahead, without blocking for long, the tables a first question of some kind would make
   * on the spot: the programs' joined texts (a word inside names, a quoted phrase), about 2 s at
   * 100,000 programs. The warm-up calls it before its questions.
   */
  async prepareTables(pause: () => Promise<void>): Promise<void> {
    for (const kind of ['names', 'all'] as const) await this.catalog.texts().prepare(kind, pause);
  }

  /** Answers any text: it is bounded first (query-bounds.ts), so no query can stall the process. */
  search(raw: string, options: SearchOptions = {}): SearchResponse {
    // A question of two needs is also answered clause by clause (clauses.ts). Only free words:
    // a filter or a phrase would belong to one clause. Most questions have one clause, and are
    // answered without being parsed here too.
    if (this.options.clauseDepth <= 0 || !clausesOf(boundQuery(raw).text).length) return this.answer(raw, options);
    const parsed = parseQuery(this.catalog.variants.fold(boundQuery(raw).text), { periodsInSentences: this.periods.any });
    const wordsOnly = !parsed.phrases.length && isEmptyQuery({ ...parsed, words: [], phrases: [] });
    const byClauses = wordsOnly ? answerByClauses(raw, parsed.words.join(' '), options, this.options.clauseDepth, (text, o, probe) => this.answer(text, o, probe)) : undefined;
    return byClauses ?? this.answer(raw, options);
  }

  /**
   * One question answered as a whole (search: its clauses too). `probe`: programs to look up
   * in the answer, however far down (`inAnswer`: those it lists).
   */
  private answer(raw: string, options: SearchOptions = {}, probe?: ReadonlySet<string>): SearchResponse & { inAnswer?: Set<string> } {
    const { text: query, shortened: cut } = boundQuery(raw);
    let shortened = cut;
    // Spelling variants folded once, before anything reads the query (words, phrases, intents).
    const parsed = parseQuery(this.catalog.variants.fold(query), { periodsInSentences: this.periods.any });
    const errors = [...parsed.errors];
    const expanded = new Set<string>();
    let stepInfo: Pick<SearchResponse, 'step' | 'notFound' | 'usedInstead' | 'allCount'> = {};
    // Snippets are made only for the page returned: at 10,000 programs a broad query matches
    // thousands, and making every snippet dominated the query time (bench).
    const respond = (total: number, make: (i: number) => SearchHit, mode: MatchMode): SearchResponse => {
      const offset = options.offset ?? 0;
      const end = Math.min(total, options.limit === undefined ? total : offset + options.limit);
      const page: SearchHit[] = [];
      for (let i = offset; i < end; i++) page.push(make(i));
      const response: SearchResponse = { query, shortened, parsed, hits: page, total, mode, errors, expandedWith: [...expanded], ...stepInfo };
      if (mode === 'none') response.suggestions = this.suggest(parsed);
      // With or without jGrants programs: 事業承継 受付中 answered 近い言葉 as if 事業承継 had no match.
      const free = mode === 'none' && parsed.period ? withoutPeriod(query) : undefined;
      const freeTotal = free === undefined ? 0 : this.answer(free, { limit: 0 }).total;
      if (free !== undefined && freeTotal > 0) {
        response.suggestions!.withoutPeriod = { query: free, total: freeTotal };
        // The words did match: only the period left nothing (a script read notFound: ["創業"]).
        response.notFound = [];
      }
      return response;
    };
    const nothing = (): SearchHit => {
      throw new Error('no hits');
    };
    if (isEmptyQuery(parsed)) return respond(0, nothing, errors.length ? 'none' : 'empty');

    // The lists of the last search are not read any more: their memory is used again (scores.ts).
    startQuery();
    this.queryFilters ??= new QueryFilters(this.input.programs, this.agencies, this.input.vocabulary, () => this.catalog.texts(), this.catalog.labels(), (text) => this.reader.kanaRead(text));
    const allowed = this.queryFilters.allowedDocs(parsed, errors, options.now ?? new Date());
    // Kana read as the catalog writes it, before intents read the sentence (question-words.ts).
    const questionWords = parsed.words.map((w) => this.reader.withKanaRead(w));
    const chunks: string[] = [...questionWords, ...parsed.phrases];
    const { means: intents, purposes } = this.input.vocabulary.intentsOf(questionWords.join(' '));
    const unitsByChunk = chunks.map((chunk) => this.reader.unitsOf(chunk));
    // Words read out of one sentence (補助金の申請を手伝ってほしい), not typed apart.
    // The same word said again and again (創業創業…) is still that word.
    const sentence = unitsByChunk.some((u) => u.length > 1 && u.some((x) => x.term !== u[0]!.term));
    // A word or two typed apart is looked up by what programs are and say (name, overview…);
    // a sentence or an intent also by how clients put their needs (相談例).
    const cache = new TermCache(sentence || intents.length ? FIELD_BOOSTS : KEYWORD_BOOSTS);
    let units = unitsByChunk.flat();
    // A long run of words in one chunk (創業創業…) is many words even within the length limit:
    // many units (lexicon), or one compound of many parts (kuromoji).
    if (units.length > MAX_QUERY_WORDS) {
      units = units.slice(0, MAX_QUERY_WORDS);
      shortened = true;
    }
    if (units.some((u) => u.parts.length > MAX_QUERY_WORDS)) {
      units = units.map((u) => ({ ...u, parts: u.parts.slice(0, MAX_QUERY_WORDS) }));
      shortened = true;
    }
    if (intents.length) units = units.filter((u) => !ASKER_WORDS.has(u.term));
    units = withoutEnglishFunctionWords(parsed.words, units);
    // Per word, the programs that contain it as written (not through a synonym).
    const exact = units.map(() => new DocSet(this.size));
    const wordScores = units.map((unit, i) => this.scorer.unitScores(unit, cache, expanded, exact[i]));
    // A word typed apart that no program's name, overview… says may still be a client's word in
    // some 相談例 (焼酎, 黒豚): looked up there too before anything else, or a question of a
    // word the catalog holds came back empty.
    // Words that only 相談例 say (お金, 口座) are a client's words: the question is then read as
    // a client's (below), though typed as one word.
    let clientWordsOnly = false;
    if (cache.boosts === KEYWORD_BOOSTS) {
      let withConsultations: TermCache | undefined;
      let fromConsultations = 0;
      units.forEach((unit, i) => {
        if (wordScores[i]!.size) return;
        withConsultations ??= new TermCache(FIELD_BOOSTS);
        wordScores[i] = this.scorer.unitScores(unit, withConsultations, expanded, exact[i]);
        if (wordScores[i]!.size) fromConsultations++;
      });
      clientWordsOnly = fromConsultations > 0 && fromConsultations === units.length;
    }
    for (const s of intents) expanded.add(s.label);
    // Each intent's list over the whole catalog is kept across questions (intent-lists.ts).
    const budget = this.options.intentListBudget;
    const intentQuery = (this.intentLists ??= new IntentLists(budget > 0 ? Math.max(budget * this.size, INTENT_LIST_BUDGET_MIN) : 0, this.intentTerms, this.options.intentAloneCost)).startQuery();
    const intentList = (spec: TermSpec) =>
      this.intentLists!.listFor(`${cache.boosts === FIELD_BOOSTS ? 0 : 1}${SEP}${spec.term}${SEP}${spec.parts.join(SEP)}`, intentQuery, () => {
        const recipe: IntentRecipe = { spec, boosts: cache.boosts, byName: {} };
        return { scores: this.scorer.unitScores(spec, cache, new Set(), undefined, recipe.byName), recipe };
      });
    let intentScores = intents.length ? scale(softMax(intents.map(intentList), this.options.softMaxRest), this.options.intentWeight) : undefined;
    // The intent's purposes (reviewed per program) add programs that answer the question in
    // other words than the question's: 東京で売りたい → 販路拡大・海外展開.
    if (intentScores && purposes.length && this.options.purposeScore > 0) {
      intentScores = addUp([intentScores, this.scorer.purposeScores(purposes)]);
    }

    if (!units.length && !intentScores) {
      if (chunks.length || !allowed) return respond(0, nothing, 'none'); // only empty words (どうすればいい)
      // Programs with a deadline first, soonest first (catalog programs keep their order after them).
      const listed = byDeadline(this.input.programs.filter((_, doc) => allowed.has(doc)), options.now ?? new Date());
      const make = (i: number): SearchHit => ({ program: listed[i]!, score: 0, terms: [], snippet: makeSnippet(listed[i]!, parsed.phrases) });
      return respond(listed.length, make, listed.length ? 'filters' : 'none');
    }

    const programs = this.input.programs;
    const keep = (scores: Scores) => (allowed ? filterScores(scores, (doc) => allowed.has(doc)) : scores);
    // A word that matched nothing whole is looked for by its parts and stem (IT化 → IT).
    // A word with a suffix also stands for its stem, and what its synonyms find (IT化 → IT, DX).
    units.forEach((unit, i) => {
      if (!wordScores[i]!.size) wordScores[i] = this.scorer.partScores(unit, cache, expanded);
      else {
        const stem = stemOf(unit.term);
        if (stem) wordScores[i] = softMax([wordScores[i]!, scale(this.scorer.unitScores({ term: stem, parts: [] }, cache, expanded), this.options.partsWeight)], this.options.softMaxRest);
      }
    });
    // Steps (fallback.ts): all words, the question's meaning, any word (rare words first),
    // then words near those that matched nothing. Common words (鹿児島, 事業) never decide.
    const words: QueryWord[] = units.map((u, i) => ({ label: u.surface, scores: keep(wordScores[i]!), exact: exact[i]!, matched: wordScores[i]!.size }));
    const answer = answerInSteps(words, intentScores && keep(intentScores), this.size, (i) => {
      const near = this.scorer.nearbyScores(units[i]!, cache);
      return near && { ...near, scores: keep(near.scores) };
    }, sentence);
    let combined = answer.scores;
    const mode: MatchMode = answer.mode;
    // A question is also matched against how clients put their needs (client-words.ts).
    let clientQuestion: Array<Set<string>> | undefined;
    // The programs a need or purpose alone brought, as far as they reach the first pages.
    let categoryOnly = NO_SCORES;
    let labelOf: (doc: number) => string | undefined = () => undefined;
    // お金がない ranked サテライト・ゼミ first, on one 相談例 saying お金, until a client's word
    // alone was read this way too: the purpose its 相談例 lean to (資金繰り) now ranks the
    // programs it found. It brings none of its own: a word typed alone is still a keyword.
    if (this.options.consultationScore > 0 && (((sentence || intentScores) && units.length >= 2) || clientWordsOnly)) {
      const asked = (sentence || intentScores) && units.length >= 2;
      clientQuestion = units.map((u) => new Set([u.term, ...u.parts, ...this.input.vocabulary.synonymsOf(u.term).map((s) => s.term)]));
      const client = withClientWords(this.catalog, clientQuestion, combined, this.options, keep);
      combined = client.scores;
      labelOf = client.labelOf;
      if (asked) categoryOnly = categoryFill(combined, client.categoryOnly, (doc) => answer.tier(doc) > 0 || answer.exactCount(doc) > 0);
      if (categoryOnly.size) combined = addUp([combined, categoryOnly]);
    }
    stepInfo = { step: answer.step, notFound: answer.notFound, usedInstead: answer.usedInstead, ...(answer.allCount !== undefined ? { allCount: answer.allCount } : {}) };
    if (!combined.size) return respond(0, nothing, 'none');
    // An exact hit ranks first: programs containing more of the (deciding) words as written
    // come before programs found through synonyms. A colloquial question (an intent matched)
    // is the exception: its words as written (お金, 借りる) say little, so the score alone ranks.
    const exactWords = answer.exactCount;
    // Only as far as the page asked for is put in order (rank.ts): the same page, far fewer comparisons.
    // Entries are positions in `combined`; a program's catalog position is its doc.
    const { docs, scores } = combined;
    const entries = new Array<number>(docs.length);
    for (let i = 0; i < entries.length; i++) entries[i] = i;
    // A sentence's first GRAM_DEPTH are ordered again with its characters (consultation-grams.ts).
    const question = questionWords.join('');
    const regram = (sentence || intentScores !== undefined) && this.options.gramWeight > 0 && [...question].length >= this.options.gramMinLength;
    const wanted = options.limit === undefined ? entries.length : (options.offset ?? 0) + options.limit;
    // A program whose application period is over (受付終了, 掲載終了) ranks by a part of its score:
    // for 海外出願 four closed jGrants programs ranked above the one open (walk-through), yet one
    // asked for by name must not fall below every weak match (a hard key put it 79th of 79; review).
    const rankingAt = this.periods.rankingAt(options.now ?? new Date());
    const ranking = (e: number) => rankingAt(docs[e]!, scores[e]!);
    const ranked = firstInOrder(
      entries,
      regram ? Math.max(wanted, GRAM_DEPTH) : wanted,
      (a, b) => answer.tier(docs[b]!) - answer.tier(docs[a]!) || exactWords(docs[b]!) - exactWords(docs[a]!) || ranking(b) - ranking(a) || docs[a]! - docs[b]!,
    );
    if (regram) {
      const head = ranked.slice(0, GRAM_DEPTH);
      this.grams ??= new ConsultationGrams(this.input.programs);
      ranked.splice(0, head.length, ...fuseOrders(head, this.grams.similarities(question, head.map((e) => docs[e]!)), this.options.gramWeight));
    }
    // What the page's programs matched, worked out for them alone (scores.ts: termsOf).
    let pageTerms: Map<number, ReadonlySet<string>> | undefined;
    const make = (i: number): SearchHit => {
      const k = ranked[i]!;
      if (!pageTerms) {
        const pageDocs = ranked.slice(options.offset ?? 0, wanted).map((e) => docs[e]!);
        intentQuery.prepare(pageDocs);
        pageTerms = termsOf(combined, pageDocs);
      }
      const doc = docs[k]!;
      const hit = this.hit(programs[doc]!.id, scores[k]!, [...(pageTerms.get(doc) ?? [])], parsed.phrases);
      const consultation = clientQuestion && closestConsultation(this.catalog, doc, clientQuestion);
      if (consultation) hit.consultation = consultation;
      if (categoryOnly.has(doc)) hit.byCategory = labelOf(doc);
      return hit;
    };
    const response: SearchResponse & { inAnswer?: Set<string> } = respond(entries.length, make, mode);
    // Said when the page shows a program a need or purpose alone brought.
    const read = response.hits.find((h) => h.byCategory)?.byCategory;
    if (read) response.categoryRead = read;
    if (probe?.size) {
      const listed = new Set(docs);
      response.inAnswer = new Set([...probe].filter((id) => listed.has(this.catalog.order.get(id)!)));
    }
    return response;
  }

  private hit(id: string, score: number, terms: string[], phrases: string[]): SearchHit {
    const program = this.catalog.byId.get(id)!;
    const surfaces = new Set<string>(phrases);
    // Parts of a matched compound are not highlighted on their own (事業承継, not 小規模事業所).
    const shown = terms.filter((t) => !terms.some((other) => other !== t && other.includes(t)));
    for (const term of shown) {
      surfaces.add(term);
      for (const s of this.catalog.surfaces.get(term) ?? []) {
        surfaces.add(s);
        for (const v of this.catalog.variants.spellingsOf(s)) surfaces.add(v);
      }
    }
    return { program, score, terms, snippet: makeSnippet(program, [...surfaces]) };
  }

  /** Nearest vocabulary words, synonyms and the purpose categories: never a bare 「0件」. */
  suggest(parsed: ParsedQuery): Suggestions {
    const words = [...parsed.words, ...parsed.phrases];
    const queryTerms = words
      .flatMap((w) => this.reader.unitsOf(w))
      .slice(0, MAX_QUERY_WORDS)
      .flatMap((u) => [u.term, ...u.parts]);
    const scored = new Map<string, number>();
    // Made on the first answer with no hits, from the finished index.
    const nearby = this.catalog.nearby();
    for (const q of queryTerms) {
      for (const [term, score] of nearby.near(q)) scored.set(term, Math.max(scored.get(term) ?? 0, score));
    }
    const terms = [...scored]
      .filter(([t]) => WORD_EDGES.test(t))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([t]) => [...(this.catalog.surfaces.get(t) ?? [t])][0]!);
    const synonyms = new Set<string>();
    for (const q of queryTerms) for (const s of this.input.vocabulary.synonymsOf(q)) if (this.catalog.documentFrequency.has(s.term)) synonyms.add(s.label);
    // Counted once per catalog (at 100,000 programs, counting them for each answer took 300 ms).
    const purposes = PURPOSES.map((purpose) => ({ purpose, count: this.catalog.labels().purposes.count(purpose) })).filter((p) => p.count > 0);
    return { terms, synonyms: [...synonyms].slice(0, 8), purposes };
  }

  /** Programs most like `id` (similar.ts), best first. */
  similar(id: string, limit = 3): SearchHit[] {
    return similarPrograms(this.catalog, this.scorer, id, limit).map((m) => this.hit(m.id, m.score, m.terms, []));
  }
}
