/**
 * Staff contact edits in PostgreSQL, shared by replicas (issue 14): an edit saved through one
 * replica is served by the others at once (LISTEN/NOTIFY), history is kept, a new replica
 * starts with every latest edit, and the SQLite store behaves the same through ContactEdits.
 */
import { expect, it, vi } from 'vitest';
import type { StaffContact } from '../../src/catalog/contacts.js';
import { PgContactStore } from '../../src/contacts/pg-store.js';
import { describePostgres, freshDatabase } from '../notices/backends.js';

const AGENCY = { kind: 'agency' as const, id: 'test-body' };
const edit = (phone: string, at: string, by = 'U0ADMIN'): StaffContact => ({
  target: AGENCY,
  contact: { desk: '経営支援課', phone, source: 'https://example.jp/access/', checkedOn: '2026-11-20' },
  editedBy: by,
  editedAt: new Date(at),
});

describePostgres('PgContactStore', () => {
  it('an edit saved through replica A is served by replica B at once; the latest wins; history is kept', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([PgContactStore.open(url), PgContactStore.open(url)]);
    try {
      expect(b.latest(AGENCY)).toBeUndefined();
      await a.save(edit('099-222-2222', '2026-11-27T01:00:00Z'));
      expect(a.latest(AGENCY)?.contact.phone).toBe('099-222-2222');
      await vi.waitFor(() => expect(b.latest(AGENCY)).toEqual(edit('099-222-2222', '2026-11-27T01:00:00Z')), { timeout: 5000 });

      await b.save(edit('099-333-3333', '2026-11-27T02:00:00Z', 'U0OTHER'));
      await vi.waitFor(() => expect(a.latest(AGENCY)).toMatchObject({ editedBy: 'U0OTHER', contact: { phone: '099-333-3333' } }), { timeout: 5000 });
      expect(await a.historyCount(AGENCY)).toBe(2);
      expect(a.latest({ kind: 'program', id: 'p-none' })).toBeUndefined();

      // A replica started later serves every latest edit from the start.
      const c = await PgContactStore.open(url);
      try {
        expect(c.all()).toEqual([expect.objectContaining({ editedBy: 'U0OTHER', contact: expect.objectContaining({ phone: '099-333-3333' }) })]);
      } finally {
        await c.close();
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses a contact without a source and stores nothing', async () => {
    const url = await freshDatabase();
    const store = await PgContactStore.open(url);
    try {
      const bad = { ...edit('099-222-2222', '2026-11-27T01:00:00Z'), contact: { desk: '窓口', phone: '099-222-2222' } } as unknown as StaffContact;
      await expect(store.save(bad)).rejects.toThrow();
      expect(await store.historyCount(AGENCY)).toBe(0);
      expect(store.latest(AGENCY)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
