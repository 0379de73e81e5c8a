import { needGroupTitle, NEED_LIST_NOTE } from '../../render/needs-text.js';
import type { NeedList } from '../../search/need-list.js';
import { LIMITS, messageLength } from '../block-limits.js';
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
 * it (to copy), how many programs list it and its description (catalog text: escaped). The 70
 * needs with their descriptions take about 5,200 characters; a taxonomy too long for one message
 * (LIMITS.messageChars) is shown without descriptions, and then as many groups as fit.
 */
export function renderNeedList(list: NeedList, command = '/支援'): Message {
  const title = `相談の種類 (${list.size})`;
  if (!list.size) return { text: title, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'カタログの事業に相談の種類 (needs) がありません。' } }] };
  const intro: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: title } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`\`${command} 相談:運転資金\` のように名前 (またはその一部) で絞り込めます。${NEED_LIST_NOTE}`) }] },
  ];
  // A header, a note and one section per group (at most 12): far below Slack's 50 blocks.
  const sections = (described: boolean): Block[] =>
    list.groups.map((group) => {
      const heading = `*${escapeCut(needGroupTitle(list, group.purpose), 200).text}*`;
      const lines = group.needs.map((n) => `• \`相談:${escapeMrkdwn(n.query)}\` (${n.count})${described && n.description ? ` ${escapeCut(n.description, 200).text}` : ''}`);
      return { type: 'section', text: { type: 'mrkdwn', text: linesWithin([heading, ...lines], LIMITS.sectionText) } };
    });
  let groups = sections(true);
  if (messageLength([...intro, ...groups]) > LIMITS.messageChars) groups = sections(false);
  const cut: Block = { type: 'context', elements: [{ type: 'mrkdwn', text: '一覧の続きは、目的で絞った検索 (例 `目的:資金繰り`) か、コマンドラインの `shien needs` で見られます。' }] };
  let shown = groups.length;
  while (shown > 1 && messageLength([...intro, ...groups.slice(0, shown), ...(shown < groups.length ? [cut] : [])]) > LIMITS.messageChars) shown--;
  return { text: title, blocks: [...intro, ...groups.slice(0, shown), ...(shown < groups.length ? [cut] : [])] };
}
