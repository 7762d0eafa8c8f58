/**
 * Applies a validated provisioning document in one transaction, idempotently: a second application of
 * the same document changes nothing. Nothing the document does not name is deleted.
 */
import { and, eq } from 'drizzle-orm';
import { hashPassword, PasswordHasher, verifyPassword } from '../auth/passwords.ts';
import { appendAuditEntries } from '../audit/audit-log.ts';
import type { Db } from '../store/index.ts';
import { schema } from '../store/index.ts';
import { normaliseDeviceId, type Problem, type ProvisioningDocument } from './document.ts';
import { parseProvisioningText, type ProvisioningResult } from './parse.ts';
import { hashIfChanged, issueSecret, type IssuedCredentials } from './credentials.ts';
import type { ProvisioningContext } from './references.ts';
import { ChangeLog, type ChangedRecord } from './changes.ts';

export interface ApplyOptions {
  /** People's passwords; OWASP's cost unless the composition root configured another. */
  hasher?: PasswordHasher;
  /** Who made the change, for the audit log: a person's id, or `system` for a file applied at start or by the CLI. */
  actorId?: string;
  /** Filled with what changed, so the caller can end sessions (passwords) and streams (rights). */
  changes?: ChangeLog;
  /** Checks that need the actor (granting oneself a role): any problem and nothing is applied. */
  refuse?: (doc: ProvisioningDocument) => Promise<Problem[]>;
  /**
   * Give every native bell without an MQTT password (in the file or the database) a generated one, and every
   * bridge without a password likewise. On for files a person applies (the CLI, the API, GUARDBELL_PROVISION),
   * who is shown the new passwords once.
   */
  issueCredentials?: boolean;
}

const defaultHasher = new PasswordHasher();

export interface ApplySummary {
  created: number;
  updated: number;
  unchanged: number;
  /** Credentials generated for bells and bridges that had none: shown once, here. */
  credentials?: IssuedCredentials;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function provisioningContext(db: Db): Promise<ProvisioningContext> {
  const [sites, people] = await Promise.all([db.select({ id: schema.sites.id }).from(schema.sites), db.select().from(schema.people)]);
  return {
    existingSiteIds: new Set(sites.map((s) => s.id)),
    existingPersonIds: new Set(people.map((p) => p.id)),
    existingUsernames: new Map(people.filter((p) => p.username && p.passwordHash).map((p) => [p.username!, p.id])),
  };
}

/** Parses, validates against what the database holds, and applies; nothing is applied when anything is wrong. */
export async function provisionFromText(db: Db, text: string, fileName: string, opts: ApplyOptions = {}): Promise<ProvisioningResult & { summary?: ApplySummary }> {
  const parsed = parseProvisioningText(text, fileName, await provisioningContext(db));
  if (!parsed.ok) return parsed;
  const refused = (await opts.refuse?.(parsed.document)) ?? [];
  if (refused.length > 0) return { ok: false, problems: refused };
  return { ...parsed, summary: await applyProvisioning(db, parsed.document, { issueCredentials: true, ...opts, via: fileName }) };
}

export async function applyProvisioning(db: Db, doc: ProvisioningDocument, opts: ApplyOptions & { via?: string } = {}): Promise<ApplySummary> {
  const hasher = opts.hasher ?? defaultHasher;
  const changes = opts.changes ?? new ChangeLog();
  // Hash new passwords before the transaction: scrypt is slow on purpose, so side by side (it runs on libuv's
  // thread pool): the demo's nine people took nine scrypts one after another at the first start.
  const hashes = new Map<string, string>();
  const existingPeople = new Map((await db.select().from(schema.people)).map((p) => [p.id, p]));
  await Promise.all(doc.people.map(async (p) => {
    if (!p.password) return;
    const current = existingPeople.get(p.id)?.passwordHash ?? null;
    if (!(await hasher.verify(p.password, current)).ok) hashes.set(p.id, await hasher.hash(p.password));
  }));
  // Bells' MQTT passwords (machine secrets, a fast keyed hash); a bell without one in the document keeps the
  // hash it has, or is issued one.
  const { bellHashes, bridgeHashes, issued } = await machineCredentials(db, doc, opts);
  const summary: ApplySummary = { created: 0, updated: 0, unchanged: 0 };
  await db.transaction(async (tx) => {
    for (const site of doc.sites) {
      const s = {
        id: site.id, name: site.name, address: site.address, timezone: site.timezone, police: site.police ?? null,
        drillLiaison: site.drillLiaison ?? [], situationRoom: site.situationRoom ?? null, escalationPolicy: site.escalation ?? null,
        serialPorts: site.serialPorts ?? [],
      };
      await upsert(tx, summary, schema.sites, eq(schema.sites.id, site.id), s, track(changes, 'site', site.id));
      for (const c of site.counters) {
        const row = { siteId: site.id, id: c.id, name: c.name, floor: c.floor ?? null, managerIds: c.managerIds ?? [] };
        const existing = (await tx.select().from(schema.counters).where(eq(schema.counters.siteId, site.id))).find((r) => r.id === c.id);
        if (!existing) {
          await tx.insert(schema.counters).values(row);
          summary.created++;
          changes.record('counter', `${site.id}/${c.id}`, 'create', Object.keys(row));
        } else if (differs(existing, row)) {
          await tx.update(schema.counters).set(row).where(and(eq(schema.counters.siteId, site.id), eq(schema.counters.id, c.id)));
          summary.updated++;
          changes.record('counter', `${site.id}/${c.id}`, 'update', changedColumns(existing, row));
        } else summary.unchanged++;
      }
      for (const b of site.bells) {
        const row = {
          id: b.id, siteId: site.id, counterId: b.counterId, adapter: b.adapter, keyHex: b.key?.toLowerCase() ?? null, heartbeatSeconds: b.heartbeatSeconds ?? 60,
          deviceId: b.deviceId === undefined ? null : normaliseDeviceId(b.adapter, b.deviceId),
          confirm: b.confirm ?? null,
          ...(bellHashes.has(b.id) ? { mqttPasswordHash: bellHashes.get(b.id)! } : {}),
        };
        await upsert(tx, summary, schema.bells, eq(schema.bells.id, b.id), row, track(changes, 'bell', b.id));
      }
    }
    for (const p of doc.people) {
      const row = {
        id: p.id,
        name: p.name,
        roles: p.roles,
        siteIds: p.siteIds,
        // Absent: kept as it is (the administration screens build documents without it).
        ...(p.counterIds !== undefined ? { counterIds: p.counterIds } : {}),
        phone: p.phone ?? null,
        email: p.email ?? null,
        language: p.language,
        username: p.username ?? existingPeople.get(p.id)?.username ?? null,
        ...(hashes.has(p.id) ? { passwordHash: hashes.get(p.id)! } : {}),
      };
      await upsert(tx, summary, schema.people, eq(schema.people.id, p.id), row, track(changes, 'person', p.id));
    }
    for (const b of doc.bridges ?? []) {
      const row = { username: b.username, adapter: b.adapter, topicPrefix: b.topicPrefix, ...(bridgeHashes.has(b.username) ? { passwordHash: bridgeHashes.get(b.username)! } : {}) };
      await upsert(tx, summary, schema.mqttBridges, eq(schema.mqttBridges.username, b.username), row, track(changes, 'bridge', b.username));
    }
    for (const site of doc.sites) if (site.roster && (await replaceRoster(tx, summary, site.id, site.roster))) changes.record('roster', site.id, 'update', ['roster']);
    for (const site of doc.sites) await applyAftercareAllowance(tx, site.id, site.aftercareAllowanceKrw);
    // A changed password ends the person's sessions with the change itself.
    for (const personId of changes.passwordChanged()) await tx.delete(schema.sessions).where(eq(schema.sessions.personId, personId));
    // One round of the chain for the whole file: entry by entry, a city's 10,000 bells took three minutes to apply.
    await appendAuditEntries(tx, changes.auditEntries(opts.actorId ?? 'system', opts.via ?? 'provisioning'));
  });
  if (issued.bells || issued.bridges) summary.credentials = issued;
  return summary;
}

async function machineCredentials(db: Db, doc: ProvisioningDocument, opts: ApplyOptions) {
  const bellHashes = new Map<string, string>();
  const bridgeHashes = new Map<string, string>();
  const issued: IssuedCredentials = {};
  const existingBells = new Map((await db.select({ id: schema.bells.id, hash: schema.bells.mqttPasswordHash }).from(schema.bells)).map((b) => [b.id, b.hash]));
  for (const b of doc.sites.flatMap((s) => s.bells)) {
    const current = existingBells.get(b.id);
    if (b.mqttPassword !== undefined) {
      const hash = await hashIfChanged(b.mqttPassword, current);
      if (hash) bellHashes.set(b.id, hash);
    } else if (opts.issueCredentials && b.adapter === 'native' && !current) {
      const { secret, hash } = issueSecret();
      bellHashes.set(b.id, hash);
      (issued.bells ??= {})[b.id] = secret;
    }
  }
  const existingBridges = new Map((await db.select().from(schema.mqttBridges)).map((b) => [b.username, b.passwordHash]));
  for (const b of doc.bridges ?? []) {
    const current = existingBridges.get(b.username);
    if (b.password !== undefined) {
      const hash = await hashIfChanged(b.password, current);
      if (hash) bridgeHashes.set(b.username, hash);
    } else if (!current) {
      // A bridge cannot exist without a credential: one is issued even where bells are not.
      const { secret, hash } = issueSecret();
      bridgeHashes.set(b.username, hash);
      (issued.bridges ??= {})[b.username] = secret;
    }
  }
  return { bellHashes, bridgeHashes, issued };
}

type Table = typeof schema.sites | typeof schema.bells | typeof schema.people | typeof schema.mqttBridges;

type Track = (action: 'create' | 'update', columns: string[], row: Record<string, unknown>) => void;

const track = (changes: ChangeLog, recordType: ChangedRecord, recordId: string): Track => (action, columns, row) =>
  changes.record(recordType, recordId, action, columns, row);

async function upsert(tx: Tx, summary: ApplySummary, table: Table, where: ReturnType<typeof eq>, row: Record<string, unknown>, changed?: Track): Promise<void> {
  const [existing] = await tx.select().from(table as typeof schema.sites).where(where);
  if (!existing) {
    await tx.insert(table).values(row as never);
    summary.created++;
    changed?.('create', Object.keys(row).filter((k) => row[k] !== null && row[k] !== undefined), row);
  } else if (differs(existing as Record<string, unknown>, row)) {
    await tx.update(table).set(row as never).where(where);
    summary.updated++;
    changed?.('update', changedColumns(existing as Record<string, unknown>, row), row);
  } else summary.unchanged++;
}

function changedColumns(existing: Record<string, unknown>, row: Record<string, unknown>): string[] {
  return Object.entries(row).filter(([k, v]) => canonical(existing[k] ?? null) !== canonical(v ?? null)).map(([k]) => k);
}

function differs(existing: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return changedColumns(existing, row).length > 0;
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order (`police` comes back as {"to","channel"}). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Replaces a site's shifts when the file names a roster; unchanged shifts count as unchanged. */
/** Returns whether the roster changed. */
async function replaceRoster(tx: Tx, summary: ApplySummary, siteId: string, roster: { personId: string; startsAt: string; endsAt: string }[]): Promise<boolean> {
  const key = (r: { personId: string; startsAt: Date; endsAt: Date }) => `${r.personId}|${r.startsAt.getTime()}|${r.endsAt.getTime()}`;
  const wanted = roster.map((r) => ({ personId: r.personId, startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
  const current = await tx.select().from(schema.shifts).where(eq(schema.shifts.siteId, siteId));
  const same = current.length === wanted.length && current.map(key).sort().join() === wanted.map(key).sort().join();
  if (same) {
    summary.unchanged += wanted.length;
    return false;
  }
  await tx.delete(schema.shifts).where(eq(schema.shifts.siteId, siteId));
  if (wanted.length > 0) await tx.insert(schema.shifts).values(wanted.map((w) => ({ ...w, siteId })));
  summary.updated++;
  return true;
}

/** A site's own aftercare allowance; like the site's other fields, leaving it out returns to the default. */
async function applyAftercareAllowance(tx: Tx, siteId: string, allowanceKrw: number | undefined): Promise<void> {
  const table = schema.aftercareSiteSettings;
  if (allowanceKrw === undefined) {
    await tx.delete(table).where(eq(table.siteId, siteId));
    return;
  }
  await tx.insert(table).values({ siteId, allowanceKrw }).onConflictDoUpdate({ target: table.siteId, set: { allowanceKrw } });
}
