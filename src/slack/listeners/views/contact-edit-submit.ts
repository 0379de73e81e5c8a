import type { App, ViewSubmitAction } from '@slack/bolt';
import { japanDate, parseTargetKey } from '../../../catalog/contacts.js';
import { contactFromForm, CONTACT_FIELDS, contactValuesKey, staffEditKey, type ContactField } from '../../../contacts/form.js';
import { escapeCut } from '../../mrkdwn.js';
import { asModal } from '../../render/home.js';
import { CONTACT_EDIT_CALLBACK, NOT_ADMIN_TEXT } from '../../render/contact-edit.js';
import type { ContactFormMetadata } from '../../render/contact-form.js';
import type { ShienServices } from '../../services.js';
import { describeTarget } from '../actions/contact-edit.js';

const SAVE_ERROR_TEXT = '連絡先を保存できませんでした。時間をおいてもう一度お試しください。続く場合は管理者に連絡してください。';

function metadataOf(raw: string | undefined): ContactFormMetadata | undefined {
  try {
    const m = JSON.parse(raw ?? '') as Partial<ContactFormMetadata>;
    if (typeof m.target !== 'string' || typeof m.openedBy !== 'string') return undefined;
    const opened = m.opened && typeof m.opened.values === 'string' && typeof m.opened.checkedOn === 'string' ? { values: m.opened.values, checkedOn: m.opened.checkedOn } : undefined;
    return { target: m.target, openedBy: m.openedBy, ...(typeof m.base === 'string' ? { base: m.base } : {}), ...(opened ? { opened } : {}) };
  } catch {
    return undefined;
  }
}

/** `at` as Japan's date and time, YYYY-MM-DD HH:MM. */
function japanDateTime(at: Date): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return `${japanDate(at)} ${time}`;
}

const note = (title: string, text: string) => asModal(title, { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

/**
 * The contact form submitted: staff only (checked again here, against the user Slack signed,
 * and that user must be the one the form was opened for); invalid fields are shown under
 * their inputs; a valid contact is stored with who and when. The log line names the target
 * and the fields filled, never their values.
 */
export function registerContactEditSubmit(app: App, services: ShienServices): void {
  app.view<ViewSubmitAction>(CONTACT_EDIT_CALLBACK, async ({ ack, body, view }) => {
    const user = body.user.id;
    const metadata = metadataOf(view.private_metadata);
    const log: Record<string, unknown> = { kind: 'view', name: CONTACT_EDIT_CALLBACK, user, target: metadata?.target };
    const done = (outcome: string, extra: Record<string, unknown> = {}) => services.logger.info({ ...log, outcome, ...extra }, 'request');
    const contacts = services.contacts;
    if (!contacts?.isAdmin(user) || metadata?.openedBy !== user) {
      await ack({ response_action: 'update', view: note('連絡先を編集', NOT_ADMIN_TEXT) });
      return done('refused', { reason: contacts?.isAdmin(user) ? 'other-users-form' : 'not-admin' });
    }
    const target = parseTargetKey(metadata.target);
    const described = target && describeTarget(services.engine(), services, target);
    if (!target || !described) {
      await ack({ response_action: 'update', view: note('連絡先を編集', 'この機関または事業はカタログにありません。表示し直してからもう一度お試しください。') });
      return done('gone');
    }
    const values: Partial<Record<ContactField, string | null>> = {};
    for (const field of CONTACT_FIELDS) values[field] = view.state.values[field]?.[field]?.value ?? null;
    const result = contactFromForm(values, contacts.now());
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors as Record<string, string> });
      return done('invalid', { invalidFields: Object.keys(result.errors) });
    }
    // Another member of staff saved since this form was opened: saving would undo their edit unseen.
    const latest = contacts.staff(target);
    if (metadata.base !== undefined && staffEditKey(latest) !== metadata.base) {
      const when = latest ? ` ${japanDateTime(latest.editedAt)} に` : '';
      await ack({ response_action: 'errors', errors: { source: `このフォームを開いたあと、ほかのスタッフが${when}連絡先を保存しました。キャンセルして開き直すと、その内容から編集できます。` } });
      return done('conflict');
    }
    // Values changed under the same, earlier check date: the card would say the old source gave them on that day.
    const today = japanDate(contacts.now());
    const opened = metadata.opened;
    if (opened && contactValuesKey(result.contact) !== opened.values && result.contact.checkedOn === opened.checkedOn && opened.checkedOn < today) {
      await ack({
        response_action: 'errors',
        errors: { checkedOn: `窓口・電話などの値を変えました。変えた値を出典で確かめた日 (今日なら ${today}) を入れてください。出典が変わったなら出典も。` },
      });
      return done('invalid', { invalidFields: ['checkedOn'] });
    }
    try {
      await contacts.save(target, result.contact, user);
    } catch (error) {
      await ack({ response_action: 'update', view: note('連絡先を編集', SAVE_ERROR_TEXT) });
      services.logger.error({ ...log, outcome: 'failed', err: error }, 'request failed');
      return;
    }
    await ack({ response_action: 'update', view: note('連絡先を保存しました', `*${escapeCut(described.name, 300).text}* の連絡先を保存しました。次に開く詳細から表示されます。`) });
    done('saved', { fields: result.fields });
  });
}
