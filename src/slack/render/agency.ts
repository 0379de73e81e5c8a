import type { ResolvedContacts } from '../../catalog/contacts.js';
import type { Agency } from '../../catalog/schema.js';
import type { Block } from '../blocks.js';
import { escapeCut } from '../mrkdwn.js';
import { contactBlocks, type ContactBlocksOptions } from './contact-blocks.js';

/**
 * The implementing body before its programs (`/支援 機関:<name>` with no other words): what it
 * is, how many programs it runs, and whom to call there.
 */
export function agencyBlocks(agency: Agency, contacts: ResolvedContacts, programs: number, options: ContactBlocksOptions = {}): Block[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `*実施機関: ${escapeCut(agency.name, 300).text}*（${agency.kind}）　事業 ${programs} 件` } },
    ...contactBlocks(contacts, { ...options, title: '連絡先' }),
    { type: 'divider' },
  ];
}
