import { createHash } from 'node:crypto';
import { japanDate } from '../catalog/contacts.js';
import { ContactSchema, type Contact } from '../catalog/schema.js';

/** The fields of the contact form, in the order the modal shows them. */
export const CONTACT_FIELDS = ['desk', 'phone', 'email', 'url', 'address', 'hours', 'note', 'source', 'checkedOn'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** Fields typed with an IME often arrive full-width (０９９－…): folded before checking. */
const FOLDED: ReadonlySet<ContactField> = new Set(['phone', 'email', 'url', 'checkedOn']);

export type FormResult = { ok: true; contact: Contact; fields: ContactField[] } | { ok: false; errors: Partial<Record<ContactField, string>> };

/**
 * A contact from what staff typed in the modal: blanks are left out, the check date is today
 * (Japan) unless given, and everything is checked by the catalog's own schema, so a contact
 * entered in Slack obeys the same rules as one in seeds/agencies.yaml. Errors are keyed by
 * field, for Slack to show under each input.
 */
export function contactFromForm(values: Partial<Record<ContactField, string | null | undefined>>, today: Date): FormResult {
  const input: Record<string, string> = {};
  for (const field of CONTACT_FIELDS) {
    const raw = values[field];
    if (typeof raw !== 'string') continue;
    const value = (FOLDED.has(field) ? raw.normalize('NFKC') : raw).trim();
    if (value) input[field] = value;
  }
  input.checkedOn ??= japanDate(today);
  const errors: Partial<Record<ContactField, string>> = {};
  if (!input.source) errors.source = '出典は必須です。連絡先を確かめたページの URL か、公式資料の名前を書いてください。';
  if (input.checkedOn && input.checkedOn > japanDate(today)) errors.checkedOn = '確認日が未来の日付です。';
  const parsed = ContactSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = (issue.path[0] as ContactField | undefined) ?? 'phone';
      // Slack shows one message per input: the first problem of each field.
      errors[CONTACT_FIELDS.includes(field) ? field : 'phone'] ??= issue.message;
    }
  }
  if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
  return { ok: true, contact: parsed.data, fields: CONTACT_FIELDS.filter((f) => parsed.data[f] !== undefined) };
}

/** The fields that say whom to call; `source` and `checkedOn` say where and when they were read. */
const VALUE_FIELDS = CONTACT_FIELDS.filter((f) => f !== 'source' && f !== 'checkedOn');

/**
 * A short fingerprint of a contact's values (not its source or date), carried in the form's
 * metadata: what was opened is compared with what is saved without putting the values there.
 */
export function contactValuesKey(contact: Partial<Contact> | undefined): string {
  const values = VALUE_FIELDS.map((f) => contact?.[f] ?? '');
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 16);
}

/**
 * Which staff edit a form started from ('' for none): who, when and what, as a short key. Two
 * saves in the same millisecond by the same person with the same values are the same edit.
 */
export function staffEditKey(edit: { editedBy: string; editedAt: Date; contact: Contact } | undefined): string {
  if (!edit) return '';
  const what = JSON.stringify([edit.editedBy, edit.editedAt.toISOString(), CONTACT_FIELDS.map((f) => edit.contact[f] ?? '')]);
  return createHash('sha256').update(what).digest('base64url').slice(0, 16);
}
