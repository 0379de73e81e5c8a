/**
 * Text for Slack's mrkdwn. Slack reads `<…>` as links and mentions (`<!channel>` pings a
 * whole channel) and `&` as the start of an entity, so every piece of text from a user or
 * from the catalog goes through `escapeMrkdwn` before it is placed in a message.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` characters, at the last sentence end (。 or a line break)
 * that keeps at least half of it, else at `max - 1`, and marks the cut with 「…」.
 * Counted in code points, so a cut never splits a surrogate pair.
 */
export function cutText(text: string, max: number): { text: string; cut: boolean } {
  const chars = [...text];
  if (chars.length <= max) return { text, cut: false };
  const room = chars.slice(0, max - 1).join('');
  const lastEnd = Math.max(room.lastIndexOf('。'), room.lastIndexOf('\n'));
  const body = (lastEnd >= room.length / 2 ? room.slice(0, lastEnd + 1) : room).trimEnd();
  return { text: body + ELLIPSIS, cut: true };
}

/**
 * `text` escaped for mrkdwn and cut so that the *escaped* form fits in `max` characters:
 * escaping grows text (`&` → `&amp;`), so cutting first and escaping after can overflow a
 * Slack limit, and cutting after escaping can split an entity (`&am…`).
 */
export function escapeCut(text: string, max: number): { text: string; cut: boolean } {
  const whole = escapeMrkdwn(text);
  if ([...whole].length <= max) return { text: whole, cut: false };
  const fits = (n: number) => [...escapeMrkdwn(cutText(text, n).text)].length <= max;
  // The longest raw cut whose escaped form fits (cutText's length grows with n).
  let lo = 0;
  let hi = Math.min([...text].length - 1, max);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return { text: lo > 1 && fits(lo) ? escapeMrkdwn(cutText(text, lo).text) : ELLIPSIS, cut: true };
}
