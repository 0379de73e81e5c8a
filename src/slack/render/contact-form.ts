import { targetKey, type ContactTarget, type StaffContact } from '../../catalog/contacts.js';
import { CONTACT_LIMITS } from '../../catalog/constants.js';
import type { Contact } from '../../catalog/schema.js';
import { CONTACT_FIELDS, contactValuesKey, staffEditKey, type ContactField } from '../../contacts/form.js';
import type { types } from '@slack/bolt';
import { VIEW_LIMITS } from '../block-limits.js';
import { cutText, escapeCut } from '../mrkdwn.js';
import { CONTACT_EDIT_CALLBACK } from './contact-edit.js';

const LABELS: Record<ContactField, { label: string; hint?: string; placeholder?: string }> = {
  desk: { label: '窓口', placeholder: '例: 経営支援課' },
  phone: { label: '電話', placeholder: '例: 099-000-0000', hint: '0 で始まる 10〜11 桁 (ハイフン可)' },
  email: { label: 'メール', placeholder: '例: info@example.jp' },
  url: { label: 'Web サイト', placeholder: 'https://…', hint: 'http:// か https:// で始まるアドレス' },
  address: { label: '所在地' },
  hours: { label: '受付時間', placeholder: '例: 平日 8:30〜17:15' },
  note: { label: '備考' },
  source: { label: '出典 (必須)', placeholder: 'https://… または資料名', hint: 'この連絡先を確かめた公式ページの URL か、公式資料の名前。まとめサイトや地図サイトは出典になりません。' },
  checkedOn: { label: '確認日', placeholder: 'YYYY-MM-DD', hint: '出典で確かめた日。値を変えたら、確かめ直した日に。空なら今日。' },
};

/** What the modal carries back: the target and who opened it (a submission by anyone else is refused). */
export interface ContactFormMetadata {
  target: string;
  openedBy: string;
  /**
   * The staff edit the form started from (staffEditKey; '' when none): a save on top of a
   * newer edit is refused, or the second of two editors silently undid the first (walk-through).
   * Absent in forms opened before it was added: not checked.
   */
  base?: string;
  /** The contact the form started from: its values' key (contactValuesKey) and check date. */
  opened?: { values: string; checkedOn: string };
}

/** The contact form, filled with the contact shown now (when it is a single one). */
// Typed with Slack's own view types (through Bolt); the tests hold it to blocks.ts's ModalViewSchema too.
export function contactEditModal(target: ContactTarget, name: string, current: Contact | undefined, openedBy: string, base?: StaffContact): types.ModalView {
  const metadata: ContactFormMetadata = {
    target: targetKey(target),
    openedBy,
    base: staffEditKey(base),
    ...(current ? { opened: { values: contactValuesKey(current), checkedOn: current.checkedOn } } : {}),
  };
  const intro: types.SectionBlock = {
    type: 'section',
    text: { type: 'mrkdwn', text: `*${escapeCut(name, 300).text}* の連絡先\n保存すると、この内容が seeds/agencies.yaml より優先して表示されます。あなたの名前と日付が記録されます。` },
  };
  const inputs: types.InputBlock[] = CONTACT_FIELDS.map((field): types.InputBlock => {
    const l = LABELS[field];
    const initial = current?.[field];
    return {
      type: 'input',
      block_id: field,
      label: { type: 'plain_text', text: l.label },
      optional: field !== 'source',
      element: {
        type: 'plain_text_input',
        action_id: field,
        ...(field === 'note' ? { multiline: true } : {}),
        max_length: CONTACT_LIMITS[field as keyof typeof CONTACT_LIMITS] ?? 10,
        // The check date too: saved unchanged, a contact keeps the date its source was read on.
        ...(initial ? { initial_value: initial } : {}),
        ...(l.placeholder ? { placeholder: { type: 'plain_text', text: l.placeholder } } : {}),
      },
      ...(l.hint ? { hint: { type: 'plain_text', text: l.hint } } : {}),
    };
  });
  return {
    type: 'modal',
    callback_id: CONTACT_EDIT_CALLBACK,
    title: { type: 'plain_text', text: cutText('連絡先を編集', VIEW_LIMITS.modalTitle).text },
    submit: { type: 'plain_text', text: '保存' },
    close: { type: 'plain_text', text: 'キャンセル' },
    private_metadata: JSON.stringify(metadata),
    blocks: [intro, ...inputs],
  };
}
