import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { agencyContacts, parseTargetKey, resolveContacts, type ContactTarget, type StaffContact } from '../../../catalog/contacts.js';
import type { Contact } from '../../../catalog/schema.js';
import type { SearchEngine } from '../../../search/engine.js';
import { ERROR_TEXT, handle } from '../../handled.js';
import { inView, tellClicker } from '../../reply.js';
import { CONTACT_EDIT_ACTION, NOT_ADMIN_TEXT } from '../../render/contact-edit.js';
import { contactEditModal } from '../../render/contact-form.js';
import type { ShienServices } from '../../services.js';

const STALE_BUTTON_TEXT = 'このボタンは古くなっています (機関または事業がカタログにありません)。もう一度表示し直してください。';

/** The name the form shows and the contact it starts from (the one shown now, when single). */
export function describeTarget(engine: SearchEngine, services: ShienServices, target: ContactTarget): { name: string; current?: Contact; edit?: StaffContact } | undefined {
  const edit = services.contacts?.staff(target);
  const described = describeShown(engine, services, target);
  return described && { ...described, ...(edit ? { edit } : {}) };
}

function describeShown(engine: SearchEngine, services: ShienServices, target: ContactTarget): { name: string; current?: Contact } | undefined {
  if (target.kind === 'agency') {
    const agency = engine.agencies.agencies.find((a) => a.id === target.id);
    if (!agency) return undefined;
    const shown = agencyContacts(agency, services.contacts?.staff);
    return { name: agency.name, current: shown.contacts.length === 1 ? shown.contacts[0] : undefined };
  }
  const program = engine.get(target.id);
  if (!program) return undefined;
  const shown = resolveContacts(program, engine.agencies.resolve(program.agency), services.contacts?.staff);
  return { name: `${program.name}（${shown.agencyName}）`, current: shown.target.kind === 'program' ? shown.contacts[0] : undefined };
}

/** 「連絡先を編集」 → the contact form, for staff only; anyone else is told who can. */
export function registerContactEdit(app: App, services: ShienServices): void {
  app.action<BlockAction<ButtonAction>>(CONTACT_EDIT_ACTION, async (args) => {
    await args.ack();
    const user = args.body.user.id;
    await handle(
      services,
      { kind: 'action', name: CONTACT_EDIT_ACTION, user, channel: args.body.channel?.id },
      async (log) => {
        // Slack signs who clicked; the button being drawn only for staff is not the check.
        if (!services.contacts?.isAdmin(user)) {
          log.refused = 'not-admin';
          return tellClicker(args, NOT_ADMIN_TEXT);
        }
        const target = parseTargetKey(args.action.value ?? '');
        const described = target && describeTarget(services.engine(), services, target);
        if (!target || !described) return tellClicker(args, STALE_BUTTON_TEXT);
        log.target = args.action.value;
        const view = contactEditModal(target, described.name, described.current, user, described.edit);
        if (inView(args.body) && args.body.view?.type === 'modal') await args.client.views.push({ trigger_id: args.body.trigger_id, view });
        else await args.client.views.open({ trigger_id: args.body.trigger_id, view });
      },
      () => tellClicker(args, ERROR_TEXT),
    );
  });
}
