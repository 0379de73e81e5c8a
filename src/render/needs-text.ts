import { NO_PURPOSE_TITLE, type NeedList } from '../search/need-list.js';

/** What the list says about where the needs come from, on every surface. */
export const NEED_LIST_NOTE = '相談の種類と説明は、カタログの文から作った案です (スタッフの確認待ち)。( ) は付いている事業の数。';

/** A group's heading: its purpose, or, for needs no purpose holds, what that means. */
export function needGroupTitle(list: NeedList, purpose: string | undefined): string {
  return purpose ?? (list.fromFile ? NO_PURPOSE_TITLE : '相談の種類');
}

/**
 * The needs as plain text, for the console and `shien needs`: a heading per purpose, a line per
 * need with the `相談:` value that filters by it, its count and description. `command` prefixes
 * the example query (`/支援 `, `shien search `).
 */
export function needListText(list: NeedList, command: string): string {
  if (!list.size) return 'カタログの事業に相談の種類 (needs) がありません。';
  const lines = [`相談の種類 ${list.size} 件。${command}相談:運転資金 のように名前 (またはその一部) で絞り込めます。`, NEED_LIST_NOTE];
  for (const group of list.groups) {
    lines.push('', `【${needGroupTitle(list, group.purpose)}】`);
    for (const need of group.needs) lines.push(`  相談:${need.query} (${need.count})${need.description ? ` — ${need.description}` : ''}`);
  }
  return lines.join('\n');
}
