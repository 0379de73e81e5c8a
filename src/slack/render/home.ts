import type { AgencyDirectory } from '../../catalog/agencies.js';
import type { Program } from '../../catalog/schema.js';
import { LIMITS, VIEW_LIMITS, withoutEmptyActions } from '../block-limits.js';
import type { Block, Button, HomeView, Message, ModalView } from '../blocks.js';
import { cutText } from '../mrkdwn.js';
import { BROWSE_ACTIONS, browseButton, helpLines, keyProjectButtons, purposeButtons } from './help.js';

/** Agencies with at least one program, most programs first, as browse buttons (25 per row). */
function agencyButtonRows(programs: readonly Program[], agencies: AgencyDirectory): Block[] {
  const counts = new Map<string, number>();
  for (const p of programs) {
    const agency = agencies.resolve(p.agency);
    if (agency) counts.set(agency.name, (counts.get(agency.name) ?? 0) + 1);
  }
  const buttons: Button[] = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, count], i) => browseButton(`${name} (${count})`, BROWSE_ACTIONS.agency, i, name));
  const rows: Block[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.actionsElements) rows.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.actionsElements) });
  return rows;
}

/**
 * App Home: how to use, browse by key project, purpose and agency, and (from the notices
 * feature) the channel subscriptions.
 */
export function renderHome(programs: readonly Program[], agencies: AgencyDirectory, extra: Block[] = []): HomeView {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: '支援ナビ' } },
    { type: 'section', text: { type: 'mrkdwn', text: `支援事業 ${programs.length} 件を、言葉・実施機関・重点プロジェクト・目的から探せます。\n` + helpLines().map((l) => `• ${l}`).join('\n') } },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: '*重点プロジェクトから探す*' } },
    keyProjectButtons(programs),
    { type: 'section', text: { type: 'mrkdwn', text: '*目的から探す*' } },
    purposeButtons(programs),
    { type: 'section', text: { type: 'mrkdwn', text: '*実施機関から探す*' } },
    ...agencyButtonRows(programs, agencies),
    ...extra,
  ];
  return { type: 'home', blocks: withoutEmptyActions(blocks).slice(0, VIEW_LIMITS.blocks) };
}

/** A message shown in a modal (App Home has no channel to answer in). */
export function asModal(title: string, message: Message, privateMetadata?: string): ModalView {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: cutText(title, VIEW_LIMITS.modalTitle).text },
    close: { type: 'plain_text', text: '閉じる' },
    ...(privateMetadata ? { private_metadata: privateMetadata } : {}),
    blocks: message.blocks,
  };
}
