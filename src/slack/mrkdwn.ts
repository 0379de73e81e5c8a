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
  const body = lastEnd >= room.length / 2 ? room.slice(0, lastEnd + 1).trimEnd() : room;
  return { text: body + ELLIPSIS, cut: true };
}
