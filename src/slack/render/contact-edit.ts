import { targetKey, type ContactTarget } from '../../catalog/contacts.js';
import type { Button } from '../blocks.js';

/** 「連絡先を編集」 on a card or an agency view (value: the target, `agency:<id>` / `program:<id>`). */
export const CONTACT_EDIT_ACTION = 'contact_edit';
/** The contact form's view submission. */
export const CONTACT_EDIT_CALLBACK = 'contact_edit_submit';

/** Said to anyone not in SHIEN_ADMIN_USERS who reaches the edit, however they got there. */
export const NOT_ADMIN_TEXT =
  '連絡先の編集は、担当者として登録された方 (SHIEN_ADMIN_USERS) だけができます。連絡先の誤りや変更に気づいたときは、お手数ですが担当者にお知らせください。';

export const contactEditButton = (target: ContactTarget): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: '連絡先を編集' },
  action_id: CONTACT_EDIT_ACTION,
  value: targetKey(target),
});
