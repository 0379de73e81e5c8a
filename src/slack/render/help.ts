import { isImported } from '../../sources/program.js';
import { importedHelp } from './imported.js';
import { KEY_PROJECT_NUMBERS, KEY_PROJECTS, CIRCLED_DIGITS } from '../../catalog/key-projects.js';
import { PURPOSES } from '../../catalog/constants.js';
import type { Program } from '../../catalog/schema.js';
import { FILTER_FORMS } from '../../search/query.js';
import { actionKind, indexedActionId, LIMITS, withoutEmptyActions } from '../block-limits.js';
import type { Block, Button, Message } from '../blocks.js';
import { cutText } from '../mrkdwn.js';

/** Words that ask for the usage instead of searching. */
const HELP_WORDS = new Set(['', 'help', 'ヘルプ', '使い方', 'つかいかた', '?', '？', '-h', '--help']);

export function isHelpRequest(text: string): boolean {
  return HELP_WORDS.has(text.trim().toLowerCase());
}

export const BROWSE_ACTIONS = {
  keyProject: 'browse_key_project',
  purpose: 'browse_purpose',
  agency: 'browse_agency',
} as const;

/** The query a browse button runs (the same query language people type). `action` may carry an index (`browse_purpose:3`). */
export function browseQuery(actionId: string, value: string): string | undefined {
  const action = actionKind(actionId);
  if (action === BROWSE_ACTIONS.keyProject && /^[1-4]$/.test(value)) return `重点:${value}`;
  if (action === BROWSE_ACTIONS.purpose && (PURPOSES as readonly string[]).includes(value)) return `目的:${value}`;
  if (action === BROWSE_ACTIONS.agency && value.trim()) return `機関:${value.replace(/\s+/g, '')}`;
  return undefined;
}

/** A browse button; `index` keeps its action_id unique within its row, as Slack requires. */
export const browseButton = (text: string, kind: string, index: number, value: string): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: cutText(text, LIMITS.buttonText).text },
  action_id: indexedActionId(kind, index),
  value,
});

/** Buttons for the four key projects, with how many programs each has. */
export function keyProjectButtons(programs: readonly Program[]): Block {
  return {
    type: 'actions',
    elements: KEY_PROJECT_NUMBERS.map((n, i) => {
      const count = programs.filter((p) => p.keyProjects?.includes(n)).length;
      return browseButton(`${CIRCLED_DIGITS[n - 1]}${KEY_PROJECTS[n].replace(/プロジェクト$/, '')} (${count})`, BROWSE_ACTIONS.keyProject, i, String(n));
    }),
  };
}

/** Buttons for each purpose category that has programs. */
export function purposeButtons(programs: readonly Program[]): Block {
  const counted = PURPOSES.map((purpose) => ({ purpose, count: programs.filter((p) => p.purposes?.includes(purpose)).length })).filter((p) => p.count > 0);
  return { type: 'actions', elements: counted.map(({ purpose, count }, i) => browseButton(`${purpose} (${count})`, BROWSE_ACTIONS.purpose, i, purpose)) };
}

/** How to see every 相談の種類 where `command` is typed: the command line has its own command. */
function needListCommand(command: string): string {
  return command === 'shien search' ? 'shien needs' : `${command} 相談の種類`;
}

/** Query examples, one per feature of the query language (query.ts). */
export function helpLines(command = '/支援'): string[] {
  return [
    `\`${command} 創業\` — 言葉で探す (すべての語を含む事業が先)`,
    `\`${command} お金を借りたい\` — 相談の言い方のままでも探せます`,
    `\`${command} "事業承継"\` — 語句をそのまま含む事業`,
    `\`${command} 機関:ジェトロ\` — 実施機関で絞る (${FILTER_FORMS.agency})`,
    `\`${command} 重点:3\` — 重点プロジェクトで絞る (${FILTER_FORMS.keyProject})`,
    `\`${command} 予算:1000万以上\` — 予算額で絞る (${FILTER_FORMS.budget})`,
    `\`${command} 目的:資金繰り\` — 目的で絞る (${FILTER_FORMS.purpose})`,
    `\`${command} 相談:運転資金\` — 相談の種類で絞る (${FILTER_FORMS.need})。一覧は \`${needListCommand(command)}\``,
    `\`${command} 補助金 機関:県 予算:500万以下\` — 言葉と条件は組み合わせられます`,
    `\`${command} 通知 オン\` / \`${command} 通知 オフ\` / \`${command} 通知 状態\` — このチャンネルに新しく追加された事業を毎朝お知らせ`,
  ];
}

/** `/支援`, `/支援 help`, `/支援 ヘルプ`: how to search, and buttons to browse. */
export function renderHelp(programs: readonly Program[], command = '/支援'): Message {
  const imported = importedHelp(programs, command); // jGrants programs served: their count and filters
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: '支援ナビの使い方' } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `鹿児島県 商工業振興プランに載っている支援事業 ${programs.length - (imported ? programs.filter(isImported).length : 0)} 件から、実施機関・予算・問い合わせ先まで探します。${imported ? imported.intro : ''}\n` +
          [...helpLines(command), ...(imported?.lines ?? [])].map((l) => `• ${l}`).join('\n'),
      },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'チャンネルでは `@shien 創業` のようにメンションすると、スレッドで答えます。DM ではそのまま `創業` と送ってください。' }] },
    { type: 'section', text: { type: 'mrkdwn', text: '*重点プロジェクトから探す*' } },
    keyProjectButtons(programs),
    { type: 'section', text: { type: 'mrkdwn', text: '*目的から探す*' } },
    purposeButtons(programs),
  ];
  return { text: '支援ナビの使い方', blocks: withoutEmptyActions(blocks) };
}
