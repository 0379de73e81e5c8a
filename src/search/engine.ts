import MiniSearch, { type Options } from 'minisearch';
import { AgencyDirectory } from '../catalog/agencies.js';
import { KEY_PROJECTS, type KeyProjectNumber } from '../catalog/key-projects.js';
import { PURPOSES, type Purpose } from '../catalog/constants.js';
import type { Program } from '../catalog/schema.js';
import type { Analyzer, AnalyzedUnit, LexiconEntry } from './analyzer.js';
import { compactForm, isKanaOnly, termForm } from './normalize.js';
import { byDeadline } from './period-filter.js';
import { isEmptyQuery, parseQuery, type ParsedQuery } from './query.js';
import { boundQuery, MAX_QUERY_WORDS } from './query-bounds.js';
import { NearbyTerms, WORD_EDGES } from './nearby-terms.js';
import { makeSnippet } from './snippet.js';
import { foldingAnalyzer, Variants } from './variants.js';
import { generalSynonymMap } from './general-synonyms.js';
import { ConsultationMatcher } from './consultation-match.js';
import { indexFingerprint, SERIALIZED_VERSION, StaleIndexError, type SerializedSearchIndex } from './index-format.js';
import type { MatchMode, SearchEngineInput, SearchEngineOptions, SearchHit, SearchOptions, SearchResponse, Suggestions } from './search-types.js';
import { ProgramTexts } from './program-texts.js';
import { ALONE_COST_IN_ENTRIES, IntentLists, type IntentTerms } from './intent-lists.js';
import type { TermSpec } from './vocabulary.js';
import { KanaWordTally } from './kana-endings.js';
import { LexiconAnalyzer } from './lexicon-analyzer.js';
import { KanaReadings, MIN_READING, readKanaWords } from './kana-reading.js';
import { addUp, constantScores, DocSet, filterScores, intersect, NO_SCORES, scale, softMax, startQuery, termsOf, type Scores } from './scores.js';
import { postingsView, termScoresAt, termScores as termScoresOf, type PostingsView } from './term-scores.js';
import { compactIndex, loadMiniSearchConsuming, type CompactIndex } from './index-load.js';
import { compactPacked, PostingsPacker, WordPool, type PackedTerms } from './index-build.js';
import { firstInOrder } from './rank.js';
import { answerByClauses, clausesOf } from './clauses.js';
import { QueryFilters } from './query-filters.js';
import { ProgramLabels } from './program-labels.js';
import { answerInSteps, isCommon, partsToTry, stemOf, type QueryWord } from './fallback.js';

export { indexFingerprint, sourcesFingerprint, StaleIndexError, type SerializedSearchIndex } from './index-format.js';
export type { MatchMode, SearchEngineInput, SearchEngineOptions, SearchHit, SearchOptions, SearchResponse, Suggestions } from './search-types.js';

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
 */

/** Indexed fields and their weights. Readings are indexed apart so kana queries find kanji. */
export const FIELD_BOOSTS = {
  name: 4,
  agency: 3,
  overview: 2,
  purposes: 1.5,
  consultations: 1.5,
  results: 1,
  relatedOrgs: 0.5,
  keyProjects: 0.5,
  nameReading: 2,
  textReading: 0.8,
} as const;
type Field = keyof typeof FIELD_BOOSTS;
type FieldBoosts = Record<Field, number>;

/**
 * FIELD_BOOSTS for a question of a word or words typed apart: what programs are and say, not
 * the 相談例 (0: not searched, term-scores.ts). With 14–16 相談例 per program, 採用 in a few of
 * 障害者雇用's put it first for 採用, above the programs whose name and overview say 採用: a
 * word found in a 相談例 counts as written, and written words rank first.
 */
const KEYWORD_BOOSTS: FieldBoosts = { ...FIELD_BOOSTS, consultations: 0 };

/** 似た事業: a program's words looked up in the others' names, overviews and purposes only (0: not searched). */
const SIMILAR_BOOSTS: FieldBoosts = Object.fromEntries(Object.keys(FIELD_BOOSTS).map((f) => [f, f === 'name' || f === 'overview' || f === 'purposes' ? 1 : 0])) as FieldBoosts;

/** One query's term lists, looked up with one set of field weights. */
class TermCache extends Map<string, Scores> {
  constructor(
    readonly boosts: FieldBoosts = FIELD_BOOSTS,
    /** Looks terms up for this program alone (intent-lists.ts: a kept list's terms). */
    readonly only?: number,
  ) {
    super();
  }
}
const FIELDS = Object.keys(FIELD_BOOSTS) as Field[];

/**
 * Intents' lists kept across questions (intent-lists.ts), per program: a few dozen intents list
 * up to half the catalog each; 16 entries (192 bytes) per program is 19 MB at 100,000 programs.
 */
const INTENT_LIST_BUDGET_PER_PROGRAM = 16;

// Chosen by a sweep on tests/fixtures/queries.yaml (overall recall@5 moved by < 0.01 across
// the grid, so these are not finely tuned; vocabulary matters far more). Issue 16 swept the
// intents again: intentWeight 1 → 0.5 and purposeScore 8 → 16 (colloquial recall@5 0.794 →
// 0.835; 12 to 24 equal): the purposes reviewed per program say more than the intent's words.
const DEFAULTS: Required<SearchEngineOptions> = { partsWeight: 0.5, synonymWeight: 0.3, intentWeight: 0.5, softMaxRest: 0.05, purposeScore: 16, generalSynonymWeight: 0.2, consultationScore: 30, clauseDepth: 5, intentListBudget: INTENT_LIST_BUDGET_PER_PROGRAM, intentAloneCost: ALONE_COST_IN_ENTRIES };

/**
 * Words that describe the asker rather than the need (「会社を立て直したい」 is about
 * 立て直し). Dropped from a question whose meaning an intent already supplies.
 */
const ASKER_WORDS = new Set(['会社', '商品', 'お金', '金', '社員', '従業員', '自社', '当社', 'うち', 'お店', '店', '人', '製品', '事業'].map(termForm));

interface IndexedDocument extends Record<Field, string> {
  id: string;
}

/** Terms are analysed before MiniSearch sees them; fields carry them joined by this. */
const SEP = '\u0000';

/** What a kept intent list is made again from, for its programs' terms (intent-lists.ts). */
interface IntentRecipe {
  spec: TermSpec;
  boosts: FieldBoosts;
  /** Whether the intent's word was looked for in names (unitScores), as decided for the whole catalog. */
  byName: { found?: boolean };
}

/** Intents' lists kept across questions: at least this many entries (a small catalog keeps them all). */
const INTENT_LIST_BUDGET_MIN = 1 << 16;

function miniSearchOptions(): Options<IndexedDocument> {
  const identity = (term: string) => term;
  return {
    idField: 'id',
    fields: FIELDS,
    storeFields: [],
    tokenize: (text) => (text ? text.split(SEP) : []),
    processTerm: identity,
    searchOptions: { tokenize: (text) => [text], processTerm: identity },
  };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SearchEngine {
  private readonly byId = new Map<string, Program>();
  private readonly order = new Map<string, number>();
  /** Implementing bodies (contacts for 詳細, spellings for 機関: filters). */
  readonly agencies: AgencyDirectory;
  /** Index term → how it is written in the catalog (for snippets and suggestions). */
  private readonly surfaces = new Map<string, Set<string>>();
  /** Index term → number of programs containing it (name, overview, results). */
  private readonly documentFrequency = new Map<string, number>();
  /** Every word the index holds, by how it is written (see LexiconAnalyzer). */
  private readonly lexicon = new Map<string, LexiconEntry>();
  /** Program → its own distinctive words, for `similar`. */
  private readonly docTerms = new Map<string, string[]>();
  /** The programs by purpose, key project and source (purposeScores, suggest, similar, filters); made on first use. */
  private programLabels?: ProgramLabels;
  /** Programs' names and texts in compact form, for words inside names and phrases; made on first use. */
  private programTexts?: ProgramTexts;
  private nearbyTerms?: NearbyTerms;
  /** MiniSearch's short id → the program's catalog position (what scores.ts names programs by), and its field lengths; made on the first query. */
  private postings?: PostingsView;
  /** Readings of the catalog's words, for questions typed in kana; made on the first one. */
  private kanaReadings?: KanaReadings;
  /** Each program's 相談例 as word sets (consultation-match.ts). */
  private consultations?: ConsultationMatcher;
  /** term → catalog words the general dictionary gives as its synonyms. */
  private generalSynonyms = new Map<string, string[]>();
  /** The query's filters (機関:, 重点:, 予算:, 目的:, periods, phrases) as the programs they allow; made on first use. */
  private queryFilters?: QueryFilters;
  /** Each intent's list over the whole catalog, kept across questions; made on first use. */
  private intentLists?: IntentLists<IntentRecipe>;
  /** A kept intent list's terms, made again for some programs (holds the engine alone, no question's state). */
  private readonly intentTerms: IntentTerms<IntentRecipe> = {
    alone: (r, doc) => termsOf(this.unitScores(r.spec, new TermCache(r.boosts, doc), new Set(), undefined, { ...r.byName }), [doc]).get(doc),
    whole: (r, docs) => termsOf(this.unitScores(r.spec, new TermCache(r.boosts), new Set(), undefined, { ...r.byName }), docs),
  };
  private readonly options: Required<SearchEngineOptions>;
  private readonly variants: Variants;
  /** The input's analyzer behind the variant folding. */
  private readonly analyzer: Analyzer;
  private index: MiniSearch<IndexedDocument>;
  /** The postings as the build packed them (index-build.ts), for toJSON; a loaded index has none. */
  private packedTerms?: PackedTerms;
  /** While building: where the analyser made words of kana (kana-endings.ts). */
  private kanaWords?: KanaWordTally;
  /** While building: one copy of each word kept per program (index-build.ts). */
  private wordPool?: WordPool;

  private constructor(private readonly input: SearchEngineInput) {
    this.options = { ...DEFAULTS, ...input.options };
    this.variants = input.variants ?? new Variants();
    this.analyzer = foldingAnalyzer(input.analyzer, this.variants);
    this.agencies = new AgencyDirectory(input.agencies);
    input.programs.forEach((p, i) => {
      this.byId.set(p.id, p);
      this.order.set(p.id, i);
    });
    this.index = new MiniSearch(miniSearchOptions());
  }

  /**
   * Analyses and indexes every program. Yields to the event loop between batches so a bot
   * that rebuilds its index keeps answering meanwhile.
   */
  static async build(input: SearchEngineInput, batchSize = 100): Promise<SearchEngine> {
    const engine = new SearchEngine(input);
    // Indexed batch by batch (in catalog order, as one addAll would): the analysed documents
    // of a large catalog are never all alive at once (issue 13: the build's peak).
    // MiniSearch's postings kept packed (index-build.ts): its Maps held them at 48 bytes
    // each, the largest part of a 100,000-program build.
    const packer = new PostingsPacker(engine.index);
    engine.wordPool = new WordPool();
    engine.kanaWords = new KanaWordTally();
    let batch: IndexedDocument[] = [];
    for (const program of input.programs) {
      batch.push(engine.analyzeProgram(program));
      if (batch.length === batchSize) {
        engine.index.addAll(batch);
        batch = [];
        await yieldToEventLoop();
      }
    }
    engine.index.addAll(batch);
    engine.packedTerms = packer.finish(miniSearchOptions());
    engine.wordPool = undefined;
    // Kana the text mostly writes as endings is no word to split questions by (kana-endings.ts):
    // where the texts write the kana words kuromoji made, batch by batch as above.
    const tally = engine.kanaWords;
    engine.kanaWords = undefined;
    for (let at = 0; at < input.programs.length; at += batchSize) {
      for (const program of input.programs.slice(at, at + batchSize)) for (const text of Object.values(engine.fieldTexts(program))) tally.countWritten(engine.variants.fold(text));
      await yieldToEventLoop();
    }
    for (const surface of tally.endings()) engine.lexicon.delete(surface);
    engine.consultations = engine.consultationMatcher();
    if (input.generalSynonymGroups) {
      engine.generalSynonyms = generalSynonymMap(input.generalSynonymGroups, new Set(engine.documentFrequency.keys()), (t) => engine.variants.fold(t));
    }
    // Staff's words join the lexicon too, so a query analysed without kuromoji still finds
    // 後継ぎ or お金 even where no program spells them.
    for (const w of input.vocabulary.allWords()) {
      const surface = engine.variants.fold(w.label);
      if (!engine.lexicon.has(surface)) engine.lexicon.set(surface, { surface, term: w.term, reading: w.reading, parts: w.parts });
    }
    return engine;
  }

  /**
   * The built index as plain JSON, so a large catalog can be indexed ahead (`shien index`)
   * and loaded at start instead of being analysed again (kuromoji: ~150,000 characters/s).
   */
  toJSON(): SerializedSearchIndex {
    return {
      version: SERIALIZED_VERSION,
      catalog: indexFingerprint(this.input),
      index: this.packedTerms ? compactPacked(this.index, this.packedTerms) : compactIndex(this.index),
      lexicon: [...this.lexicon.values()],
      documentFrequency: [...this.documentFrequency],
      docTerms: [...this.docTerms],
      ...(this.generalSynonyms.size ? { generalSynonyms: [...this.generalSynonyms] } : {}),
      consultations: this.servedConsultations().toJSON(),
    };
  }

  /**
   * Loads an index made by `toJSON`; refuses (StaleIndexError) one built from other sources
   * (unless `verified`: the caller took the sources from the index file itself).
   * `input.analyzer` may be a LexiconAnalyzer made from `json.lexicon`: then no kuromoji is needed.
   */
  static async fromJSON(json: SerializedSearchIndex, input: SearchEngineInput, { verified = false }: { verified?: boolean } = {}): Promise<SearchEngine> {
    if (json.version !== SERIALIZED_VERSION) throw new StaleIndexError(`索引の形式が違います (version ${json.version}、必要 ${SERIALIZED_VERSION})。作り直してください。`);
    // `verified`: the input's sources are the ones stored in the index file beside it (load.ts),
    // so hashing them again (a JSON copy of every program) could only agree.
    if (!verified && json.catalog !== indexFingerprint(input)) throw new StaleIndexError('索引は別のカタログ (または別の synonyms.yaml / agencies.yaml) から作られています。作り直してください。');
    const engine = new SearchEngine(input);
    // Takes the parsed object (no second JSON round trip: 36 s of a 100k load) and consumes
    // json.index as it goes, so the parsed and the loaded index do not peak together.
    engine.index = loadMiniSearchConsuming(json.index as CompactIndex, miniSearchOptions());
    for (const entry of json.lexicon) engine.learn(entry);
    for (const [t, n] of json.documentFrequency) engine.documentFrequency.set(t, n);
    for (const [id, terms] of json.docTerms) engine.docTerms.set(id, terms);
    // The stored words are the lexicon's (servedConsultations); an engine given another
    // analyser (kuromoji: tests, tools) analyses them as it will analyse the questions.
    engine.consultations = input.analyzer instanceof LexiconAnalyzer ? ConsultationMatcher.fromJSON(json.consultations) : engine.consultationMatcher();
    engine.generalSynonyms = new Map(json.generalSynonyms ?? []);
    return engine;
  }

  get size(): number {
    return this.byId.size;
  }

  get programs(): readonly Program[] {
    return this.input.programs;
  }

  /** The vocabulary queries are read with (synonyms, intents, readings): warm-up.ts asks questions from it. */
  get vocabulary(): SearchEngineInput['vocabulary'] {
    return this.input.vocabulary;
  }

  get(id: string): Program | undefined {
    return this.byId.get(id);
  }

  /** Records a word the index holds: for snippets (term → surfaces) and the lexicon. */
  private learn(entry: LexiconEntry): void {
    if (!this.lexicon.has(entry.surface)) this.lexicon.set(entry.surface, entry);
    let set = this.surfaces.get(entry.term);
    if (!set) this.surfaces.set(entry.term, (set = new Set()));
    set.add(entry.surface);
  }

  /** A program's text per indexed field (the readings are made from them). */
  private fieldTexts(program: Program): Record<Exclude<Field, 'nameReading' | 'textReading'>, string> {
    const agency = this.agencies.resolve(program.agency);
    return {
      name: program.name,
      agency: [program.agency, ...this.agencies.spellingsOf(program.agency), agency?.kind].filter(Boolean).join('\n'),
      overview: program.overview ?? '',
      purposes: (program.purposes ?? []).join('\n'),
      consultations: (program.consultations ?? []).join('\n'),
      results: program.results ?? '',
      relatedOrgs: program.relatedOrgs ?? '',
      keyProjects: (program.keyProjects ?? []).map((n) => KEY_PROJECTS[n as KeyProjectNumber]).join('\n'),
    };
  }

  private analyzeProgram(program: Program): IndexedDocument {
    const { analyzer } = this;
    const texts = this.fieldTexts(program);
    const doc = { id: program.id } as IndexedDocument;
    const nameReadings: string[] = [];
    const textReadings: string[] = [];
    const seen = new Set<string>();
    for (const [field, text] of Object.entries(texts) as Array<[keyof typeof texts, string]>) {
      const analyzed = analyzer.analyze(text);
      // Agency spellings are also indexed whole: kuromoji cuts nicknames like かしん apart.
      if (field === 'agency') for (const spelling of text.split('\n')) analyzed.terms.push(compactForm(spelling));
      doc[field] = analyzed.terms.join(SEP);
      (field === 'name' || field === 'agency' ? nameReadings : textReadings).push(...analyzed.readings);
      for (const entry of analyzed.entries) {
        this.learn(entry);
        this.kanaWords?.note(entry.surface);
      }
      if (field === 'name' || field === 'overview' || field === 'results') for (const t of analyzed.terms) seen.add(t);
    }
    doc.nameReading = nameReadings.join(SEP);
    doc.textReading = textReadings.join(SEP);
    for (const t of seen) this.documentFrequency.set(t, (this.documentFrequency.get(t) ?? 0) + 1);
    const own = new Set<string>();
    for (const unit of analyzer.units(`${program.name}\n${program.overview ?? ''}`)) {
      own.add(unit.term);
      for (const p of unit.parts) own.add(p);
    }
    const words = [...own].slice(0, 40);
    const pool = this.wordPool;
    this.docTerms.set(program.id, pool ? words.map((w) => pool.of(w)) : words);
    return doc;
  }

  // ---- queries -------------------------------------------------------------------------
  //
  // Each alternative a word may match (itself, its parts, a synonym) is looked up on its
  // own in MiniSearch (BM25 with FIELD_BOOSTS), and the alternatives of one word are
  // combined by a soft maximum: the best alternative counts in full, the others a little.
  // A plain OR would add them up, and a program mentioning five synonyms would outrank one
  // that says exactly what was asked.

  private termScores(term: string, cache: TermCache): Scores {
    let scores = cache.get(term);
    if (!scores) {
      // MiniSearch's scores of the term, without its result objects and sort (term-scores.ts),
      // programs named by their catalog position (scores.ts); the table is made on the first query.
      this.postings ??= postingsView(this.index, (id) => this.order.get(id));
      scores = cache.only === undefined ? termScoresOf(this.index, term, cache.boosts, this.postings) : termScoresAt(this.index, term, cache.boosts, this.postings, cache.only);
      cache.set(term, scores);
    }
    return scores;
  }

  /** A word, whole or (a compound) by all its parts apart; `partSynonyms` lets each part match its synonyms. */
  private specScores(spec: { term: string; parts: string[] }, cache: TermCache, partSynonyms = false): Scores {
    // Made once per query: a synonym group's words are each other's synonyms, so a question whose
    // intent means several of them asked for each of the others again (half of the calls of a
    // colloquial question). Kept in the term cache under a key no term has (terms never hold SEP).
    const key = `${SEP}${partSynonyms ? 1 : 0}${SEP}${spec.term}${SEP}${spec.parts.join(SEP)}`;
    const made = cache.get(key);
    if (made) return made;
    const scores = this.specScoresOnce(spec, cache, partSynonyms);
    cache.set(key, scores);
    return scores;
  }

  private specScoresOnce(spec: { term: string; parts: string[] }, cache: TermCache, partSynonyms: boolean): Scores {
    const alternatives = [this.termScores(spec.term, cache)];
    if (spec.parts.length >= 2) {
      const parts = spec.parts.map((p) => {
        const own = this.termScores(p, cache);
        if (!partSynonyms) return own;
        // Pushed, not spread from a mapped array: an empty map() result has another elements
        // kind than a full one, and the spread's optimised code was thrown away on the change.
        const withSynonyms = [own];
        for (const s of this.input.vocabulary.synonymsOf(p)) withSynonyms.push(scale(this.specScores(s, cache), this.options.synonymWeight));
        return softMax(withSynonyms, this.options.softMaxRest);
      });
      alternatives.push(scale(intersect(parts), this.options.partsWeight));
    }
    return softMax(alternatives, this.options.softMaxRest);
  }

  /**
   * One word of the query with everything it may match, weighted. `byName`: whether the word was
   * looked for in names, recorded (undefined) or as recorded for the whole catalog (a program
   * alone, `cache.only`, may not have the word where the catalog does).
   */
  private unitScores(unit: { term: string; parts: string[] }, cache: TermCache, expanded: Set<string>, literal?: DocSet, byName: { found?: boolean } = {}): Scores {
    let own = this.specScores(unit, cache);
    // A word the index does not hold as a term may still be part of a name (そうしん in
    // そうしんTOBO会): look for it in names and agency spellings.
    byName.found ??= !own.size && unit.term.length >= 2;
    if (byName.found) own = this.nameContaining(unit.term);
    literal?.addAll(own.docs);
    const alternatives = [own];
    if (unit.parts.length >= 2) alternatives.push(this.specScores(unit, cache, true));
    const handKept = this.input.vocabulary.synonymsOf(unit.term);
    for (const s of handKept) {
      const scores = this.specScores(s, cache);
      if (scores.size) expanded.add(s.label);
      alternatives.push(scale(scores, this.options.synonymWeight));
    }
    // The general dictionary, under staff's words: only what they do not already say.
    if (this.options.generalSynonymWeight > 0) {
      for (const t of this.generalSynonyms.get(unit.term) ?? []) {
        if (handKept.some((s) => s.term === t)) continue;
        const scores = this.termScores(t, cache);
        if (scores.size) expanded.add([...(this.surfaces.get(t) ?? [t])][0]!);
        alternatives.push(scale(scores, this.options.generalSynonymWeight));
      }
    }
    return softMax(alternatives, this.options.softMaxRest);
  }

  /** Words of one whitespace-separated chunk. Kana-only chunks are readings or loanwords. */
  private unitsOf(chunk: string): AnalyzedUnit[] {
    const normalized = chunk.normalize('NFKC');
    if (isKanaOnly(normalized)) {
      const kana = termForm(normalized);
      const known = this.input.vocabulary.byKanaReading(kana);
      // A reading of a word staff listed (じぎょうしょうけい) stands for the written word.
      if (known && known.term !== kana) return [{ term: known.term, surface: known.label, reading: kana, parts: known.parts }];
      // A kana word the index does not hold may be a question typed in kana: the catalog words
      // whose readings make it up (kana-reading.ts).
      if (!this.documentFrequency.has(kana) && !this.termScores(kana, new TermCache()).size) {
        this.kanaReadings ??= new KanaReadings(this.lexicon.values(), (t) => this.documentFrequency.get(t) ?? 0);
        const split = this.kanaReadings.split(kana);
        if (split.length) return split;
      }
      return [{ term: kana, surface: normalized, reading: kana, parts: [] }];
    }
    return this.analyzer.units(normalized);
  }

  /**
   * The longest word from `at` that the catalog writes in kana, as it writes it: かごしま stays
   * かごしま (not 鹿児島), いんばうんど becomes インバウンド.
   */
  private kanaWrittenAt(run: string, at: number): { surface: string; length: number } | undefined {
    for (let n = run.length - at; n >= MIN_READING; n--) {
      const word = run.slice(at, at + n);
      if (!this.documentFrequency.has(word)) continue;
      const surface = [...(this.surfaces.get(word) ?? [])].find((s) => termForm(s) === word);
      return { surface: surface ?? word, length: n };
    }
    return undefined;
  }

  /** The word a kana run spells from `at`: a word staff listed first, else a catalog word. */
  private kanaWordAt(run: string, at: number): { surface: string; length: number } | undefined {
    const written = this.kanaWrittenAt(run, at);
    if (written) return written;
    for (let n = run.length - at; n >= MIN_READING; n--) {
      const known = this.input.vocabulary.byKanaReading(run.slice(at, at + n));
      if (known && KANJI_OR_KATAKANA.test(known.label)) return { surface: known.label, length: n };
    }
    this.kanaReadings ??= new KanaReadings(this.lexicon.values(), (t) => this.documentFrequency.get(t) ?? 0);
    const entry = this.kanaReadings.longestAt(run, at);
    return entry && KANJI_OR_KATAKANA.test(entry.surface) ? { surface: entry.surface, length: entry.reading.length } : undefined;
  }

  /**
   * The 相談例 as a process serving this index file would analyse them: with the lexicon
   * written beside them, which is what splits its questions (kuromoji may cut a word another
   * way, and then an example would not say the question's word).
   */
  private servedConsultations(): ConsultationMatcher {
    if (this.input.analyzer instanceof LexiconAnalyzer) return (this.consultations ??= this.consultationMatcher());
    const served = foldingAnalyzer(new LexiconAnalyzer(this.lexicon.values()), this.variants);
    return new ConsultationMatcher(this.input.programs, (text) => served.units(text).flatMap((u) => [u.term, ...u.parts]));
  }

  /** Each program's 相談例 as word sets: made with the index, so no question pays for analysing them. */
  private consultationMatcher(): ConsultationMatcher {
    return new ConsultationMatcher(this.input.programs, (text) => this.analyzer.units(text).flatMap((u) => [u.term, ...u.parts]));
  }

  /** A word that matched nothing whole, by its parts and stem apart (any of them), at partsWeight. */
  private partScores(unit: { term: string; parts: string[] }, cache: TermCache, expanded: Set<string>): Scores {
    const lists = partsToTry(unit)
      .map((p) => this.unitScores({ term: p, parts: [] }, cache, expanded))
      .filter((s) => s.size);
    const rare = lists.filter((s) => !isCommon(s.size, this.size));
    return scale(addUp(rare.length ? rare : lists), this.options.partsWeight);
  }

  /** The catalog's words nearest to one that matched nothing (a typo, another spelling): the last step. */
  private nearbyScores(unit: { term: string }, cache: TermCache): { scores: Scores; matched: number; used: string[] } | undefined {
    if (unit.term.length < 2) return undefined;
    this.nearbyTerms ??= new NearbyTerms(this.documentFrequency);
    const near = this.nearbyTerms
      .near(unit.term)
      .filter(([t, score]) => score >= NEARBY_MIN_SCORE && WORD_EDGES.test(t))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2);
    if (!near.length) return undefined;
    const scores = addUp(near.map(([t]) => this.termScores(t, cache)));
    return { scores, matched: scores.size, used: near.map(([t]) => [...(this.surfaces.get(t) ?? [t])][0]!) };
  }

  private labels(): ProgramLabels {
    return (this.programLabels ??= new ProgramLabels(this.input.programs));
  }

  /**
   * Programs having any of `purposes`, in catalog order, each at purposeScore. From per-purpose
   * lists made once (on the first intent with purposes): at 10,000 programs, reading every
   * program's purposes for each colloquial question was 2 ms of it.
   */
  private purposeScores(purposes: readonly Purpose[]): Scores {
    const lists: Int32Array[] = [];
    for (const x of new Set(purposes)) {
      const docs = this.labels().purposes.having(x);
      if (docs.length) lists.push(docs);
    }
    if (!lists.length) return NO_SCORES;
    // One list is in catalog order already; several are merged, a program once.
    const docs = lists.length === 1 ? lists[0]! : Int32Array.from(new Set(lists.flatMap((l) => [...l]))).sort();
    return constantScores(docs, this.options.purposeScore, new Set<string>());
  }

  /** Programs whose name or agency spelling contains `term`, at a modest fixed score. */
  private nameContaining(term: string): Scores {
    const docs = Int32Array.from(this.texts().containing('names', term));
    return constantScores(docs, NAME_CONTAINS_SCORE, new Set([term]));
  }

  /**
   * Makes ahead, without blocking for long, the tables a first question of some kind would make
   * on the spot: the programs' joined texts (a word inside names, a quoted phrase), about 2 s at
   * 100,000 programs. The warm-up calls it before its questions.
   */
  async prepareTables(pause: () => Promise<void>): Promise<void> {
    for (const kind of ['names', 'all'] as const) await this.texts().prepare(kind, pause);
  }

  private texts(): ProgramTexts {
    return (this.programTexts ??= new ProgramTexts(this.input.programs, (f) => compactForm(this.variants.fold(f)), (agency) => this.agencies.spellingsOf(agency)));
  }

  /** Answers any text: it is bounded first (query-bounds.ts), so no query can stall the process. */
  search(raw: string, options: SearchOptions = {}): SearchResponse {
    // A question of two needs is also answered clause by clause (clauses.ts). Only free words:
    // a filter or a phrase would belong to one clause. Most questions have one clause, and are
    // answered without being parsed here too.
    if (this.options.clauseDepth <= 0 || !clausesOf(boundQuery(raw).text).length) return this.answer(raw, options);
    const parsed = parseQuery(this.variants.fold(boundQuery(raw).text));
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
    const parsed = parseQuery(this.variants.fold(query));
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
      return response;
    };
    const nothing = (): SearchHit => {
      throw new Error('no hits');
    };
    if (isEmptyQuery(parsed)) return respond(0, nothing, errors.length ? 'none' : 'empty');

    // The lists of the last search are not read any more: their memory is used again (scores.ts).
    startQuery();
    this.queryFilters ??= new QueryFilters(this.input.programs, this.agencies, this.input.vocabulary, () => this.texts(), this.labels());
    const allowed = this.queryFilters.allowedDocs(parsed, errors, options.now ?? new Date());
    // Kana words inside a sentence written as the catalog writes them (kana-reading.ts), before
    // intents read the sentence: きぎょうしたい大学生 means what 起業したい大学生 means.
    const questionWords = parsed.words.map((w) => (isKanaOnly(w.normalize('NFKC')) ? w : readKanaWords(w.normalize('NFKC'), (run, at) => this.kanaWordAt(run, at))));
    const chunks: string[] = [...questionWords, ...parsed.phrases];
    const { means: intents, purposes } = this.input.vocabulary.intentsOf(questionWords.join(' '));
    const unitsByChunk = chunks.map((chunk) => this.unitsOf(chunk));
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
    // Per word, the programs that contain it as written (not through a synonym).
    const exact = units.map(() => new DocSet(this.size));
    const wordScores = units.map((unit, i) => this.unitScores(unit, cache, expanded, exact[i]));
    for (const s of intents) expanded.add(s.label);
    // Each intent's list over the whole catalog is kept across questions (intent-lists.ts).
    const budget = this.options.intentListBudget;
    const intentQuery = (this.intentLists ??= new IntentLists(budget > 0 ? Math.max(budget * this.size, INTENT_LIST_BUDGET_MIN) : 0, this.intentTerms, this.options.intentAloneCost)).startQuery();
    const intentList = (spec: TermSpec) =>
      this.intentLists!.listFor(`${cache.boosts === FIELD_BOOSTS ? 0 : 1}${SEP}${spec.term}${SEP}${spec.parts.join(SEP)}`, intentQuery, () => {
        const recipe: IntentRecipe = { spec, boosts: cache.boosts, byName: {} };
        return { scores: this.unitScores(spec, cache, new Set(), undefined, recipe.byName), recipe };
      });
    let intentScores = intents.length ? scale(softMax(intents.map(intentList), this.options.softMaxRest), this.options.intentWeight) : undefined;
    // The intent's purposes (reviewed per program) add programs that answer the question in
    // other words than the question's: 東京で売りたい → 販路拡大・海外展開.
    if (intentScores && purposes.length && this.options.purposeScore > 0) {
      intentScores = addUp([intentScores, this.purposeScores(purposes)]);
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
      if (!wordScores[i]!.size) wordScores[i] = this.partScores(unit, cache, expanded);
      else {
        const stem = stemOf(unit.term);
        if (stem) wordScores[i] = softMax([wordScores[i]!, scale(this.unitScores({ term: stem, parts: [] }, cache, expanded), this.options.partsWeight)], this.options.softMaxRest);
      }
    });
    // Steps (fallback.ts): all words, the question's meaning, any word (rare words first),
    // then words near those that matched nothing. Common words (鹿児島, 事業) never decide.
    const words: QueryWord[] = units.map((u, i) => ({ label: u.surface, scores: keep(wordScores[i]!), exact: exact[i]!, matched: wordScores[i]!.size }));
    const answer = answerInSteps(words, intentScores && keep(intentScores), this.size, (i) => {
      const near = this.nearbyScores(units[i]!, cache);
      return near && { ...near, scores: keep(near.scores) };
    }, sentence);
    let combined = answer.scores;
    const mode: MatchMode = answer.mode;
    // A question is also matched against each program's 相談例 one by one (consultation-match.ts).
    if (this.options.consultationScore > 0 && (sentence || intentScores) && units.length >= 2) {
      this.consultations ??= this.consultationMatcher();
      const question = units.map((u) => new Set([u.term, ...u.parts, ...this.input.vocabulary.synonymsOf(u.term).map((s) => s.term)]));
      combined = addUp([combined, keep(this.consultations.match(question, this.options.consultationScore))]);
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
    const ranked = firstInOrder(
      entries,
      options.limit === undefined ? entries.length : (options.offset ?? 0) + options.limit,
      (a, b) => answer.tier(docs[b]!) - answer.tier(docs[a]!) || exactWords(docs[b]!) - exactWords(docs[a]!) || scores[b]! - scores[a]! || docs[a]! - docs[b]!,
    );
    // What the page's programs matched, worked out for them alone (scores.ts: termsOf).
    let pageTerms: Map<number, ReadonlySet<string>> | undefined;
    const make = (i: number): SearchHit => {
      const k = ranked[i]!;
      if (!pageTerms) {
        const pageDocs = ranked.slice(options.offset ?? 0).map((e) => docs[e]!);
        intentQuery.prepare(pageDocs);
        pageTerms = termsOf(combined, pageDocs);
      }
      return this.hit(programs[docs[k]!]!.id, scores[k]!, [...(pageTerms.get(docs[k]!) ?? [])], parsed.phrases);
    };
    const response: SearchResponse & { inAnswer?: Set<string> } = respond(entries.length, make, mode);
    if (probe?.size) {
      const listed = new Set(docs);
      response.inAnswer = new Set([...probe].filter((id) => listed.has(this.order.get(id)!)));
    }
    return response;
  }

  private hit(id: string, score: number, terms: string[], phrases: string[]): SearchHit {
    const program = this.byId.get(id)!;
    const surfaces = new Set<string>(phrases);
    // Parts of a matched compound are not highlighted on their own (事業承継, not 小規模事業所).
    const shown = terms.filter((t) => !terms.some((other) => other !== t && other.includes(t)));
    for (const term of shown) {
      surfaces.add(term);
      for (const s of this.surfaces.get(term) ?? []) {
        surfaces.add(s);
        for (const v of this.variants.spellingsOf(s)) surfaces.add(v);
      }
    }
    return { program, score, terms, snippet: makeSnippet(program, [...surfaces]) };
  }

  /** Nearest vocabulary words, synonyms and the purpose categories: never a bare 「0件」. */
  suggest(parsed: ParsedQuery): Suggestions {
    const words = [...parsed.words, ...parsed.phrases];
    const queryTerms = words
      .flatMap((w) => this.unitsOf(w))
      .slice(0, MAX_QUERY_WORDS)
      .flatMap((u) => [u.term, ...u.parts]);
    const scored = new Map<string, number>();
    // Made on the first answer with no hits, from the finished index.
    this.nearbyTerms ??= new NearbyTerms(this.documentFrequency);
    for (const q of queryTerms) {
      for (const [term, score] of this.nearbyTerms.near(q)) scored.set(term, Math.max(scored.get(term) ?? 0, score));
    }
    const terms = [...scored]
      .filter(([t]) => WORD_EDGES.test(t))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([t]) => [...(this.surfaces.get(t) ?? [t])][0]!);
    const synonyms = new Set<string>();
    for (const q of queryTerms) for (const s of this.input.vocabulary.synonymsOf(q)) if (this.documentFrequency.has(s.term)) synonyms.add(s.label);
    // Counted once per catalog (at 100,000 programs, counting them for each answer took 300 ms).
    const purposes = PURPOSES.map((purpose) => ({ purpose, count: this.labels().purposes.count(purpose) })).filter((p) => p.count > 0);
    return { terms, synonyms: [...synonyms].slice(0, 8), purposes };
  }

  /** Programs most like `id` (shared distinctive words, purposes and key projects), best first. */
  similar(id: string, limit = 3): SearchHit[] {
    const program = this.byId.get(id);
    const terms = this.docTerms.get(id);
    const self = this.order.get(id);
    if (!program || !terms?.length || self === undefined) return [];
    const purposes = new Set(program.purposes ?? []);
    const keyProjects = new Set(program.keyProjects ?? []);
    // The program's own words in the others' names, overviews and purposes, read from the packed
    // postings, their scores added up and multiplied by how many of the words a program has (as
    // MiniSearch's OR query did). Words of a quarter of the catalog or more (事業, 支援) are
    // left out, as in a search: at 100,000 programs their postings made 似た事業 take 0.5–2.2 s.
    startQuery();
    const cache = new TermCache(SIMILAR_BOOSTS);
    const lists: Scores[] = [];
    const wordsHad = new Int32Array(this.size);
    for (const t of terms) {
      if (isCommon(this.documentFrequency.get(t) ?? 0, this.size)) continue;
      const list = this.termScores(t, cache);
      for (let i = 0; i < list.docs.length; i++) wordsHad[list.docs[i]!]!++;
      lists.push(list);
    }
    const found = addUp(lists);
    const { docs, scores } = found;
    const programs = this.input.programs;
    const boosted = new Float64Array(docs.length);
    const entries: number[] = [];
    // Shared purposes and key projects counted from bits made once (program-labels.ts): reading
    // the arrays of the 50,000–90,000 programs found at 100,000 was most of the time.
    const labels = this.labels();
    const purposeMask = labels.purposes.maskOf(purposes);
    const projectMask = labels.keyProjects.maskOf(keyProjects);
    for (let i = 0; i < docs.length; i++) {
      if (docs[i] === self) continue;
      const sharedPurposes = labels.purposes.shared(docs[i]!, purposeMask, purposes);
      const sharedProjects = labels.keyProjects.shared(docs[i]!, projectMask, keyProjects);
      boosted[i] = scores[i]! * wordsHad[docs[i]!]! * (1 + 0.15 * sharedPurposes + 0.1 * sharedProjects);
      entries.push(i);
    }
    const ranked = firstInOrder(entries, limit, (a, b) => boosted[b]! - boosted[a]! || docs[a]! - docs[b]!);
    const matched = termsOf(found, ranked.map((i) => docs[i]!));
    return ranked.map((i) => this.hit(programs[docs[i]!]!.id, boosted[i]!, [...(matched.get(docs[i]!) ?? [])], []));
  }

}

/** How like a query word a catalog word must be to be searched in its place (NearbyTerms' scale). */
const NEARBY_MIN_SCORE = 0.7;


const KANJI_OR_KATAKANA = /[\p{Script=Han}\p{Script=Katakana}]/u;

/** Score of a word found only inside a name (about what a single name-field hit scores). */
const NAME_CONTAINS_SCORE = 10;
