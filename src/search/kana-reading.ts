import type { AnalyzedUnit, LexiconEntry } from './analyzer.js';
import { toHiragana } from './normalize.js';

/**
 * A question typed all in kana (じぎょうしょうけいについてしりたい) is no single reading: it is
 * cut, by longest match, into the readings of the catalog's words (じぎょうしょうけい → 事業承継),
 * skipping what matches none (particles, endings). Readings shorter than MIN_READING kana are
 * not used: too many words share them.
 */
export const MIN_READING = 3;
const MAX_READING = 16;
/** A verb's surface read in two kana (借り: かり), used before an ending only. */
const STEM_READING = 2;
/** Endings after a verb's surface: かりたい, うります, うれない, かりて, かりた, うりたく, かりられ… */
const VERB_ENDING = /^(?:たい|たく|たか|ます|ませ|ない|なく|なか|て|た|れ|られ|ほし|よう|もら|くだ)/u;

/** Whether `rest` begins as what follows a verb's surface does (たい, ます, てほしい…). */
export function endsLikeVerb(rest: string): boolean {
  return VERB_ENDING.test(rest);
}

export class KanaReadings {
  private readonly byReading = new Map<string, { entry: LexiconEntry; frequency: number }>();
  /** Verbs' and adjectives' surfaces as read (借り: かり, 始め: はじめ): see `verbAt`. */
  private readonly verbs = new Map<string, { entry: LexiconEntry; frequency: number }>();
  /** Nouns read in two kana (人: ひと, 店: みせ), used before a particle only (ひとを, みせを). */
  private readonly shortNouns = new Map<string, { entry: LexiconEntry; frequency: number }>();

  /** `frequency`: how many programs hold a term (the commonest word wins a shared reading). */
  constructor(entries: Iterable<LexiconEntry>, frequency: (term: string) => number) {
    const keep = (table: Map<string, { entry: LexiconEntry; frequency: number }>, r: string, entry: LexiconEntry, f: number) => {
      const prev = table.get(r);
      if (!prev || f > prev.frequency) table.set(r, { entry, frequency: f });
    };
    for (const entry of entries) {
      const f = frequency(entry.term);
      if (f <= 0) continue;
      const r = entry.reading;
      if (r.length >= MIN_READING && r.length <= MAX_READING && r !== entry.term) keep(this.byReading, r, { ...entry, reading: r }, f);
      else if (r.length === STEM_READING && r !== entry.term && KANJI.test(entry.surface)) keep(this.shortNouns, r, { ...entry, reading: r }, f);
      // A verb or adjective as read (やとい → 雇い, かり → 借り): its surface's reading.
      const k = entry.kana;
      if (!k || k.length > MAX_READING) continue;
      if (k.length >= MIN_READING) keep(this.byReading, k, { ...entry, reading: k }, f);
      if (k.length >= STEM_READING) keep(this.verbs, k, { ...entry, reading: k }, f);
      // The catalog says 断る; a question says ことわられた (断ら): a verb's other stems, from its
      // dictionary form, for reading before an ending only.
      if (entry.surface === entry.term) {
        for (const stem of verbStems(entry.surface, k)) if (stem.kana.length >= STEM_READING && !this.verbs.has(stem.kana)) keep(this.verbs, stem.kana, { ...entry, surface: stem.surface, reading: stem.kana }, f);
      }
    }
  }

  /**
   * The catalog word with the longest reading that `kana` spells from position `at`. A verb
   * read in two kana (かり, うり) counts only before an ending (かりたい, うります): two kana
   * alone spell too many words.
   */
  longestAt(kana: string, at: number): LexiconEntry | undefined {
    const verb = this.verbAt(kana, at);
    for (let n = Math.min(MAX_READING, kana.length - at); n >= MIN_READING; n--) {
      const hit = this.byReading.get(kana.slice(at, at + n));
      if (!hit) continue;
      // A longer word that leaves a verb's ending (かってほしい: 勝手 + ほしい) is a verb and its
      // ending read wrongly (買っ + てほしい), when the verb reads there.
      if (verb && n > verb.reading.length && endsLikeVerb(kana.slice(at + n))) return verb;
      return hit.entry;
    }
    if (verb) return verb;
    const two = kana.slice(at, at + STEM_READING);
    const noun = this.shortNouns.get(two);
    return noun && PARTICLES.has(kana[at + STEM_READING] ?? '') ? noun.entry : undefined;
  }

  /** The longest verb or adjective read from `at` and followed by an ending (かりたい: 借り). */
  verbAt(kana: string, at: number): LexiconEntry | undefined {
    for (let n = Math.min(MAX_READING, kana.length - at); n >= STEM_READING; n--) {
      const hit = this.verbs.get(kana.slice(at, at + n));
      if (hit && endsLikeVerb(kana.slice(at + n))) return hit.entry;
    }
    return undefined;
  }

  /** The catalog words whose readings make up `kana`, in order. */
  split(kana: string): AnalyzedUnit[] {
    const units: AnalyzedUnit[] = [];
    let i = 0;
    while (i < kana.length) {
      const found = this.longestAt(kana, i);
      if (found) {
        units.push({ term: found.term, surface: found.surface, reading: found.reading, parts: found.parts });
        i += found.reading.length;
      } else i++;
    }
    return units;
  }
}

/**
 * A question typed all in katakana (カイシャヲウリタイ, ｶｲｼｬｦｳﾘﾀｲ once NFKC), in hiragana, to be
 * read as one typed in hiragana; undefined for katakana that is most likely a word. Told apart by
 * the particle ヲ, which no loanword has, or a verb's ending at the end (…タイ, …マス, …ナイ),
 * which some have (ネクタイ, クリスマス): the caller keeps the hiragana only when words are read
 * from it (question-words.ts).
 */
export function katakanaSentence(text: string): string | undefined {
  if (!KATAKANA_TEXT.test(text) || !(text.includes('ヲ') || KATAKANA_VERB_END.test(text))) return undefined;
  return toHiragana(text);
}

const KATAKANA_TEXT = /^[\p{Script=Katakana}ー]+$/u;
const KATAKANA_VERB_END = /(?:タイ|タイデス|マス|マセン|ナイ|ホシイ|テクダサイ)$/u;

// Long-vowel marks inside (どろーん), never first: the ー ending コーヒー is the katakana word's.
const HIRAGANA_RUN = /\p{Script=Hiragana}[\p{Script=Hiragana}ー]{2,}/gu;
/** A verb's ending (after する too) and the conjunction after it that starts another clause (たいし, したいけど, ないので, たくて). */
const CLAUSE_JOINT = /^し?(?:たい|ます|ない|たく)(?:し|けど|けれど|ので|から|が|て)/u;
const KANJI = /\p{Script=Han}/u;
/** One-kana particles after which a word may start (店をゆしゅつ…, 東京でおおしまつむぎ…). */
const PARTICLES = new Set(['を', 'に', 'で', 'が', 'は', 'と', 'の', 'へ', 'も']);
/**
 * Per particle, what follows it in a compound particle (複合格助詞) written in kana: に + ついて,
 * と + して, を + もって… Taken after its own particle only: と + つき is 付き合い, not に + つき.
 * Longest first, so that によって is not read as によ + って.
 */
const COMPOUND_PARTICLE_TAILS: Record<string, string[]> = Object.fromEntries(
  Object.entries({
    に: ['ついて', 'つき', 'とって', 'よって', 'より', 'よる', 'おいて', 'おける', 'むけて', 'かけて', 'わたって', 'わたり', 'あたって', 'あたり', 'ともなって', 'ともない', 'したがって', 'くわえて', 'かんして', 'かんする', 'たいして', 'たいする'],
    と: ['して', 'ともに'],
    を: ['もって', 'とおして', 'めぐって', 'つうじて'],
  }).map(([particle, tails]) => [particle, tails.sort((a, b) => b.length - a.length)]),
);

/** The length of the compound particle's tail at `at` in `text`, after its particle (輸出について at 3: 3), else 0. */
export function compoundParticleTailAt(text: string, at: number): number {
  const tails = at > 0 ? COMPOUND_PARTICLE_TAILS[text[at - 1]!] : undefined;
  return tails?.find((tail) => text.startsWith(tail, at))?.length ?? 0;
}

/**
 * A sentence with words typed in kana (ゆしゅつを始めたい, きぎょうしたい大学生), with those
 * words written as `wordAt` finds them (輸出を始めたい): an analyser cuts a kana word inside
 * a sentence into nonsense. A word is looked for only where one can start: at the start of a
 * hiragana run that follows no kanji (after a kanji a run is that word's ending: 始めたい), or
 * after a particle, and then after each particle that follows a word found, or right after
 * the word (a compound typed in kana: せつびしきん → 設備資金).
 * `wordAt(run, at)`: the word spelt from `at`, as written, and how many kana it takes.
 */
export function readKanaWords(text: string, wordAt: (run: string, at: number) => { surface: string; length: number } | undefined): string {
  return text.replace(HIRAGANA_RUN, (run: string, offset: number) => {
    let at = offset === 0 ? 0 : PARTICLES.has(run[0]!) ? 1 : KANJI.test(text[offset - 1]!) ? -1 : 0;
    if (at < 0) return run;
    let out = run.slice(0, at);
    let afterWord = false;
    while (at < run.length) {
      // After its particle, a compound particle is grammar, not a word: 輸出について read ついて
      // as 継いで and put 後継者 programs first.
      const here = wordAt(run, at);
      const compound = compoundParticleTailAt(run, at);
      // …unless a longer word starts there (についていけない: ついていけ).
      if (compound && !((here?.length ?? 0) > compound)) {
        out += run.slice(at, at + compound);
        at += compound;
        continue;
      }
      const word = here ?? (afterWord ? unvoicedWordAt(run, at, wordAt) : undefined);
      if (!word) break;
      out += word.surface;
      at += word.length;
      afterWord = false;
      if (at < run.length && PARTICLES.has(run[at]!)) out += run[at++];
      // A word right after a word (せつびしきん: 設備 + 資金), as a compound is typed, its first
      // kana voiced maybe (ひとでぶそく: 人手 + 不足).
      else if (at < run.length && (wordAt(run, at) ?? unvoicedWordAt(run, at, wordAt))) afterWord = true;
      else {
        // A verb's ending that joins a second clause (かりたいし, かりたいけど): a word may start
        // after it (おかねをかりたいしひともやといたい asked for the loan alone).
        const joint = CLAUSE_JOINT.exec(run.slice(at))?.[0];
        if (!joint || at + joint.length >= run.length) break;
        out += joint;
        at += joint.length;
      }
    }
    return out + run.slice(at);
  });
}

/** Voiced kana and the kana they voice: the second word of a compound often starts voiced (rendaku: 不足 ふそく in 人手不足 ひとでぶそく). */
const UNVOICED: Record<string, string> = Object.fromEntries(
  [...'がぎぐげござじずぜぞだぢづでどばびぶべぼ'].map((c) => [c, String.fromCharCode(c.charCodeAt(0) - 1)]),
);

/**
 * The word `wordAt` spells from `at` with the kana there unvoiced (ぶそく → ふそく), as long: a
 * word of kanji only (a compound's noun), never where a word of grammar starts voiced (しきんばかり
 * read 資金 + 図り, せつびだけ 設備 + 丈).
 */
function unvoicedWordAt(run: string, at: number, wordAt: (run: string, at: number) => { surface: string; length: number } | undefined): { surface: string; length: number } | undefined {
  const plain = UNVOICED[run[at]!];
  if (!plain || VOICED_GRAMMAR.some((g) => run.startsWith(g, at))) return undefined;
  const word = wordAt(run.slice(0, at) + plain + run.slice(at + 1), at);
  return word && KANJI_ONLY.test(word.surface) ? word : undefined;
}

/** Particles and endings that start voiced after a noun: no compound's second word. */
const VOICED_GRAMMAR = ['ばかり', 'だけ', 'など', 'ぐらい', 'ごろ', 'ごと', 'ずつ', 'ども', 'でも', 'では', 'です', 'でした', 'だった', 'だろう', 'じゃ', 'どうし', 'ぶん', 'がわ', 'が', 'で'];
const KANJI_ONLY = /^\p{Script=Han}{2,}$/u;

/** Per last kana of a godan verb's dictionary form, the kana its other stems end in (書く: 書か, 書き, 書け, 書い). */
const GODAN_STEMS: Record<string, string[]> = {
  う: ['わ', 'い', 'え', 'っ'],
  く: ['か', 'き', 'け', 'い'],
  ぐ: ['が', 'ぎ', 'げ', 'い'],
  す: ['さ', 'し', 'せ'],
  つ: ['た', 'ち', 'て', 'っ'],
  ぬ: ['な', 'に', 'ね', 'ん'],
  ぶ: ['ば', 'び', 'べ', 'ん'],
  む: ['ま', 'み', 'め', 'ん'],
  る: ['ら', 'り', 'れ', 'っ'],
};

/**
 * The stems a verb's dictionary form (`surface` 断る, read `kana` ことわる) takes before endings:
 * 断ら, 断り, 断れ, 断っ, and for a verb that may be ichidan (…iる, …eる: 借りる) 借り too. Both
 * readings of る are given: a stem a question never types matches nothing.
 */
export function verbStems(surface: string, kana: string): Array<{ surface: string; kana: string }> {
  const last = kana.at(-1);
  if (!last || surface.at(-1) !== last || kana.length < 2 || !KANJI.test(surface)) return [];
  const surfaceStem = surface.slice(0, -1);
  const kanaStem = kana.slice(0, -1);
  const stems = (GODAN_STEMS[last] ?? []).map((end) => ({ surface: surfaceStem + end, kana: kanaStem + end }));
  if (last === 'る') stems.push({ surface: surfaceStem, kana: kanaStem });
  return stems;
}
