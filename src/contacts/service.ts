import type { ContactTarget, StaffContact, StaffContacts } from '../catalog/contacts.js';
import type { Contact } from '../catalog/schema.js';
import type { ContactEdits } from './store.js';

/** What the Slack listeners need for contacts: who may edit, the edits, today. */
export interface ContactService {
  /** Whether `user` (a Slack user id, as Slack signed it) is in SHIEN_ADMIN_USERS. */
  isAdmin(user: string): boolean;
  /** The latest staff edit of a target. */
  staff: StaffContacts;
  /** Stores an edit by `user` now; rejects when there is no store or it cannot be written. */
  save(target: ContactTarget, contact: Contact, user: string): Promise<StaffContact>;
  /** Today, for staleness and the default check date. */
  now(): Date;
}

export function createContactService(options: { admins: ReadonlySet<string>; store?: ContactEdits; now?: () => Date }): ContactService {
  const now = options.now ?? (() => new Date());
  return {
    isAdmin: (user) => options.admins.has(user),
    staff: (target) => options.store?.latest(target),
    async save(target, contact, user) {
      if (!options.store) throw new Error('contact store unavailable');
      const edit: StaffContact = { target, contact, editedBy: user, editedAt: now() };
      await options.store.save(edit);
      return edit;
    },
    now,
  };
}
