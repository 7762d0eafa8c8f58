import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.ts';
import { openDatabase, schema, type Database } from '../store/index.ts';
import { DEMO_LOGINS } from './demo-provisioning.ts';
import { DEMO_PASSWORD_HASHES, seedDemo } from './demo-seed.ts';

describe('the demo office is seeded with its kept password hashes', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
  });
  afterAll(() => database.close());

  it('keeps a hash for every demo login, and each verifies its public password', async () => {
    expect(Object.keys(DEMO_PASSWORD_HASHES).sort()).toEqual(DEMO_LOGINS.map((l) => l.username).sort());
    for (const login of DEMO_LOGINS) expect(await verifyPassword(login.password, DEMO_PASSWORD_HASHES[login.username]!)).toBe(true);
  });

  it('stores the site, its bells and every person with a login', async () => {
    await seedDemo(database.db);
    expect(await database.db.select().from(schema.sites)).toHaveLength(1);
    expect(await database.db.select().from(schema.bells)).toHaveLength(4);
    const people = await database.db.select().from(schema.people);
    for (const login of DEMO_LOGINS) {
      const person = people.find((p) => p.username === login.username);
      expect(person?.passwordHash).toBe(DEMO_PASSWORD_HASHES[login.username]);
    }
  });
});
