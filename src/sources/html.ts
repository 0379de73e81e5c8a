/**
 * Untrusted HTML from a source (jGrants' `detail`) to plain text. Nothing of the markup
 * survives: script and style elements go with their content, comments and every tag are
 * dropped, entities are decoded once. The result is plain text that still needs escaping
 * for Slack (`escapeMrkdwn`) like any catalog text.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  yen: '¥',
  copy: '©',
  reg: '®',
  times: '×',
  divide: '÷',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  middot: '·',
  laquo: '«',
  raquo: '»',
};

/** Decodes `&amp;` `&#12354;` `&#x3042;` and the common named entities; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      // Control characters and surrogates are never text a person wrote.
      if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || (code < 0x20 && code !== 0x0a && code !== 0x09)) return '';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Elements that end a line. */
const BLOCK_END = /<\/?(p|div|br|li|ul|ol|tr|table|h[1-6]|section|article|blockquote|pre|hr)\b[^>]*>/gi;

/** `href` values of the links in `html` (decoded), in order. */
export function linkTargets(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
    out.push(decodeEntities((m[2] ?? m[3] ?? m[4] ?? '').trim()));
  }
  return out;
}

/** Plain text lines of `html`: trimmed, blank lines dropped, runs of spaces folded. */
export function htmlToLines(html: string): string[] {
  const text = html
    .replace(/<(script|style|iframe|object|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, '\n')
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(BLOCK_END, '\n')
    // Any other tag (and anything that starts like one: `<!channel>`, `<@U123>`) is removed.
    .replace(/<[!/?]?[a-z@#][^>]*(>|$)/gi, '');
  return decodeEntities(text)
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[\s\u3000]+/g, (s) => (s.includes('\u3000') ? '\u3000' : ' ')).trim())
    .filter((line) => line.length > 0);
}
