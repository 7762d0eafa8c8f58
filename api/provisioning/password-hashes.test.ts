import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { PasswordHasher, verifyPassword } from '../auth/passwords.ts';
import { TEST_HASH_COST, testHasher, testProvisioning } from '../../test/support/fixtures.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { schema } from '../store/index.ts';
import { applyProvisioning, provisionFromText } from './apply.ts';
import { ChangeLog } from './changes.ts';
import type { ProvisioningDocument } from './document.ts';

/** A hasher at the test cost that counts its scrypts. */
function countingHasher() {
  const calls = { hash: 0, verify: 0 };
  const hasher = {
    cost: testHasher.cost,
    concurrency: testHasher.concurrency,
    hash: (password: string) => (calls.hash++, testHasher.hash(password)),
    verify: (password: string, stored: string | null) => (calls.verify++, testHasher.verify(password, stored)),
  } as unknown as PasswordHasher;
  return { hasher, calls };
}

/** The test document with its people's passwords left out (they keep theirs) and `people` more, each with a hash. */
function withHashedPeople(hashes: readonly string[]): ProvisioningDocument {
  const doc = testProvisioning();
  for (const p of doc.people) delete p.password;
  doc.people.push(...hashes.map((passwordHash, i) => ({
    id: `hashed-${i}`, name: `Person ${i}`, roles: ['staff' as const], siteIds: ['site-a'], language: 'ko' as const, username: `hashed${i}`, passwordHash,
  })));
  return doc;
}

describe.each(['pglite', 'postgres'] as const)('password hashes in a provisioning file, on %s', (kind) => {
  let opened: StoreDatabase;
  let hashes: string[];
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    hashes = await Promise.all([0, 1, 2].map((i) => testHasher.hash(`password-${i}`)));
  });
  afterAll(async () => {
    await opened?.close();
  });

  const storedHash = async (id: string) => (await opened.database.db.select().from(schema.people).where(eq(schema.people.id, id)))[0]?.passwordHash ?? null;

  it('stores the hashes as given, so people log in with their passwords; applied again, no scrypt runs at all', async () => {
    const { hasher, calls } = countingHasher();
    const first = await applyProvisioning(opened.database.db, withHashedPeople(hashes), { hasher });
    expect(first.created).toBe(3);
    expect(calls).toEqual({ hash: 0, verify: 0 });
    const rows = await opened.database.db.select().from(schema.people).where(inArray(schema.people.id, ['hashed-0', 'hashed-1', 'hashed-2']));
    for (const row of rows) {
      expect(row.passwordHash).toBe(hashes[Number(row.id.slice(7))]);
      expect(await verifyPassword(`password-${row.id.slice(7)}`, row.passwordHash)).toBe(true);
    }
    const again = await applyProvisioning(opened.database.db, withHashedPeople(hashes), { hasher });
    expect(again).toEqual({ created: 0, updated: 0, unchanged: first.unchanged + 3 });
    expect(calls).toEqual({ hash: 0, verify: 0 });
  });

  it('a new hash is a new password: the person is named for their sessions to end, and the audit log says which field, not its value', async () => {
    const changed = [...hashes];
    changed[1] = await testHasher.hash('another-password');
    const changes = new ChangeLog();
    const summary = await applyProvisioning(opened.database.db, withHashedPeople(changed), { hasher: testHasher, changes });
    expect(summary.updated).toBe(1);
    expect(changes.passwordChanged()).toEqual(['hashed-1']);
    expect(await storedHash('hashed-1')).toBe(changed[1]);
    const audit = await opened.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.recordId, 'hashed-1'));
    expect(audit.at(-1)!.detail).toMatchObject({ fields: ['password'] });
    expect(JSON.stringify(audit)).not.toContain(changed[1]!.split('$')[5]!);
  });

  it('refuses a hash made at a lower cost than the system hashes at, and applies nothing of the file', async () => {
    // A login would rehash it at the system's cost, and the next start would set the file's back and end the sessions.
    const weak = await new PasswordHasher({ log2N: TEST_HASH_COST - 2 }).hash('password-9');
    const doc = withHashedPeople([...hashes, weak]);
    doc.sites[0]!.name = 'Renamed by a refused file';
    const result = await provisionFromText(opened.database.db, JSON.stringify(doc), 'people.json', { hasher: testHasher });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([{
      path: 'people[12].passwordHash', code: 'password_hash_cost', params: { cost: TEST_HASH_COST - 2, system: TEST_HASH_COST },
      message: `made at scrypt N=2^${TEST_HASH_COST - 2}, below this system's 2^${TEST_HASH_COST} (PASSWORD_HASH_COST): make it again with \`guardbell password-hash\``,
    }]);
    expect(await storedHash('hashed-3')).toBeNull();
    const [site] = await opened.database.db.select().from(schema.sites).where(eq(schema.sites.id, 'site-a'));
    expect(site!.name).not.toBe('Renamed by a refused file');
    // At the system's cost or above, the same file applies.
    const strong = await new PasswordHasher({ log2N: TEST_HASH_COST + 1 }).hash('password-9');
    expect((await provisionFromText(opened.database.db, JSON.stringify(withHashedPeople([...hashes, strong])), 'people.json', { hasher: testHasher })).ok).toBe(true);
    expect(await storedHash('hashed-3')).toBe(strong);
  });
});
