import type { ContactTarget, StaffContact, StaffContacts } from '../catalog/contacts.js';
import type { Contact } from '../catalog/schema.js';
import type { ContactStore } from './store.js';

/** What the Slack listeners need for contacts: who may edit, the edits, today. */
export interface ContactService {
  /** Whether `user` (a Slack user id, as Slack signed it) is in SHIEN_ADMIN_USERS. */
  isAdmin(user: string): boolean;
  /** The latest staff edit of a target. */
  staff: StaffContacts;
  /** Stores an edit by `user` now; throws when there is no store. */
  save(target: ContactTarget, contact: Contact, user: string): StaffContact;
  /** Today, for staleness and the default check date. */
  now(): Date;
}

export function createContactService(options: { admins: ReadonlySet<string>; store?: ContactStore; now?: () => Date }): ContactService {
  const now = options.now ?? (() => new Date());
  return {
    isAdmin: (user) => options.admins.has(user),
    staff: (target) => options.store?.latest(target),
    save(target, contact, user) {
      if (!options.store) throw new Error('contact store unavailable');
      const edit: StaffContact = { target, contact, editedBy: user, editedAt: now() };
      options.store.save(edit);
      return edit;
    },
    now,
  };
}
