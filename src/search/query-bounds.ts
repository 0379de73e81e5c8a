/**
 * The one boundary every query passes, whatever surface it came from (slash command, mention,
 * DM, a paging button's value, the console, the command line): `SearchEngine.search` applies
 * it first, so no surface can forget it.
 *
 * - Control characters are removed: NUL and the other C0/C1 controls, and unpaired surrogate
 *   halves (kuromoji throws on NUL and on a lone high surrogate). Line breaks and tabs become
 *   spaces, since they separate words as a space does.
 * - The text is cut to MAX_QUERY_CHARS characters after NFKC normalisation, longer than any
 *   real question (the longest of the 144 evaluation queries has 16); and to MAX_QUERY_WORDS
 *   words separated by spaces. The engine also analyses at most MAX_QUERY_WORDS words.
 * - `shortened` says that something was cut, so every surface can tell the user.
 *
 * Why: analysis costs grow faster than the text (kuromoji re-reads the rest of a sentence at
 * every character), so before this a 40,000-character query ran a bot out of memory.
 */

/** Longest query searched, in characters (code points) after NFKC normalisation. */
export const MAX_QUERY_CHARS = 200;
/** Most words searched: space-separated words of the query, and words analysed from them. */
export const MAX_QUERY_WORDS = 16;
/**
 * Raw text looked at before normalising it. NFKC can make text shorter (ｶﾞ → ガ, e + ◌́ → é,
 * a base letter with a pile of combining marks), never by this much in anything people type;
 * and normalising stays cheap whatever was sent.
 */
const MAX_RAW_CODE_UNITS = MAX_QUERY_CHARS * 8;

export interface BoundedQuery {
  /** What is searched: controls removed, spaces collapsed, within the limits. */
  text: string;
  /** True when the query was cut to MAX_QUERY_CHARS characters or MAX_QUERY_WORDS words. */
  shortened: boolean;
}

// Line and paragraph separators, tabs and the like: a space.
const SPACE_CONTROLS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
// Every other C0/C1 control (NUL, BEL, ESC, DEL, …) and any surrogate half without its pair.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/gu;

/**
 * `text` without control characters and unpaired surrogates; line breaks and tabs become
 * spaces. Safe to hand to any analyser (the analysers apply it to catalog text too).
 */
export function withoutControls(text: string): string {
  return text.replace(SPACE_CONTROLS, ' ').replace(CONTROLS, '');
}

// A terminal's escape sequences, whole (colours ESC[31m, titles ESC]0;…BEL, the C1 CSI): pasted
// from a terminal, removing only their ESC left 「[31m」 to be searched for.
const TERMINAL_SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;
// In a query any other control separates words (創業\0事業承継 is two words, as with a tab).
const QUERY_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;

/** At most `max` code points of `text` (never half of a surrogate pair). */
function firstCodePoints(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  let end = 0;
  for (let n = 0; n < max && end < text.length; n++) end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  return { text: text.slice(0, end), cut: end < text.length };
}

/** The query as searched: see the module comment. Cheap on any input (linear, bounded). */
export function boundQuery(raw: string): BoundedQuery {
  let shortened = false;
  let text = raw;
  if (text.length > MAX_RAW_CODE_UNITS) {
    text = text.slice(0, MAX_RAW_CODE_UNITS);
    shortened = true;
  }
  text = withoutControls(text.replace(TERMINAL_SEQUENCES, ' ').replace(QUERY_CONTROLS, ' ')).replace(/\s+/g, ' ').trim();
  // Counted after normalisation (what is analysed); kept as typed when it fits, so the answer
  // repeats the query as the user wrote it.
  const normalized = text.normalize('NFKC');
  const cut = firstCodePoints(normalized, MAX_QUERY_CHARS);
  if (cut.cut) {
    text = cut.text.trim();
    shortened = true;
  }
  const words = text.split(' ');
  if (words.length > MAX_QUERY_WORDS) {
    text = words.slice(0, MAX_QUERY_WORDS).join(' ');
    shortened = true;
  }
  return { text, shortened };
}
