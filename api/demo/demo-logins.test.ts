import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf, OWASP_SCRYPT, PasswordHasher } from '../auth/passwords.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { schema } from '../store/index.ts';
import { fixedDemoPassword } from './demo-provisioning.ts';
import { refreshDemoLogins, seedDemo } from './demo-logins.ts';

describe("the demo's logins, with people's passwords at OWASP's cost", () => {
  let database: Database;
  const owasp = new PasswordHasher();
  const demoPeople = async () => database.db.select().from(schema.people).where(eq(schema.people.demo, true));

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
  });
  afterAll(() => database?.close());

  it('are hashed at the cost of machine-made secrets, and a login with one asks for the rehash at the configured cost', async () => {
    const { logins } = await seedDemo(database.db, { fixedPasswords: false, hasher: owasp });
    const people = await demoPeople();
    expect(logins.length).toBe(8);
    for (const login of logins) {
      const stored = people.find((p) => p.username === login.username)!.passwordHash;
      expect(costOf(stored)?.N).toBe(2 ** 15);
      expect(await owasp.verify(login.password, stored)).toEqual({ ok: true, upgrade: true });
    }
    expect(OWASP_SCRYPT.N).toBe(2 ** 17);
  }, 60_000);

  it('so are the fixed ones that GUARDBELL_DEMO=1 puts back at a later start', async () => {
    const changed = await refreshDemoLogins(database.db, { fixedPasswords: true, hasher: owasp });
    expect(changed.map((l) => l.password).sort()).toEqual(changed.map((l) => fixedDemoPassword(l.username)).sort());
    expect(changed.length).toBe(8);
    for (const p of (await demoPeople()).filter((p) => p.username)) expect(costOf(p.passwordHash)?.N).toBe(2 ** 15);
  }, 60_000);
});
