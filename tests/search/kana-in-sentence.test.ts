/**
 * Issue 16: a word typed in kana inside a sentence (ゆしゅつを始めたい, きぎょうしたい大学生)
 * is read as the catalog writes it before the sentence is analysed. Before, kuromoji (and the
 * served lexicon) cut it into nonsense: ゆしゅつを始めたい answered with 創業 programs only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnalyzer } from '../../src/search/analyzer.js';
import { KanaReadings, katakanaSentence, readKanaWords, verbStems } from '../../src/search/kana-reading.js';
import { ANALYZER_TIMEOUT, bundledEngines, ENGINE_KINDS, type Engines, ids } from './support.js';

describe('readKanaWords: where a kana word may start', () => {
  const words: Record<string, string> = { ゆしゅつ: '輸出', きぎょう: '起業', たいおう: '対応', けいえい: '経営' };
  const wordAt = (run: string, at: number) => {
    for (let n = run.length - at; n >= 3; n--) {
      const w = words[run.slice(at, at + n)];
      if (w) return { surface: w, length: n };
    }
    return undefined;
  };
  const read = (text: string) => readKanaWords(text, wordAt);

  it('at the start of the text, after a particle that follows a word found, and right after a word found', () => {
    expect(read('ゆしゅつを始めたい')).toBe('輸出を始めたい');
    // A compound typed in kana: せつびしきん was 設備しきん.
    expect(read('けいえいたいおう')).toBe('経営対応');
    expect(read('きぎょうしたい大学生')).toBe('起業したい大学生');
    expect(read('ゆしゅつのたいおう')).toBe('輸出の対応');
  });

  it('after katakana or latin letters, and after a particle that follows a kanji', () => {
    expect(read('インボイスのたいおう')).toBe('インボイスの対応');
    expect(read('ITのたいおう')).toBe('ITの対応');
    expect(read('息子にけいえいを任せたい')).toBe('息子に経営を任せたい');
  });

  it('a compound’s second word with its first kana voiced (rendaku: ひとでぶそく is 人手 + 不足)', () => {
    const compound = (run: string, at: number) => (run.startsWith('ひとで', at) ? { surface: '人手', length: 3 } : run.startsWith('ふそく', at) ? { surface: '不足', length: 3 } : undefined);
    expect(readKanaWords('ひとでぶそく', compound)).toBe('人手不足');
    expect(readKanaWords('ひとでぶそくでこまる', compound)).toBe('人手不足でこまる');
    // Only right after a word: voiced at the start of the text it is no 不足.
    expect(readKanaWords('ぶそく', compound)).toBe('ぶそく');
  });

  it('no unvoicing into a word that is not all kanji, nor of a voiced particle (しきんばかり was 資金 + 図り)', () => {
    const words = (run: string, at: number) =>
      run.startsWith('しきん', at) ? { surface: '資金', length: 3 } : run.startsWith('はかり', at) ? { surface: '図り', length: 3 } : run.startsWith('たけ', at) ? { surface: '竹林', length: 2 } : undefined;
    expect(readKanaWords('しきんばかりかかる', words)).toBe('資金ばかりかかる');
    expect(readKanaWords('しきんだけ', words)).toBe('資金だけ');
  });

  it('after a verb’s ending that joins a second clause (たいし, したいけど), a word may start again', () => {
    const withVerbs = (run: string, at: number) => (run.startsWith('かり', at) ? { surface: '借り', length: 2 } : wordAt(run, at));
    expect(readKanaWords('きぎょうしたいけどけいえいがわからない', withVerbs)).toBe('起業したいけど経営がわからない');
    expect(readKanaWords('ゆしゅつのかりたいしたいおうも', withVerbs)).toBe('輸出の借りたいし対応も');
    // Not without the conjunction, nor at the very end.
    expect(readKanaWords('かりたいけいえい', withVerbs)).toBe('借りたいけいえい');
    expect(readKanaWords('かりたいし', withVerbs)).toBe('借りたいし');
  });

  it('never in a compound particle after its particle (について, として, によって…)', () => {
    const withVerb = (run: string, at: number) => (run.startsWith('つい', at) ? { surface: '継い', length: 2 } : run.startsWith('よっ', at) ? { surface: '酔っ', length: 2 } : wordAt(run, at));
    expect(readKanaWords('輸出について', withVerb)).toBe('輸出について');
    expect(readKanaWords('けいえいによって', withVerb)).toBe('経営によって');
    // Only after its own particle: と + つき is no compound particle (付き合い), の + して none either.
    const tsuki = (run: string, at: number) => (run.startsWith('つきあい', at) ? { surface: '付き合い', length: 4 } : wordAt(run, at));
    expect(readKanaWords('けいえいとつきあいたい', tsuki)).toBe('経営と付き合いたい');
    // A longer word where the tail starts is that word (についていけない).
    const longer = (run: string, at: number) => (run.startsWith('ついていけ', at) ? { surface: 'ついていけ', length: 5 } : wordAt(run, at));
    expect(readKanaWords('けいえいについていけない', longer)).toBe('経営についていけない');
    expect(readKanaWords('ゆしゅつについてたいおう', withVerb)).toBe('輸出について対応');
    // Not after a particle, the same kana may still be a word.
    expect(readKanaWords('ついてきた', withVerb)).toBe('継いてきた');
  });

  it('never inside a kanji word’s ending (okurigana), nor in text with no such word', () => {
    // 〜たいおう after a kanji is the ending of a verb, not the word 対応.
    expect(read('始めたいおうち')).toBe('始めたいおうち');
    expect(read('どうすればいいかわからない')).toBe('どうすればいいかわからない');
    expect(read('')).toBe('');
  });
});

describe('katakanaSentence: a question typed in katakana, not a loanword', () => {
  it('reads ヲ or a verb’s ending as a sentence, in hiragana', () => {
    expect(katakanaSentence('カイシャヲウリタイ')).toBe('かいしゃをうりたい');
    expect(katakanaSentence('ヒトヲヤトイタイ')).toBe('ひとをやといたい');
    expect(katakanaSentence('オカネガホシイ')).toBe('おかねがほしい');
  });

  it('leaves loanwords, and text not all katakana, as they are', () => {
    for (const text of ['スタートアップ', 'インバウンド', 'クラウドファンディング', 'オンライン', 'カイシャを売りたい', '']) expect(katakanaSentence(text), text).toBeUndefined();
  });
});

describe('KanaReadings: a verb read in two kana only before an ending, a noun only before a particle', () => {
  const entry = (surface: string, term: string, reading: string, kana?: string) => ({ surface, term, reading, parts: [], ...(kana ? { kana } : {}) });
  const readings = new KanaReadings([entry('借り', '借りる', '', 'かり'), entry('雇い', '雇う', '', 'やとい'), entry('知恵', '知恵', 'ちえ'), entry('会社', '会社', 'かいしゃ')], () => 1);

  it('reads the verb before たい, ます, ない, て…, and not alone', () => {
    for (const text of ['かりたい', 'かります', 'かりない', 'かりて']) expect(readings.longestAt(text, 0)?.term, text).toBe('借りる');
    expect(readings.longestAt('かり', 0)).toBeUndefined();
    expect(readings.longestAt('かりん', 0)).toBeUndefined();
    // Three kana or more need no ending, as any reading.
    expect(readings.longestAt('やとい', 0)?.term).toBe('雇う');
  });

  it('reads a two-kana noun before a particle only', () => {
    expect(readings.longestAt('ちえをかりたい', 0)?.term).toBe('知恵');
    expect(readings.longestAt('ちえ', 0)).toBeUndefined();
    expect(readings.split('かいしゃをかりたい').map((u) => u.term)).toEqual(['会社', '借りる']);
  });

  it('reads a verb in the stems its dictionary form takes (断る: 断ら, 断り, 断れ, 断っ; 借りる: 借り too)', () => {
    expect(verbStems('断る', 'ことわる').map((x) => x.surface)).toEqual(['断ら', '断り', '断れ', '断っ', '断']);
    expect(verbStems('借りる', 'かりる')).toContainEqual({ surface: '借り', kana: 'かり' });
    expect(verbStems('書く', 'かく').map((x) => x.kana)).toEqual(['かか', 'かき', 'かけ', 'かい']);
    // Not a verb written with a kanji (するか), nor a noun.
    expect(verbStems('する', 'する')).toEqual([]);
    expect(verbStems('会社', 'かいしゃ')).toEqual([]);
    const r = new KanaReadings([entry('断る', '断る', '', 'ことわる')], () => 1);
    expect(r.longestAt('ことわられた', 0)?.surface).toBe('断ら');
    expect(r.longestAt('ことわら', 0)).toBeUndefined();
  });

  it('prefers a verb and its ending to a longer word that leaves an ending (かってほしい: 買っ, not 勝手)', () => {
    const r = new KanaReadings([entry('買っ', '買う', '', 'かっ'), entry('勝手', '勝手', 'かって'), entry('会社', '会社', 'かいしゃ')], () => 1);
    expect(r.longestAt('かってほしい', 0)?.term).toBe('買う');
    // No verb there: the longer word stands (かってに: 勝手 + に).
    expect(r.longestAt('かってに', 0)?.term).toBe('勝手');
  });
});

describe('kana words in sentences, on the bundled catalog (both engines)', () => {
  let engines: Engines;
  beforeAll(async () => {
    engines = await bundledEngines(await loadAnalyzer());
  }, ANALYZER_TIMEOUT);

  describe.each(ENGINE_KINDS)('%s', (kind) => {
    it('a kana word answers as its kanji spelling does, in the same sentence', () => {
      const engine = engines[kind];
      for (const [kana, kanji] of [
        ['ゆしゅつを始めたいけど何からやれば', '輸出を始めたいけど何からやれば'],
        ['きぎょうしたい大学生です', '起業したい大学生です'],
        ['おおしまつむぎを東京で売り込みたい', '大島紬を東京で売り込みたい'],
      ] as const) {
        const asKanji = ids(engine.search(kanji, { limit: 5 }));
        expect(asKanji.length, kanji).toBe(5);
        expect(ids(engine.search(kana, { limit: 5 })), kana).toEqual(asKanji);
      }
    });

    it('a question typed all in kana, its verbs too, answers as its kanji spelling does', () => {
      // かいしゃをうりたい read only 会社 (2 件, sales programs); おかねをかりたい found nothing:
      // a verb's kana (うり, かり) was no reading the catalog's words had.
      const engine = engines[kind];
      for (const [kana, kanji] of [
        ['かいしゃをうりたい', '会社を売りたい'],
        ['おかねをかりたい', 'お金を借りたい'],
        ['じんざいをやといたい', '人材を雇いたい'],
        // はじめ is a word the catalog writes in kana (〜をはじめ): before たい it is still 始め.
        ['カフェをはじめたい', 'カフェを始めたい'],
        ['しょうひんをかってもらいたい', '商品を買ってもらいたい'],
        // The catalog writes 断る only: 断ら is made from it (verbStems).
        ['ぎんこうにことわられた', '銀行に断られた'],
        ['せつびしきんをかりたい', '設備資金を借りたい'],
        // Alone, せつびしきん matched one program by 設備資金's reading and stayed kana (1 件 for 38).
        ['せつびしきん', '設備資金'],
        // 不足 is ふそく; in the compound, ぶそく (1 件 for 21, the walk-through).
        ['ひとでぶそく', '人手不足'],
        ['ひとでぶそくでこまっている', '人手不足で困っている'],
        // All in katakana, full or half width: read as if in hiragana (was ASEAN 販路 first).
        ['カイシャヲウリタイ', '会社を売りたい'],
        ['ｵｶﾈｦｶﾘﾀｲ', 'お金を借りたい'],
        // A word only an intent's phrase says (閉店): 0 件, read by nothing.
        ['へいてんしたい', '閉店したい'],
        ['はいぎょうしたい', '廃業したい'],
      ] as const) {
        const asKanji = ids(engine.search(kanji, { limit: 5 }));
        expect(asKanji.length, kanji).toBe(5);
        expect(ids(engine.search(kana, { limit: 5 })), kana).toEqual(asKanji);
      }
    });

    it('〜について asks about the word alone: 輸出について put 後継者 programs first (ついて read as 継いで)', () => {
      const engine = engines[kind];
      for (const word of ['輸出', '補助金', '事業承継', '創業']) {
        const about = engine.search(`${word}について`, { limit: 5 });
        expect(about.hits.flatMap((h) => h.terms), word).not.toContain('継ぐ');
        expect(ids(about), word).toEqual(ids(engine.search(word, { limit: 5 })));
      }
    });

    it('a katakana word with a long vowel inside a kana question (ドローンヲツカイタイ put インバウンド対策事業 first)', () => {
      const engine = engines[kind];
      for (const q of ['ドローンヲツカイタイ', 'どろーんをつかいたい']) expect(engine.search(q, { limit: 1 }).hits[0]?.program.name, q).toContain('ドローン');
    });

    it('a kana run after a katakana word ending in ー is still read (コーヒーをゆしゅつしたい stayed as typed, in review)', () => {
      const engine = engines[kind] as unknown as { reader: { withKanaRead(text: string): string } };
      expect(engine.reader.withKanaRead('コーヒーをゆしゅつしたい')).toBe('コーヒーを輸出したい');
      expect(engine.reader.withKanaRead('センターでかいしゃをうりたい')).toBe('センターで会社を売りたい');
    });

    it('two needs typed in kana: the second clause is read too (only the loan answered)', () => {
      const engine = engines[kind];
      const terms = engine.search('おかねをかりたいしせつびもかいたい', { limit: 5 }).hits.flatMap((h) => h.terms);
      expect(terms).toContain('借りる');
      expect(terms).toContain('設備');
    });

    it('a word the catalog itself writes in kana is kept as written (かごしま is not 鹿児島)', () => {
      const engine = engines[kind];
      // Typed alone too: まちづくり (17 times in the catalog) was read as 街づくり, 12 件 → 1.
      const alone = engine.search('まちづくり', { limit: 5 });
      expect(alone.total, kind).toBeGreaterThanOrEqual(10);
      expect(alone.hits.every((h) => h.terms.includes('まちづくり')), kind).toBe(true);
      const asWritten = engine.search('かごしま市商工会 事業承継', { limit: 5 });
      const inKanji = engine.search('鹿児島市商工会 事業承継', { limit: 5 });
      expect(ids(asWritten).length).toBeGreaterThan(0);
      expect(ids(asWritten)).not.toEqual(ids(inKanji));
      expect(asWritten.hits[0]!.program.agency).toContain('かごしま');
    });
  });
});
