import { needGroupTitle, NEED_LIST_NOTE } from '../../render/needs-text.js';
import type { NeedList } from '../../search/need-list.js';
import { LIMITS } from '../block-limits.js';
import type { Block, Message } from '../blocks.js';
import { escapeCut, escapeMrkdwn } from '../mrkdwn.js';

/** Lines joined while they fit in `max` characters; the ones left out are counted on a last line. */
function linesWithin(lines: readonly string[], max: number): string {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const more = `\n…ほか ${lines.length - i} 件`;
    const next = (text ? text + '\n' : '') + lines[i];
    if ([...next].length + (i < lines.length - 1 ? [...more].length : 0) > max) return text + more;
    text = next;
  }
  return text;
}

/**
 * `/支援 相談の種類`: every need, a section per purpose, each line the `相談:` query that filters by
 * it (to copy), how many programs list it and its description (catalog text: escaped).
 */
export function renderNeedList(list: NeedList, command = '/支援'): Message {
  const title = `相談の種類 (${list.size})`;
  if (!list.size) return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'カタログの事業に相談の種類 (needs) がありません。' } }] };
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`\`${command} 相談:運転資金\` のように名前 (またはその一部) で絞り込めます。${NEED_LIST_NOTE}`) }] },
  ];
  // A header, a note and one section per group (at most 12): far below Slack's 50 blocks.
  for (const group of list.groups) {
    const heading = `*${escapeCut(needGroupTitle(list, group.purpose), 200).text}*`;
    const lines = group.needs.map((n) => `• \`相談:${escapeMrkdwn(n.query)}\` (${n.count})${n.description ? ` ${escapeCut(n.description, 200).text}` : ''}`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: linesWithin([heading, ...lines], LIMITS.sectionText) } });
  }
  return { text: title, blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
}
