/**
 * Applies a validated provisioning document in one transaction, idempotently: a second application of
 * the same document changes nothing. Nothing the document does not name is deleted.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { costOf, PasswordHasher } from '../auth/passwords.ts';
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
  const refused = [...weakPasswordHashes(parsed.document, opts.hasher ?? defaultHasher), ...((await opts.refuse?.(parsed.document)) ?? [])];
  if (refused.length > 0) return { ok: false, problems: refused };
  return { ...parsed, summary: await applyProvisioning(db, parsed.document, { issueCredentials: true, ...opts, via: fileName }) };
}

export async function applyProvisioning(db: Db, doc: ProvisioningDocument, opts: ApplyOptions & { via?: string } = {}): Promise<ApplySummary> {
  const hasher = opts.hasher ?? defaultHasher;
  const changes = opts.changes ?? new ChangeLog();
  // Hash new passwords before the transaction. scrypt is slow on purpose, so as many at a time as the hasher
  // computes, and no more: it refuses checks past a queue sized for a burst of logins. A person without a stored hash
  // is hashed at once (a login's check against a stand-in hash is there for timing, not needed here).
  const hashes = new Map<string, string>();
  const existingPeople = new Map((await db.select().from(schema.people)).map((p) => [p.id, p]));
  const withPasswords = doc.people.filter((p) => p.password);
  await Promise.all(Array.from({ length: hasher.concurrency }, async () => {
    for (let p = withPasswords.shift(); p; p = withPasswords.shift()) {
      const current = existingPeople.get(p.id)?.passwordHash ?? null;
      if (current === null || !(await hasher.verify(p.password!, current)).ok) hashes.set(p.id, await hasher.hash(p.password!));
    }
  }));
  // A hash from the file is compared as a string: no scrypt at a start that applies an unchanged file.
  for (const p of doc.people) if (p.passwordHash !== undefined && p.passwordHash !== existingPeople.get(p.id)?.passwordHash) hashes.set(p.id, p.passwordHash);
  // Bells' MQTT passwords (machine secrets, a fast keyed hash); a bell without one in the document keeps the
  // hash it has, or is issued one.
  const { bellHashes, bridgeHashes, issued } = await machineCredentials(db, doc, opts);
  const summary: ApplySummary = { created: 0, updated: 0, unchanged: 0 };
  await db.transaction(async (tx) => {
    await upsertAll(tx, summary, schema.sites, 'id', doc.sites.map((site) => ({
      key: site.id,
      row: {
        id: site.id, name: site.name, address: site.address, timezone: site.timezone, police: site.police ?? null,
        drillLiaison: site.drillLiaison ?? [], situationRoom: site.situationRoom ?? null, escalationPolicy: site.escalation ?? null,
        serialPorts: site.serialPorts ?? [],
      },
      changed: track(changes, 'site', site.id),
    })));
    const siteIds = doc.sites.map((site) => site.id);
    const counterKey = (siteId: string, id: string) => `${siteId}/${id}`;
    const existingCounters = siteIds.length === 0 ? new Map<string, typeof schema.counters.$inferSelect>()
      : new Map((await tx.select().from(schema.counters).where(inArray(schema.counters.siteId, siteIds))).map((r) => [counterKey(r.siteId, r.id), r]));
    const newCounters: (typeof schema.counters.$inferInsert)[] = [];
    for (const site of doc.sites) {
      for (const c of site.counters) {
        const row = { siteId: site.id, id: c.id, name: c.name, floor: c.floor ?? null, managerIds: c.managerIds ?? [] };
        const existing = existingCounters.get(counterKey(site.id, c.id));
        if (!existing) {
          newCounters.push(row);
          summary.created++;
          changes.record('counter', counterKey(site.id, c.id), 'create', Object.keys(row));
        } else if (differs(existing, row)) {
          await tx.update(schema.counters).set(row).where(and(eq(schema.counters.siteId, site.id), eq(schema.counters.id, c.id)));
          summary.updated++;
          changes.record('counter', counterKey(site.id, c.id), 'update', changedColumns(existing, row));
        } else summary.unchanged++;
      }
    }
    for (const chunk of chunksOf(newCounters, INSERT_CHUNK)) await tx.insert(schema.counters).values(chunk);
    await upsertAll(tx, summary, schema.bells, 'id', doc.sites.flatMap((site) => site.bells.map((b) => ({
      key: b.id,
      row: {
        id: b.id, siteId: site.id, counterId: b.counterId, adapter: b.adapter, keyHex: b.key?.toLowerCase() ?? null, heartbeatSeconds: b.heartbeatSeconds ?? 60,
        deviceId: b.deviceId === undefined ? null : normaliseDeviceId(b.adapter, b.deviceId),
        confirm: b.confirm ?? null,
        ...(bellHashes.has(b.id) ? { mqttPasswordHash: bellHashes.get(b.id)! } : {}),
      },
      changed: track(changes, 'bell', b.id),
    }))));
    await upsertAll(tx, summary, schema.people, 'id', doc.people.map((p) => ({
      key: p.id,
      row: {
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
      },
      changed: track(changes, 'person', p.id),
    })));
    await upsertAll(tx, summary, schema.mqttBridges, 'username', (doc.bridges ?? []).map((b) => ({
      key: b.username,
      row: { username: b.username, adapter: b.adapter, topicPrefix: b.topicPrefix, ...(bridgeHashes.has(b.username) ? { passwordHash: bridgeHashes.get(b.username)! } : {}) },
      changed: track(changes, 'bridge', b.username),
    })));
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

/**
 * Hashes in the file made at a lower cost than the system hashes at. The person's next login would rehash theirs (an
 * upgrade), and the next application of the unchanged file would set the old one back and end their sessions.
 */
export function weakPasswordHashes(doc: ProvisioningDocument, hasher: PasswordHasher): Problem[] {
  const system = Math.log2(hasher.cost.N);
  return doc.people.flatMap((p, i) => {
    const cost = p.passwordHash === undefined ? null : costOf(p.passwordHash);
    if (cost === null || cost.N >= hasher.cost.N) return [];
    const made = Math.log2(cost.N);
    return [{
      path: `people[${i}].passwordHash`, code: 'password_hash_cost' as const, params: { cost: made, system },
      message: `made at scrypt N=2^${made}, below this system's 2^${system} (PASSWORD_HASH_COST): make it again with \`guardbell password-hash\``,
    }];
  });
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

/** Rows a multi-row insert carries at most (PostgreSQL takes up to 65,535 parameters a statement). */
const INSERT_CHUNK = 500;
/** Keys one read names at most. */
const READ_CHUNK = 5_000;

interface Upsert {
  key: string;
  row: Record<string, unknown>;
  changed?: Track;
}

/**
 * Creates the rows that do not exist and updates those that differ, reading what exists in one statement and
 * inserting the new rows together. Row by row, each was a read inside the transaction: a file of a thousand bells,
 * applied at every start, made 2,420 statements, and a process restarted beside a busy one took 129 s to start
 * (14 s now, in the chaos run that kills one of two processes).
 */
async function upsertAll(tx: Tx, summary: ApplySummary, table: Table, keyName: 'id' | 'username', items: Upsert[]): Promise<void> {
  if (items.length === 0) return;
  const keyColumn = (table as unknown as Record<string, AnyPgColumn>)[keyName]!;
  const existing = new Map<string, Record<string, unknown>>();
  for (const keys of chunksOf([...new Set(items.map((i) => i.key))], READ_CHUNK)) {
    for (const r of (await tx.select().from(table as typeof schema.sites).where(inArray(keyColumn, keys))) as Record<string, unknown>[]) existing.set(String(r[keyName]), r);
  }
  const inserts = new Map<string, Record<string, unknown>>();
  for (const { key, row, changed } of items) {
    const pending = inserts.get(key);
    const current = existing.get(key) ?? pending;
    if (!current) {
      inserts.set(key, row);
      summary.created++;
      changed?.('create', Object.keys(row).filter((k) => row[k] !== null && row[k] !== undefined), row);
    } else if (differs(current, row)) {
      // A key named twice in one document (only documents built in code can): the second changes the first.
      if (pending) inserts.set(key, { ...pending, ...row });
      else await tx.update(table).set(row as never).where(eq(keyColumn, key));
      summary.updated++;
      changed?.('update', changedColumns(current, row), row);
    } else summary.unchanged++;
  }
  for (const chunk of chunksOf([...inserts.values()], INSERT_CHUNK)) await tx.insert(table).values(chunk as never);
}

function chunksOf<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
