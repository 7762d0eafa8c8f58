/**
 * Aftercare records in the database. Every write is audited in its own transaction; reads are audited by the
 * routes through `auditRead` (the audit log is api/audit's).
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { appendAudit, appendAuditReads, type AuditAction } from '../../audit/audit-log.ts';
import type { Db } from '../../store/database.ts';
import * as schema from '../../store/schema.ts';
import { allowanceSummary, checkApproval, DEFAULT_ALLOWANCE_KRW, type AllowanceSummary } from './allowance.ts';
import type { VictimIncident } from './repeat-targeting.ts';

export type RecordRow = typeof schema.aftercareRecords.$inferSelect;
export type EntryRow = typeof schema.aftercareEntries.$inferSelect;
export type ClaimRow = typeof schema.aftercareClaims.$inferSelect;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const RECORD_TYPE = 'aftercare_record';

export class AllowanceExceeded extends Error {
  constructor(readonly summary: AllowanceSummary, readonly overByKrw: number) {
    super(`the claim is ${overByKrw} KRW over the remaining allowance of ${summary.remainingKrw} KRW for ${summary.year}: state an exception (exceptionReason) to approve it`);
  }
}

export class ClaimNotPending extends Error {}

export interface RecordPatch {
  status?: string | undefined;
  recoveryLeaveDays?: number | undefined;
  transfer?: Record<string, unknown> | null | undefined;
}

export interface NewClaim {
  kind: string;
  claimDate: string;
  year: number;
  amountKrw: number;
  description: string;
  approve: boolean;
  exceptionReason: string | null;
}

export class AftercareStore {
  constructor(private readonly db: Db) {}

  private async audit(tx: Tx | Db, actorId: string, action: AuditAction, recordId: string, detail?: Record<string, unknown>): Promise<void> {
    await appendAudit(tx as Db, { actorId, action, recordType: RECORD_TYPE, recordId, ...(detail ? { detail } : {}) });
  }

  /** A read of one or more records, in the audit log. */
  async auditRead(actorId: string, recordIds: readonly string[], detail: Record<string, unknown>): Promise<void> {
    await appendAuditReads(this.db, { actorId, recordType: RECORD_TYPE, recordIds, detail });
  }

  async get(id: string): Promise<RecordRow | null> {
    const [row] = await this.db.select().from(schema.aftercareRecords).where(eq(schema.aftercareRecords.id, id));
    return row ?? null;
  }

  async list(filter: { personId?: string; siteIds?: readonly string[] } = {}): Promise<RecordRow[]> {
    const conds = [];
    if (filter.personId !== undefined) conds.push(eq(schema.aftercareRecords.personId, filter.personId));
    if (filter.siteIds !== undefined) {
      if (!filter.siteIds.length) return [];
      conds.push(inArray(schema.aftercareRecords.siteId, [...filter.siteIds]));
    }
    return this.db.select().from(schema.aftercareRecords).where(conds.length ? and(...conds) : undefined).orderBy(asc(schema.aftercareRecords.createdAt));
  }

  async find(incidentId: string, personId: string): Promise<RecordRow | null> {
    const [row] = await this.db.select().from(schema.aftercareRecords)
      .where(and(eq(schema.aftercareRecords.incidentId, incidentId), eq(schema.aftercareRecords.personId, personId)));
    return row ?? null;
  }

  async create(r: { incidentId: string; personId: string; siteId: string }, actorId: string, now: Date): Promise<RecordRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(schema.aftercareRecords)
        .values({ id: randomUUID(), ...r, status: 'open', createdBy: actorId, createdAt: now, updatedAt: now })
        .onConflictDoNothing().returning();
      if (!row) throw new RecordExists();
      await this.audit(tx, actorId, 'create', row.id, { incidentId: r.incidentId, personId: r.personId });
      return row;
    });
  }

  async entries(recordId: string): Promise<EntryRow[]> {
    return this.db.select().from(schema.aftercareEntries).where(eq(schema.aftercareEntries.recordId, recordId)).orderBy(asc(schema.aftercareEntries.id));
  }

  async addEntry(recordId: string, e: { kind: string; at: Date; detail: Record<string, unknown>; note: string | null }, actorId: string): Promise<EntryRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(schema.aftercareEntries)
        .values({ recordId, kind: e.kind, at: e.at, actorId, detail: e.detail, confidentialNote: e.note }).returning();
      await tx.update(schema.aftercareRecords).set({ updatedAt: e.at }).where(eq(schema.aftercareRecords.id, recordId));
      // The note's text never goes into the audit log: only that there was one.
      await this.audit(tx, actorId, 'create', recordId, { entry: row!.id, kind: e.kind, withNote: e.note !== null });
      return row!;
    });
  }

  async update(id: string, patch: RecordPatch, actorId: string, now: Date): Promise<RecordRow> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(schema.aftercareRecords).where(eq(schema.aftercareRecords.id, id)).for('update');
      if (!before) throw new Error(`aftercare record ${id} vanished`);
      const set: Partial<typeof schema.aftercareRecords.$inferInsert> = { updatedAt: now };
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.recoveryLeaveDays !== undefined) set.recoveryLeaveDays = patch.recoveryLeaveDays;
      if (patch.transfer !== undefined) set.transfer = patch.transfer;
      const [row] = await tx.update(schema.aftercareRecords).set(set).where(eq(schema.aftercareRecords.id, id)).returning();
      const changes: Record<string, unknown> = {};
      if (patch.status !== undefined && patch.status !== before.status) changes.status = { from: before.status, to: patch.status };
      if (patch.recoveryLeaveDays !== undefined && patch.recoveryLeaveDays !== before.recoveryLeaveDays) changes.recoveryLeaveDays = { from: before.recoveryLeaveDays, to: patch.recoveryLeaveDays };
      if (patch.transfer !== undefined) changes.transfer = patch.transfer;
      if (Object.keys(changes).length) {
        await tx.insert(schema.aftercareEntries).values({ recordId: id, kind: 'change', at: now, actorId, detail: changes });
      }
      await this.audit(tx, actorId, 'update', id, changes);
      return row!;
    });
  }

  async claimsOfPerson(personId: string): Promise<ClaimRow[]> {
    return this.db.select().from(schema.aftercareClaims).where(eq(schema.aftercareClaims.personId, personId)).orderBy(asc(schema.aftercareClaims.id));
  }

  async allowanceKrw(siteId: string): Promise<number> {
    const [row] = await this.db.select().from(schema.aftercareSiteSettings).where(eq(schema.aftercareSiteSettings.siteId, siteId));
    return row?.allowanceKrw ?? DEFAULT_ALLOWANCE_KRW;
  }

  /** The person's approved total of the year under a lock on their records, so two approvals cannot both fit. */
  private async lockedSummary(tx: Tx, personId: string, year: number, allowanceKrw: number): Promise<AllowanceSummary> {
    await tx.select({ id: schema.aftercareRecords.id }).from(schema.aftercareRecords).where(eq(schema.aftercareRecords.personId, personId)).for('update');
    const claims = await tx.select().from(schema.aftercareClaims)
      .where(and(eq(schema.aftercareClaims.personId, personId), eq(schema.aftercareClaims.year, year)));
    return allowanceSummary(claims, year, allowanceKrw);
  }

  async addClaim(record: RecordRow, c: NewClaim, actorId: string, now: Date): Promise<ClaimRow> {
    const allowance = await this.allowanceKrw(record.siteId);
    return this.db.transaction(async (tx) => {
      let over = false;
      if (c.approve) {
        const summary = await this.lockedSummary(tx, record.personId, c.year, allowance);
        const check = checkApproval(summary, c.amountKrw, c.exceptionReason);
        if (!check.ok) throw new AllowanceExceeded(summary, check.overByKrw);
        over = check.overAllowance;
      }
      const [row] = await tx.insert(schema.aftercareClaims).values({
        recordId: record.id, personId: record.personId, siteId: record.siteId, kind: c.kind, claimDate: c.claimDate, year: c.year,
        amountKrw: c.amountKrw, description: c.description, status: c.approve ? 'approved' : 'pending',
        exceptionReason: over ? c.exceptionReason : null, createdBy: actorId, createdAt: now,
        ...(c.approve ? { decidedBy: actorId, decidedAt: now } : {}),
      }).returning();
      await this.audit(tx, actorId, 'create', record.id, { claim: row!.id, amountKrw: c.amountKrw, status: row!.status, overAllowance: over });
      return row!;
    });
  }

  async decideClaim(record: RecordRow, claimId: number, decision: 'approved' | 'rejected', exceptionReason: string | null, actorId: string, now: Date): Promise<ClaimRow | null> {
    const allowance = await this.allowanceKrw(record.siteId);
    return this.db.transaction(async (tx) => {
      const [claim] = await tx.select().from(schema.aftercareClaims)
        .where(and(eq(schema.aftercareClaims.id, claimId), eq(schema.aftercareClaims.recordId, record.id))).for('update');
      if (!claim) return null;
      if (claim.status !== 'pending') throw new ClaimNotPending(`claim ${claimId} is already ${claim.status}`);
      let over = false;
      if (decision === 'approved') {
        const summary = await this.lockedSummary(tx, record.personId, claim.year, allowance);
        const check = checkApproval(summary, claim.amountKrw, exceptionReason);
        if (!check.ok) throw new AllowanceExceeded(summary, check.overByKrw);
        over = check.overAllowance;
      }
      const [row] = await tx.update(schema.aftercareClaims)
        .set({ status: decision, decidedBy: actorId, decidedAt: now, exceptionReason: over ? exceptionReason : null })
        .where(eq(schema.aftercareClaims.id, claimId)).returning();
      await this.audit(tx, actorId, 'update', record.id, { claim: claimId, status: decision, overAllowance: over });
      return row!;
    });
  }

  /** The live incidents in which the person was a victim: named at a separation, or with an aftercare record. */
  async victimHistory(personId: string): Promise<VictimIncident[]> {
    const named = await this.db.select({ incidentId: schema.incidents.id, openedAt: schema.incidents.openedAt })
      .from(schema.timeline).innerJoin(schema.incidents, eq(schema.timeline.incidentId, schema.incidents.id))
      .where(and(
        eq(schema.timeline.kind, 'victim_separated'), eq(schema.incidents.mode, 'live'),
        sql`${schema.timeline.data} @> ${JSON.stringify({ victimIds: [personId] })}::jsonb`,
      ));
    const cared = await this.db.select({ incidentId: schema.incidents.id, openedAt: schema.incidents.openedAt })
      .from(schema.aftercareRecords).innerJoin(schema.incidents, eq(schema.aftercareRecords.incidentId, schema.incidents.id))
      .where(and(eq(schema.aftercareRecords.personId, personId), eq(schema.incidents.mode, 'live')));
    return [...named, ...cared];
  }

  /** Every person named at a separation of a live incident, with the incident's site. */
  async namedVictims(): Promise<{ incidentId: string; siteId: string; openedAt: Date; at: Date; data: Record<string, unknown> }[]> {
    return this.db.select({
      incidentId: schema.timeline.incidentId, siteId: schema.incidents.siteId, openedAt: schema.incidents.openedAt,
      at: schema.timeline.at, data: schema.timeline.data,
    }).from(schema.timeline).innerJoin(schema.incidents, eq(schema.timeline.incidentId, schema.incidents.id))
      .where(and(eq(schema.timeline.kind, 'victim_separated'), eq(schema.incidents.mode, 'live'), sql`${schema.timeline.data} -> 'victimIds' is not null`))
      .orderBy(asc(schema.timeline.id));
  }

  /** Separations in which the person was named, with where to: for "my incidents". */
  async separationsOf(personId: string): Promise<{ incidentId: string; at: Date; data: Record<string, unknown> }[]> {
    return this.db.select({ incidentId: schema.timeline.incidentId, at: schema.timeline.at, data: schema.timeline.data })
      .from(schema.timeline)
      .where(and(eq(schema.timeline.kind, 'victim_separated'), sql`${schema.timeline.data} @> ${JSON.stringify({ victimIds: [personId] })}::jsonb`))
      .orderBy(asc(schema.timeline.id));
  }
}

export class RecordExists extends Error {
  constructor() {
    super('this victim already has an aftercare record for this incident');
  }
}
