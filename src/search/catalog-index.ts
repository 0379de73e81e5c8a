import MiniSearch, { type Options } from 'minisearch';
import { AgencyDirectory } from '../catalog/agencies.js';
import { KEY_PROJECTS, type KeyProjectNumber } from '../catalog/key-projects.js';
import type { Program } from '../catalog/schema.js';
import type { Analyzer, LexiconEntry } from './analyzer.js';
import { compactForm } from './normalize.js';
import { NearbyTerms } from './nearby-terms.js';
import { foldingAnalyzer, Variants } from './variants.js';
import { generalSynonymMap } from './general-synonyms.js';
import { ConsultationMatcher } from './consultation-match.js';
import { PurposeModel } from './purpose-model.js';
import { indexFingerprint, SERIALIZED_VERSION, StaleIndexError, type SerializedSearchIndex } from './index-format.js';
import type { SearchEngineInput } from './search-types.js';
import { ProgramTexts } from './program-texts.js';
import { KanaWordTally } from './kana-endings.js';
import { LexiconAnalyzer } from './lexicon-analyzer.js';
import { compactIndex, loadMiniSearchConsuming, type CompactIndex } from './index-load.js';
import { compactPacked, PostingsPacker, WordPool, type PackedTerms } from './index-build.js';
import { ProgramLabels } from './program-labels.js';

/**
 * One catalog's index: the tables the engine answers from, made by analysing every program
 * (`build`) or loaded from an index file (`fromJSON`), and written back (`toJSON`).
 *
 * Apart from scoring (word-scores.ts) and answering (engine.ts) because it is the part with a
 * lifetime of its own: made once per catalog, before any question, and the only part that is
 * serialised. Once made it changes no more, except for the tables made from it on first use
 * (labels, texts, nearby terms), which every question after shares.
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
export type Field = keyof typeof FIELD_BOOSTS;
export type FieldBoosts = Record<Field, number>;
const FIELDS = Object.keys(FIELD_BOOSTS) as Field[];

export interface IndexedDocument extends Record<Field, string> {
  id: string;
}

/** Terms are analysed before MiniSearch sees them; fields carry them joined by this. */
export const SEP = '\u0000';

/**
 * How many 相談例 a need's name (運転資金を借りたい) counts as in the need model. Session 24, on
 * the tuning sets: 0 and 1 alike; 3 took the first set's keyword recall@5 0.890 → 0.900
 * (blind 0.757 → 0.754); 10 cost the blind set more.
 */
const NEED_NAME_WEIGHT = 3;

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

export class CatalogIndex {
  readonly byId = new Map<string, Program>();
  readonly order = new Map<string, number>();
  /** Implementing bodies (contacts for 詳細, spellings for 機関: filters). */
  readonly agencies: AgencyDirectory;
  /**
   * Index term → how it is written in the catalog (for snippets and suggestions), in the order
   * first seen. Arrays of exactly their length, not Sets: most terms are written one way, and a
   * Set's hash table made each cost three times as much (7,544 of them at the bundled catalog:
   * 0.7 MiB of a serving process's heap, session 25).
   */
  readonly surfaces = new Map<string, readonly string[]>();
  /** Index term → number of programs containing it (name, overview, results). */
  readonly documentFrequency = new Map<string, number>();
  /** Every word the index holds, by how it is written (see LexiconAnalyzer). */
  readonly lexicon = new Map<string, LexiconEntry>();
  /** Program → its own distinctive words, for `similar`. */
  readonly docTerms = new Map<string, string[]>();
  /** The programs by purpose, key project and source (purposeScores, suggest, similar, filters); made on first use. */
  private programLabels?: ProgramLabels;
  /** Programs' names and texts in compact form, for words inside names and phrases; made on first use. */
  private programTexts?: ProgramTexts;
  private nearbyTerms?: NearbyTerms;
  /** Each program's 相談例 as word sets (consultation-match.ts). */
  private consultations?: ConsultationMatcher;
  private purposeModelMade?: PurposeModel;
  private needModelMade?: PurposeModel;
  /** Per need (相談の種類), the words of its name: see analyseNeedNames. */
  private needNameWords = new Map<string, string[]>();
  /** term → catalog words the general dictionary gives as its synonyms. */
  generalSynonyms = new Map<string, string[]>();
  readonly variants: Variants;
  /** The input's analyzer behind the variant folding. */
  readonly analyzer: Analyzer;
  /** Set by `build` or `fromJSON`, not changed after. */
  index: MiniSearch<IndexedDocument>;
  /** The postings as the build packed them (index-build.ts), for toJSON; a loaded index has none. */
  private packedTerms?: PackedTerms;
  /** While building: where the analyser made words of kana (kana-endings.ts). */
  private kanaWords?: KanaWordTally;
  /** While building: one copy of each word kept per program (index-build.ts). */
  private wordPool?: WordPool;

  private constructor(readonly input: SearchEngineInput) {
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
  static async build(input: SearchEngineInput, batchSize: number): Promise<CatalogIndex> {
    const catalog = new CatalogIndex(input);
    // Indexed batch by batch (in catalog order, as one addAll would): the analysed documents
    // of a large catalog are never all alive at once (issue 13: the build's peak).
    // MiniSearch's postings kept packed (index-build.ts): its Maps held them at 48 bytes
    // each, the largest part of a 100,000-program build.
    const packer = new PostingsPacker(catalog.index);
    catalog.wordPool = new WordPool();
    catalog.kanaWords = new KanaWordTally();
    let batch: IndexedDocument[] = [];
    for (const program of input.programs) {
      batch.push(catalog.analyzeProgram(program));
      if (batch.length === batchSize) {
        catalog.index.addAll(batch);
        batch = [];
        await yieldToEventLoop();
      }
    }
    catalog.index.addAll(batch);
    catalog.packedTerms = packer.finish(miniSearchOptions());
    catalog.wordPool = undefined;
    // Kana the text mostly writes as endings is no word to split questions by (kana-endings.ts):
    // where the texts write the kana words kuromoji made, batch by batch as above.
    const tally = catalog.kanaWords;
    catalog.kanaWords = undefined;
    for (let at = 0; at < input.programs.length; at += batchSize) {
      for (const program of input.programs.slice(at, at + batchSize)) for (const text of Object.values(catalog.fieldTexts(program))) tally.countWritten(catalog.variants.fold(text));
      await yieldToEventLoop();
    }
    for (const surface of tally.endings()) catalog.lexicon.delete(surface);
    catalog.consultations = catalog.consultationMatcher();
    catalog.needNameWords = catalog.analyseNeedNames();
    if (input.generalSynonymGroups) {
      catalog.generalSynonyms = generalSynonymMap(input.generalSynonymGroups, new Set(catalog.documentFrequency.keys()), (t) => catalog.variants.fold(t));
    }
    // Staff's words join the lexicon too, so a query analysed without kuromoji still finds
    // 後継ぎ or お金 even where no program spells them.
    for (const w of input.vocabulary.allWords()) {
      const surface = catalog.variants.fold(w.label);
      if (!catalog.lexicon.has(surface)) catalog.lexicon.set(surface, { surface, term: w.term, reading: w.reading, parts: w.parts });
    }
    return catalog;
  }

  /**
   * The built index as plain JSON, so a large catalog can be indexed ahead (`shien index`)
   * and loaded at start instead of being analysed again (kuromoji: ~150,000 characters/s).
   */
  toJSON(): SerializedSearchIndex {
    const consultations = this.servedConsultations();
    return {
      version: SERIALIZED_VERSION,
      catalog: indexFingerprint(this.input),
      index: this.packedTerms ? compactPacked(this.index, this.packedTerms) : compactIndex(this.index),
      lexicon: [...this.lexicon.values()],
      documentFrequency: [...this.documentFrequency],
      docTerms: [...this.docTerms],
      ...(this.generalSynonyms.size ? { generalSynonyms: [...this.generalSynonyms] } : {}),
      consultations: consultations.toJSON(),
      // The models counted from the same 相談例 words, so a served process reads them as it would count them.
      ...this.servedModels(consultations),
    };
  }

  /**
   * Loads an index made by `toJSON`; refuses (StaleIndexError) one built from other sources
   * (unless `verified`: the caller took the sources from the index file itself).
   * `input.analyzer` may be a LexiconAnalyzer made from `json.lexicon`: then no kuromoji is needed.
   */
  static fromJSON(json: SerializedSearchIndex, input: SearchEngineInput, verified: boolean): CatalogIndex {
    if (json.version !== SERIALIZED_VERSION) throw new StaleIndexError(`索引の形式が違います (version ${json.version}、必要 ${SERIALIZED_VERSION})。作り直してください。`);
    // `verified`: the input's sources are the ones stored in the index file beside it (load.ts),
    // so hashing them again (a JSON copy of every program) could only agree.
    if (!verified && json.catalog !== indexFingerprint(input)) throw new StaleIndexError('索引は別のカタログ (または別の synonyms.yaml / agencies.yaml) から作られています。作り直してください。');
    const catalog = new CatalogIndex(input);
    // Takes the parsed object (no second JSON round trip: 36 s of a 100k load) and consumes
    // json.index as it goes, so the parsed and the loaded index do not peak together.
    catalog.index = loadMiniSearchConsuming(json.index as CompactIndex, miniSearchOptions());
    for (const entry of json.lexicon) catalog.learn(entry);
    for (const [t, n] of json.documentFrequency) catalog.documentFrequency.set(t, n);
    for (const [id, terms] of json.docTerms) catalog.docTerms.set(id, terms);
    // The stored words are the lexicon's (servedConsultations); an engine given another
    // analyser (kuromoji: tests, tools) analyses them as it will analyse the questions.
    // The models too: counted from those words (servedModels), else made on first use.
    if (input.analyzer instanceof LexiconAnalyzer) {
      const consultations = (catalog.consultations = ConsultationMatcher.fromJSON(json.consultations));
      catalog.purposeModelMade = PurposeModel.fromJSON(json.purposeModel, consultations);
      catalog.needModelMade = PurposeModel.fromJSON(json.needModel, consultations);
    } else {
      catalog.consultations = catalog.consultationMatcher();
      catalog.needNameWords = catalog.analyseNeedNames();
    }
    catalog.generalSynonyms = new Map(json.generalSynonyms ?? []);
    return catalog;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Records a word the index holds: for snippets (term → surfaces) and the lexicon. */
  private learn(entry: LexiconEntry): void {
    if (!this.lexicon.has(entry.surface)) this.lexicon.set(entry.surface, entry);
    const known = this.surfaces.get(entry.term);
    // A new array when a spelling is added (rare): push would leave room for 16 more.
    if (!known) this.surfaces.set(entry.term, [entry.surface]);
    else if (!known.includes(entry.surface)) this.surfaces.set(entry.term, [...known, entry.surface]);
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

  /**
   * The 相談例 as a process serving this index file would analyse them: with the lexicon
   * written beside them, which is what splits its questions (kuromoji may cut a word another
   * way, and then an example would not say the question's word).
   */
  private servedConsultations(): ConsultationMatcher {
    if (this.input.analyzer instanceof LexiconAnalyzer) return this.consultationSets();
    const served = this.servedAnalyzer();
    return new ConsultationMatcher(this.input.programs, (text) => served.units(text).flatMap((u) => [u.term, ...u.parts]));
  }

  /** The analyser of a process serving this index file: its lexicon, with the variants folded. */
  private servedAnalyzer(): Analyzer {
    return foldingAnalyzer(new LexiconAnalyzer(this.lexicon.values()), this.variants);
  }

  /**
   * The purpose and need models as a process serving this index file would count them: from
   * `consultations` (servedConsultations) and the need names split by the served analyser.
   */
  private servedModels(consultations: ConsultationMatcher): Pick<SerializedSearchIndex, 'purposeModel' | 'needModel'> {
    const served = this.input.analyzer instanceof LexiconAnalyzer;
    const purposes = served ? this.purposeModel() : this.makePurposeModel(consultations);
    const needs = served ? this.needModel() : this.makeNeedModel(consultations, this.analyseNeedNames(this.servedAnalyzer()));
    return { purposeModel: purposes.toJSON(consultations), needModel: needs.toJSON(consultations) };
  }

  /** Each program's 相談例 as word sets, as this process analyses questions. */
  consultationSets(): ConsultationMatcher {
    return (this.consultations ??= this.consultationMatcher());
  }

  /** Each program's 相談例 as word sets: made with the index, so no question pays for analysing them. */
  private consultationMatcher(): ConsultationMatcher {
    return new ConsultationMatcher(this.input.programs, (text) => this.analyzer.units(text).flatMap((u) => [u.term, ...u.parts]));
  }

  /** Which purpose a question is about, from the 相談例 pooled by purpose (purpose-model.ts); made on first use. */
  purposeModel(): PurposeModel {
    return (this.purposeModelMade ??= this.makePurposeModel(this.consultationSets()));
  }

  /**
   * Which finer need (相談の種類) a question is about, the same way (purpose-model.ts), a need's
   * own name counting as NEED_NAME_WEIGHT examples of it; made on first use.
   */
  needModel(): PurposeModel {
    return (this.needModelMade ??= this.makeNeedModel(this.consultationSets(), this.needNameWords));
  }

  private makePurposeModel(consultations: ConsultationMatcher): PurposeModel {
    return PurposeModel.build(consultations, (doc) => this.input.programs[doc]?.purposes);
  }

  private makeNeedModel(consultations: ConsultationMatcher, needNameWords: ReadonlyMap<string, string[]>): PurposeModel {
    return PurposeModel.build(consultations, (doc) => this.input.programs[doc]?.needs, (label) => needNameWords.get(label) ?? [], NEED_NAME_WEIGHT);
  }

  /**
   * The words of each need's name, analysed with the index rather than by the first question
   * that reads the need model: a question's analysis stays bounded by the question (issue 12).
   */
  private analyseNeedNames(analyzer: Analyzer = this.analyzer): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const p of this.input.programs) {
      for (const need of p.needs ?? []) if (!out.has(need)) out.set(need, analyzer.units(need).flatMap((u) => [u.term, ...u.parts]));
    }
    return out;
  }

  labels(): ProgramLabels {
    return (this.programLabels ??= new ProgramLabels(this.input.programs));
  }

  texts(): ProgramTexts {
    return (this.programTexts ??= new ProgramTexts(this.input.programs, (f) => compactForm(this.variants.fold(f)), (agency) => this.agencies.spellingsOf(agency)));
  }

  /** The catalog's words that look like a query word (nearby-terms.ts: suggest, nearbyScores); made on first use. */
  nearby(): NearbyTerms {
    return (this.nearbyTerms ??= new NearbyTerms(this.documentFrequency));
  }
}
