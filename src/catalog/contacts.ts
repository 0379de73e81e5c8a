import type { Agency, Contact, Program } from './schema.js';

/** What a contact belongs to: an implementing body, or one program's own desk. */
export type ContactTarget = { kind: 'agency'; id: string } | { kind: 'program'; id: string };

export function targetKey(target: ContactTarget): string {
  return `${target.kind}:${target.id}`;
}

export function parseTargetKey(key: string): ContactTarget | undefined {
  const m = /^(agency|program):([a-z0-9][a-z0-9-]{2,63})$/.exec(key);
  return m ? { kind: m[1] as ContactTarget['kind'], id: m[2]! } : undefined;
}

/** A contact entered by staff from Slack; it replaces the YAML's contacts of its target. */
export interface StaffContact {
  target: ContactTarget;
  contact: Contact;
  /** Slack user id of whoever entered it. */
  editedBy: string;
  editedAt: Date;
}

/** Looks up the latest staff edit of a target (none when there is no store). */
export type StaffContacts = (target: ContactTarget) => StaffContact | undefined;

export interface ResolvedContacts {
  /** The body the contacts are for, as registered (or as printed when unregistered). */
  agencyName: string;
  contacts: Contact[];
  /** Set when a member of staff entered these contacts from Slack. */
  edited?: { by: string; at: Date };
  /** What 「連絡先を編集」 changes: the program's own desk when it has one, else its agency. */
  target: ContactTarget;
}

/**
 * Whom to call about `program`, most specific first: a program's own desk beats its agency's
 * contacts, and at each level a staff edit beats the YAML (unless the YAML was checked later).
 */
export function resolveContacts(program: Program, agency: Agency | undefined, staff: StaffContacts = () => undefined): ResolvedContacts {
  const agencyName = agency?.name ?? program.agency;
  const programTarget: ContactTarget = { kind: 'program', id: program.id };
  const programEdit = current(staff(programTarget), program.contact ? [program.contact] : []);
  if (programEdit) return { agencyName, contacts: [programEdit.contact], edited: { by: programEdit.editedBy, at: programEdit.editedAt }, target: programTarget };
  if (program.contact) return { agencyName, contacts: [program.contact], target: programTarget };
  // An unregistered agency has no entry to attach a contact to: the program gets its own.
  if (!agency) return { agencyName, contacts: [], target: programTarget };
  return { ...agencyContacts(agency, staff), agencyName };
}

/**
 * A staff edit, unless the YAML was checked on a later day than the edit was made: a contact
 * reviewed and committed after it (a reorganisation, a corrected number) is then served, where
 * before an edit hid every later fix of seeds/agencies.yaml for good (walk-through).
 */
function current(edit: StaffContact | undefined, yaml: readonly Contact[]): StaffContact | undefined {
  if (!edit) return undefined;
  const editDay = japanDate(edit.editedAt);
  return yaml.some((c) => c.checkedOn > editDay) ? undefined : edit;
}

/** An implementing body's contacts (for its own view), a staff edit first (unless the YAML is newer). */
export function agencyContacts(agency: Agency, staff: StaffContacts = () => undefined): ResolvedContacts {
  const target: ContactTarget = { kind: 'agency', id: agency.id };
  const edit = current(staff(target), agency.contacts ?? []);
  if (edit) return { agencyName: agency.name, contacts: [edit.contact], edited: { by: edit.editedBy, at: edit.editedAt }, target };
  return { agencyName: agency.name, contacts: agency.contacts ?? [], target };
}

/** The calendar day of `at` in Japan (where the checks are made), as YYYY-MM-DD. */
export function japanDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * A contact last checked more than a year before `today` (Japan's calendar): numbers and
 * desks change with reorganisations and moves, so the card asks to check it again.
 */
export function isStale(checkedOn: string, today: Date): boolean {
  const [y, m, d] = checkedOn.split('-').map(Number) as [number, number, number];
  const yearLater = `${String(y + 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return japanDate(today) > yearLater;
}

/** Something to call, write to or visit; a website alone is not a contact person or desk. */
export function isReachable(contact: Contact): boolean {
  return Boolean(contact.desk || contact.phone || contact.email || contact.address);
}
