import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { PasswordHasher, verifyPassword } from '../auth/passwords.ts';
import { testHasher, testProvisioning } from '../../test/support/fixtures.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { countTransactionStatements } from '../../test/support/transaction-statements.ts';
import { schema } from '../store/index.ts';
import { applyProvisioning } from './apply.ts';
import type { ProvisioningDocument } from './document.ts';

/** The test document with `n` more bells at one counter. */
function withBells(n: number): ProvisioningDocument {
  const doc = testProvisioning();
  doc.sites[0]!.bells.push(...Array.from({ length: n }, (_, i) => ({ id: `MANY-${String(i).padStart(4, '0')}`, counterId: 'passport-3', adapter: 'native' as const })));
  return doc;
}

describe.each(['pglite', 'postgres'] as const)('a provisioning file of many bells, on %s', (kind) => {
  let opened: StoreDatabase;
  /** Statements run inside each transaction. */
  let counted: ReturnType<typeof countTransactionStatements>;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    counted = countTransactionStatements(opened.database.db);
  });
  afterAll(async () => {
    counted?.restore();
    await opened?.close();
  });

  const apply = async (doc: ProvisioningDocument) => {
    const before = counted.perTransaction.length;
    const summary = await applyProvisioning(opened.database.db, doc, { hasher: testHasher });
    return { summary, statements: counted.perTransaction.slice(before).reduce((a, b) => a + b, 0) };
  };

  it('creates 1,200 bells in a few statements, not one or two per bell, and a second application changes nothing', async () => {
    const first = await apply(withBells(1_200));
    // The store opens with the test document applied: its 2 sites, 3 counters, 4 bells and 9 people are there.
    expect(first.summary).toEqual({ created: 1_200, updated: 0, unchanged: 2 + 3 + 4 + 9 });
    expect(await opened.database.db.$count(schema.bells)).toBe(1_204);
    // Reads of what exists (sites, counters, bells, people), the inserts in chunks of 500, the audit entries.
    expect(first.statements).toBeLessThan(30);

    const again = await apply(withBells(1_200));
    expect(again.summary).toEqual({ created: 0, updated: 0, unchanged: 2 + 3 + 1_204 + 9 });
    expect(again.statements).toBeLessThan(15);
  });

  it('updates only the bells that changed, and records each change for the audit log', async () => {
    const doc = withBells(1_200);
    const bells = doc.sites[0]!.bells;
    bells.find((b) => b.id === 'MANY-0007')!.counterId = 'welfare-1';
    bells.find((b) => b.id === 'MANY-1100')!.heartbeatSeconds = 120;
    bells.push({ id: 'MANY-NEW', counterId: 'welfare-1', adapter: 'native' });
    const { summary } = await apply(doc);
    expect(summary).toEqual({ created: 1, updated: 2, unchanged: 2 + 3 + 1_204 - 2 + 9 });
    const rows = await opened.database.db.select().from(schema.bells).where(inArray(schema.bells.id, ['MANY-0007', 'MANY-1100', 'MANY-NEW', 'MANY-0008']));
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.counterId, r.heartbeatSeconds]]))).toEqual({
      'MANY-0007': ['welfare-1', 60], 'MANY-0008': ['passport-3', 60], 'MANY-1100': ['passport-3', 120], 'MANY-NEW': ['welfare-1', 60],
    });
    const audit = await opened.database.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.recordType, 'bell'), eq(schema.auditLog.action, 'update')));
    expect(audit.map((a) => [a.recordId, (a.detail as { fields: string[] }).fields])).toEqual([['MANY-0007', ['counterId']], ['MANY-1100', ['heartbeatSeconds']]]);
  });

  it('creates 60 people with passwords: each password hashed once, none refused as a burst of logins', async () => {
    // A hasher that counts its scrypts; its queue takes 32 waiting checks, as a login burst is capped.
    const hasher = new PasswordHasher({ log2N: 10 });
    const calls = { hash: 0, verify: 0 };
    const counting = {
      concurrency: hasher.concurrency,
      hash: (password: string) => (calls.hash++, hasher.hash(password)),
      verify: (password: string, stored: string | null) => (calls.verify++, hasher.verify(password, stored)),
    } as unknown as PasswordHasher;
    const doc = testProvisioning();
    doc.people.push(...Array.from({ length: 60 }, (_, i) => ({
      id: `many-${i}`, name: `Person ${i}`, roles: ['staff' as const], siteIds: ['site-a'], language: 'ko' as const, username: `many${i}`, password: `password-${i}`,
    })));
    const summary = await applyProvisioning(opened.database.db, doc, { hasher: counting });
    expect(summary.created).toBe(60);
    // A new person has no hash to compare with: hashed, not first checked against a stand-in hash.
    expect(calls).toEqual({ hash: 60, verify: 9 });
    const rows = await opened.database.db.select().from(schema.people).where(inArray(schema.people.id, ['many-0', 'many-59']));
    for (const row of rows) expect(await verifyPassword(`password-${row.id.slice(5)}`, row.passwordHash)).toBe(true);

    calls.hash = calls.verify = 0;
    const again = await applyProvisioning(opened.database.db, doc, { hasher: counting });
    expect(again.created).toBe(0);
    expect(calls).toEqual({ hash: 0, verify: 69 });
  });
});
