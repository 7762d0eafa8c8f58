/**
 * What the admin screens read, and the stored configuration written back as provisioning documents.
 *
 * Reads never carry a bell key, an MQTT password hash or a password hash: only whether one is set.
 * `siteDocument` does carry the bell keys, because a site re-applied without them would lose them; it never
 * leaves the server.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../store/index.ts';
import { schema } from '../../store/index.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import type { AdminDirectory } from '../../contract/admin.ts';

export async function readDirectory(db: Db): Promise<AdminDirectory> {
  const [sites, counters, bells, people, shifts, allowances, retirements] = await Promise.all([
    db.select().from(schema.sites),
    db.select().from(schema.counters),
    // Only the columns the screens show: the key and the hash never leave this query.
    db.select({
      id: schema.bells.id, siteId: schema.bells.siteId, counterId: schema.bells.counterId, adapter: schema.bells.adapter,
      deviceId: schema.bells.deviceId, heartbeatSeconds: schema.bells.heartbeatSeconds, confirm: schema.bells.confirm,
      keyHex: schema.bells.keyHex, mqttPasswordHash: schema.bells.mqttPasswordHash, createdAt: schema.bells.createdAt,
    }).from(schema.bells),
    db.select().from(schema.people),
    db.select().from(schema.shifts),
    db.select().from(schema.aftercareSiteSettings),
    db.select().from(schema.bellRetirements),
  ]);
  const retired = new Map(retirements.map((r) => [r.bellId, r]));
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const allowance = new Map(allowances.map((a) => [a.siteId, a.allowanceKrw]));
  return {
    sites: sites.sort(byId).map((s) => ({
      id: s.id, name: s.name, address: s.address, timezone: s.timezone, police: s.police ?? null, drillLiaison: s.drillLiaison,
      situationRoom: s.situationRoom ?? null, serialPorts: s.serialPorts, escalation: s.escalationPolicy ?? null,
      aftercareAllowanceKrw: allowance.get(s.id) ?? null,
      counters: counters.filter((c) => c.siteId === s.id).sort(byId).map((c) => ({ id: c.id, name: c.name, floor: c.floor, managerIds: c.managerIds })),
      roster: shifts.filter((sh) => sh.siteId === s.id).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
        .map((sh) => ({ personId: sh.personId, startsAt: sh.startsAt.toISOString(), endsAt: sh.endsAt.toISOString() })),
    })),
    bells: bells.sort(byId).map((b) => ({
      id: b.id, siteId: b.siteId, counterId: b.counterId, adapter: b.adapter, deviceId: b.deviceId, heartbeatSeconds: b.heartbeatSeconds,
      confirm: b.confirm ?? null, hasKey: b.keyHex !== null, hasMqttPassword: b.mqttPasswordHash !== null, createdAt: b.createdAt.toISOString(),
      inService: !retired.has(b.id), retiredAt: retired.get(b.id)?.retiredAt.toISOString() ?? null, retiredReason: retired.get(b.id)?.reason ?? null,
    })),
    people: people.sort(byId).map((p) => ({
      id: p.id, name: p.name, roles: p.roles, siteIds: p.siteIds, phone: p.phone, email: p.email, language: p.language,
      username: p.username, hasPassword: p.passwordHash !== null, active: p.active,
    })),
  };
}

/**
 * The site and bell fields `siteDocument` writes back, and those the apply step keeps when they are left out.
 * A field added to the provisioning document must be added here (and to `siteDocument`), or an admin change
 * would reset it: store.test.ts compares these lists with the schema.
 */
export const SITE_FIELDS_WRITTEN = ['id', 'name', 'address', 'timezone', 'police', 'drillLiaison', 'situationRoom', 'escalation', 'serialPorts', 'aftercareAllowanceKrw', 'counters', 'bells'] as const;
export const SITE_FIELDS_KEPT_WHEN_LEFT_OUT = ['roster'] as const;
export const BELL_FIELDS_WRITTEN = ['id', 'counterId', 'adapter', 'key', 'heartbeatSeconds', 'confirm', 'deviceId'] as const;
export const BELL_FIELDS_KEPT_WHEN_LEFT_OUT = ['mqttPassword'] as const;

/** A stored site as the provisioning document spells it, with all its counters and bells (keys included). */
export interface SiteDocument {
  site: Record<string, unknown> & { counters: Record<string, unknown>[]; bells: Record<string, unknown>[] };
}

export async function siteDocument(db: Db, siteId: string): Promise<SiteDocument['site'] | null> {
  const [s] = await db.select().from(schema.sites).where(eq(schema.sites.id, siteId));
  if (!s) return null;
  const [counters, bells, [allowance]] = await Promise.all([
    db.select().from(schema.counters).where(eq(schema.counters.siteId, siteId)),
    db.select().from(schema.bells).where(eq(schema.bells.siteId, siteId)),
    db.select().from(schema.aftercareSiteSettings).where(eq(schema.aftercareSiteSettings.siteId, siteId)),
  ]);
  return {
    ...siteFields({
      id: s.id, name: s.name, address: s.address, timezone: s.timezone, police: s.police ?? undefined,
      drillLiaison: s.drillLiaison.length > 0 ? s.drillLiaison : undefined, situationRoom: s.situationRoom ?? undefined,
      escalation: s.escalationPolicy ?? undefined, serialPorts: s.serialPorts.length > 0 ? s.serialPorts : undefined,
      aftercareAllowanceKrw: allowance?.allowanceKrw,
    }),
    counters: counters.map((c) => compact({ id: c.id, name: c.name, floor: c.floor ?? undefined, managerIds: c.managerIds.length > 0 ? c.managerIds : undefined })),
    bells: bells.map((b) => compact({
      id: b.id, counterId: b.counterId, adapter: b.adapter, key: b.keyHex ?? undefined, heartbeatSeconds: b.heartbeatSeconds,
      confirm: b.confirm ?? undefined, deviceId: b.deviceId ?? undefined,
    })),
  };
}

/** The site's own fields (no counters, bells or roster), without the ones that are not set. */
export function siteFields(s: Record<string, unknown>): Record<string, unknown> {
  const { counters: _c, bells: _b, roster: _r, ...rest } = s;
  return compact(rest);
}

export function compact<T extends Record<string, unknown>>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));
}

export async function personRow(db: Db, id: string) {
  const [p] = await db.select().from(schema.people).where(eq(schema.people.id, id));
  return p ?? null;
}

export async function bellRow(db: Db, id: string) {
  const [b] = await db.select().from(schema.bells).where(eq(schema.bells.id, id));
  return b ?? null;
}

export async function setPersonActive(db: Db, id: string, active: boolean, by: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(schema.people).set({ active }).where(eq(schema.people.id, id));
    // A deactivated person's sessions end now, not when they expire.
    if (!active) await tx.delete(schema.sessions).where(eq(schema.sessions.personId, id));
    await appendAudit(tx, { actorId: by, action: 'update', recordType: 'person', recordId: id, detail: { via: 'admin', fields: ['active'], now: { active } } });
  });
}

/** Takes a bell out of service (kept, with its history) or returns it to service. */
export async function setBellInService(db: Db, bellId: string, inService: boolean, by: string, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    if (inService) await tx.delete(schema.bellRetirements).where(eq(schema.bellRetirements.bellId, bellId));
    else await tx.insert(schema.bellRetirements).values({ bellId, retiredBy: by, reason }).onConflictDoNothing();
    await appendAudit(tx, { actorId: by, action: 'update', recordType: 'bell', recordId: bellId, detail: { via: 'admin', fields: ['inService'], now: { inService, reason } } });
  });
}
