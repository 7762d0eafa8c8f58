/**
 * Complainants: a record of a person who complained abusively (name if known, description, identifiers), linked
 * to incidents (and through them to cases) across sites. `repeatComplainants` is the count the statistics use.
 */
import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import { ulid } from '../../ids.ts';
import { appendAudit, type AuditDb } from '../../audit/audit-log.ts';
import type { Db } from '../../store/database.ts';
import * as schema from '../../store/schema.ts';
import type { ComplainantView, ComplainantWarning } from '../../contract/cases.ts';

export const COMPLAINANT = 'complainant';
export type ComplainantRow = typeof schema.complainants.$inferSelect;

interface LinkedIncident {
  complainantId: string;
  incidentId: string;
  siteId: string;
  openedAt: Date;
}

/** Links incidents to a complainant (idempotent); the caller audits it in the same transaction. */
export async function linkComplainant(db: AuditDb, complainantId: string, incidentIds: readonly string[], actorId: string, now: Date): Promise<void> {
  if (!incidentIds.length) return;
  await (db as Db).insert(schema.complainantIncidents)
    .values(incidentIds.map((incidentId) => ({ complainantId, incidentId, linkedBy: actorId, linkedAt: now })))
    .onConflictDoNothing();
}

export class ComplainantStore {
  constructor(private readonly db: Db) {}

  async create(c: { name: string | null; description: string; identifiers: string[]; incidentIds: string[] }, actorId: string, now: Date): Promise<ComplainantRow> {
    return this.db.transaction(async (tx) => {
      const id = `cmp_${ulid()}`;
      const [row] = await tx.insert(schema.complainants).values({ id, name: c.name, description: c.description, identifiers: c.identifiers, createdBy: actorId, createdAt: now }).returning();
      await linkComplainant(tx, id, c.incidentIds, actorId, now);
      await appendAudit(tx, { actorId, action: 'create', recordType: COMPLAINANT, recordId: id, detail: { incidentIds: c.incidentIds } });
      return row!;
    });
  }

  async link(complainantId: string, incidentIds: string[], actorId: string, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      await linkComplainant(tx, complainantId, incidentIds, actorId, now);
      await appendAudit(tx, { actorId, action: 'update', recordType: COMPLAINANT, recordId: complainantId, detail: { linkedIncidentIds: incidentIds } });
    });
  }

  async get(id: string): Promise<ComplainantRow | null> {
    const [row] = await this.db.select().from(schema.complainants).where(eq(schema.complainants.id, id));
    return row ?? null;
  }

  async list(): Promise<ComplainantRow[]> {
    return this.db.select().from(schema.complainants).orderBy(asc(schema.complainants.createdAt));
  }

  async ofIncident(incidentId: string): Promise<string[]> {
    const rows = await this.db.select({ id: schema.complainantIncidents.complainantId }).from(schema.complainantIncidents)
      .where(eq(schema.complainantIncidents.incidentId, incidentId));
    return rows.map((r) => r.id);
  }

  private async linked(complainantIds: readonly string[]): Promise<LinkedIncident[]> {
    if (!complainantIds.length) return [];
    return this.db
      .select({ complainantId: schema.complainantIncidents.complainantId, incidentId: schema.complainantIncidents.incidentId, siteId: schema.incidents.siteId, openedAt: schema.incidents.openedAt })
      .from(schema.complainantIncidents)
      .innerJoin(schema.incidents, eq(schema.incidents.id, schema.complainantIncidents.incidentId))
      .where(inArray(schema.complainantIncidents.complainantId, [...complainantIds]))
      .orderBy(asc(schema.incidents.openedAt));
  }

  async views(rows: readonly ComplainantRow[]): Promise<ComplainantView[]> {
    const linked = await this.linked(rows.map((r) => r.id));
    const cases = rows.length
      ? await this.db.select({ id: schema.cases.id, complainantId: schema.cases.complainantId }).from(schema.cases).where(inArray(schema.cases.complainantId, rows.map((r) => r.id)))
      : [];
    return rows.map((r) => {
      const mine = linked.filter((l) => l.complainantId === r.id);
      return {
        id: r.id, name: r.name, description: r.description, identifiers: r.identifiers,
        incidentIds: mine.map((l) => l.incidentId),
        siteIds: [...new Set(mine.map((l) => l.siteId))],
        caseIds: cases.filter((c) => c.complainantId === r.id).map((c) => c.id),
        createdAt: r.createdAt.toISOString(),
      };
    });
  }

  /**
   * "Known complainant, N earlier incidents at sites …": for each complainant that has incidents besides
   * `inView` (the incident or the case's incidents on screen). Complainants with nothing else give no warning.
   */
  async warnings(complainantIds: readonly string[], inView: readonly string[]): Promise<ComplainantWarning[]> {
    if (!complainantIds.length) return [];
    const rows = await this.db.select().from(schema.complainants).where(inArray(schema.complainants.id, [...complainantIds]));
    const linked = await this.linked(complainantIds);
    const out: ComplainantWarning[] = [];
    for (const r of rows) {
      const others = linked.filter((l) => l.complainantId === r.id && !inView.includes(l.incidentId));
      if (!others.length) continue;
      out.push({
        complainantId: r.id, name: r.name, description: r.description, earlierIncidents: others.length,
        siteIds: [...new Set(others.map((o) => o.siteId))], lastAt: others.at(-1)!.openedAt.toISOString(),
      });
    }
    return out;
  }
}

export interface RepeatComplainant {
  complainantId: string;
  incidents: number;
  siteIds: string[];
  incidentIds: string[];
}

/**
 * Complainants linked to at least `minIncidents` incidents (default 2) opened in [from, to), optionally only
 * counting incidents of `siteIds`: for the statistics ("repeat complainants"). Live incidents only.
 */
export async function repeatComplainants(
  db: Db,
  opts: { from?: Date; to?: Date; siteIds?: readonly string[]; minIncidents?: number } = {},
): Promise<RepeatComplainant[]> {
  const conds = [eq(schema.incidents.mode, 'live')];
  if (opts.from) conds.push(gte(schema.incidents.openedAt, opts.from));
  if (opts.to) conds.push(lt(schema.incidents.openedAt, opts.to));
  if (opts.siteIds) {
    if (!opts.siteIds.length) return [];
    conds.push(inArray(schema.incidents.siteId, [...opts.siteIds]));
  }
  const rows = await db
    .select({ complainantId: schema.complainantIncidents.complainantId, incidentId: schema.complainantIncidents.incidentId, siteId: schema.incidents.siteId })
    .from(schema.complainantIncidents)
    .innerJoin(schema.incidents, eq(schema.incidents.id, schema.complainantIncidents.incidentId))
    .where(and(...conds))
    .orderBy(asc(schema.incidents.openedAt));
  const by = new Map<string, RepeatComplainant>();
  for (const r of rows) {
    const c = by.get(r.complainantId) ?? { complainantId: r.complainantId, incidents: 0, siteIds: [], incidentIds: [] };
    c.incidents++;
    c.incidentIds.push(r.incidentId);
    if (!c.siteIds.includes(r.siteId)) c.siteIds.push(r.siteId);
    by.set(r.complainantId, c);
  }
  return [...by.values()].filter((c) => c.incidents >= (opts.minIncidents ?? 2)).sort((a, b) => b.incidents - a.incidents);
}
