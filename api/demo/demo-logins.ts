/**
 * The demo's logins. Generated and shown once at first start (fixed, `username-demo`, only while GUARDBELL_DEMO=1
 * is set explicitly), marked `demo` so that they stop working once the system holds a real site, announced on every
 * console page while they exist, and removed by `guardbell demo remove`.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { PasswordHasher } from '../auth/passwords.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Role } from '../contract/index.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import type { IssuedCredentials } from '../provisioning/credentials.ts';
import { schema, type Db } from '../store/index.ts';
import { demoProvisioning, fixedDemoPassword } from './demo-provisioning.ts';

export interface DemoLogin {
  username: string;
  password: string;
  roles: readonly Role[];
}

export interface DemoOptions {
  /** GUARDBELL_DEMO=1 set explicitly: the memorable fixed passwords. Otherwise each start that seeds generates them. */
  fixedPasswords: boolean;
  hasher: PasswordHasher;
  /** Issue the demo bells their MQTT passwords (shown once with the logins). */
  issueCredentials?: boolean;
}

const generated = () => randomBytes(9).toString('base64url');

/**
 * The demo's passwords are random (72 bits) or public (the fixed ones), so scrypt's cost protects nothing that their
 * entropy does not: they are hashed at the cost of machine-made secrets (2^15, not OWASP's 2^17 for chosen
 * passwords), a quarter of the work at every first start. A person's first login rehashes at the configured cost.
 */
const DEMO_LOG2N = 15;
const demoHasher = (hasher: PasswordHasher) => (hasher.cost.N > 2 ** DEMO_LOG2N ? new PasswordHasher({ log2N: DEMO_LOG2N }) : hasher);

/** Seeds the demo site and its people on an empty database; returns the logins to print (shown this once). */
export async function seedDemo(db: Db, opts: DemoOptions): Promise<{ logins: DemoLogin[]; credentials?: IssuedCredentials }> {
  const passwords = new Map<string, string>();
  const passwordOf = (username: string) => {
    if (!passwords.has(username)) passwords.set(username, opts.fixedPasswords ? fixedDemoPassword(username) : generated());
    return passwords.get(username)!;
  };
  const doc = demoProvisioning(passwordOf);
  const summary = await applyProvisioning(db, doc, { hasher: demoHasher(opts.hasher), actorId: 'system', via: 'demo seed', issueCredentials: opts.issueCredentials ?? false });
  await db.update(schema.people).set({ demo: true }).where(inArray(schema.people.id, doc.people.map((p) => p.id)));
  return { logins: loginsOf(doc), ...(summary.credentials ? { credentials: summary.credentials } : {}) };
}

/**
 * At a later start: with GUARDBELL_DEMO=1 the demo people get the fixed passwords again; without it, a demo person
 * still holding a fixed password (from a run with GUARDBELL_DEMO=1) gets a generated one. Returns the logins
 * that changed (to print), empty when none did.
 */
export async function refreshDemoLogins(db: Db, opts: DemoOptions): Promise<DemoLogin[]> {
  const people = await db.select().from(schema.people).where(and(eq(schema.people.demo, true), eq(schema.people.active, true)));
  const hasher = demoHasher(opts.hasher);
  // One scrypt per demo person at every start: side by side on libuv's thread pool, not one after another.
  const checked = await Promise.all(people.map(async (p) => {
    if (!p.username) return null;
    const fixed = fixedDemoPassword(p.username);
    const hasFixed = (await opts.hasher.verify(fixed, p.passwordHash)).ok;
    if (hasFixed === opts.fixedPasswords) return null;
    const password = opts.fixedPasswords ? fixed : generated();
    return { p, username: p.username, password, hash: await hasher.hash(password) };
  }));
  const changed: DemoLogin[] = [];
  for (const c of checked) {
    if (!c) continue;
    await db.update(schema.people).set({ passwordHash: c.hash }).where(eq(schema.people.id, c.p.id));
    await db.delete(schema.sessions).where(eq(schema.sessions.personId, c.p.id));
    changed.push({ username: c.username, password: c.password, roles: c.p.roles as Role[] });
  }
  return changed;
}

/**
 * Removes the demo accounts: deleted where nothing refers to them, otherwise (an incident they raised, a drill they
 * planned) deactivated with their login taken away, so the records keep their author. Sessions end with them.
 */
export async function removeDemoAccounts(db: Db, actorId = 'system'): Promise<{ deleted: string[]; deactivated: string[] }> {
  const people = await db.select().from(schema.people).where(eq(schema.people.demo, true));
  const result = { deleted: [] as string[], deactivated: [] as string[] };
  for (const p of people) {
    if (!p.active && !p.username) continue; // removed before
    await db.transaction(async (tx) => {
      await tx.delete(schema.sessions).where(eq(schema.sessions.personId, p.id));
      await tx.delete(schema.shifts).where(eq(schema.shifts.personId, p.id));
      for (const c of await tx.select().from(schema.counters)) {
        if (!c.managerIds.includes(p.id)) continue;
        await tx.update(schema.counters).set({ managerIds: c.managerIds.filter((id) => id !== p.id) }).where(and(eq(schema.counters.siteId, c.siteId), eq(schema.counters.id, c.id)));
      }
      let deleted = true;
      try {
        // A savepoint: a row that refers to the person undoes only this delete.
        await tx.transaction(async (sp) => {
          await sp.delete(schema.people).where(eq(schema.people.id, p.id));
        });
      } catch {
        deleted = false;
        await tx.update(schema.people).set({ active: false, username: null, passwordHash: null }).where(eq(schema.people.id, p.id));
      }
      await appendAudit(tx, { actorId, action: deleted ? 'delete' : 'update', recordType: 'person', recordId: p.id, detail: { via: 'guardbell demo remove', fields: deleted ? [] : ['active', 'username', 'password'] } });
      (deleted ? result.deleted : result.deactivated).push(p.id);
    });
  }
  return result;
}

function loginsOf(doc: ReturnType<typeof demoProvisioning>): DemoLogin[] {
  return doc.people.flatMap((p) => (p.username && p.password ? [{ username: p.username, password: p.password, roles: p.roles }] : []));
}
