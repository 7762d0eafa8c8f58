/**
 * Case files in the database: cases, their incidents, statements, evidence (bytes in bytea, SHA-256 computed
 * here) and legal actions. Every write is audited in its own transaction (api/audit); reads are audited by the
 * routes through `auditRead`. Evidence is never changed or removed (a trigger refuses it).
 */
import { createHash } from 'node:crypto';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { ulid } from '../../ids.ts';
import { appendAudit, appendAuditReads, auditTrail, type AuditAction, type AuditDb, type AuditRow } from '../../audit/audit-log.ts';
import type { Db } from '../../store/database.ts';
import * as schema from '../../store/schema.ts';
import { linkComplainant } from './complainants.ts';

export type CaseRow = typeof schema.cases.$inferSelect;
export type StatementRow = typeof schema.caseStatements.$inferSelect;
export type ActionRow = typeof schema.caseActions.$inferSelect;
export type EvidenceRow = Omit<typeof schema.caseEvidence.$inferSelect, 'content'>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const CASE = 'case';
export const EVIDENCE = 'case_evidence';

export interface CaseWithScope extends CaseRow {
  incidentIds: string[];
  siteIds: string[];
}

export interface NewCase {
  title: string;
  incidentIds: string[];
  classification: string[];
  complainantId: string | null;
  assignees: string[];
  summary: string;
}

export type CasePatch = Partial<Pick<NewCase, 'title' | 'classification' | 'complainantId' | 'assignees' | 'summary'>> & {
  status?: string | undefined;
  addIncidentIds?: string[] | undefined;
};

export interface NewAction {
  kind: string;
  status: string;
  filedOn: string | null;
  nextDate: string | null;
  decidedOn: string | null;
  authority: string;
  reference: string;
  outcome: string;
}

const evidenceColumns = {
  id: schema.caseEvidence.id,
  caseId: schema.caseEvidence.caseId,
  fileName: schema.caseEvidence.fileName,
  mediaType: schema.caseEvidence.mediaType,
  size: schema.caseEvidence.size,
  sha256: schema.caseEvidence.sha256,
  description: schema.caseEvidence.description,
  addedBy: schema.caseEvidence.addedBy,
  addedAt: schema.caseEvidence.addedAt,
};

export class CaseStore {
  constructor(private readonly db: Db) {}

  async audit(db: AuditDb, actorId: string, action: AuditAction, recordType: string, recordId: string, detail?: Record<string, unknown>): Promise<void> {
    await appendAudit(db, { actorId, action, recordType, recordId, ...(detail ? { detail } : {}) });
  }

  /** Reads of one or more records, in the audit log (one transaction). */
  async auditRead(actorId: string, recordType: string, recordIds: readonly string[], detail: Record<string, unknown>, action: AuditAction = 'read'): Promise<void> {
    await appendAuditReads(this.db, { actorId, recordType, recordIds, detail, action });
  }

  async list(filter: { siteIds?: readonly string[] } = {}): Promise<CaseWithScope[]> {
    const rows = await this.db.select().from(schema.cases).orderBy(asc(schema.cases.createdAt));
    const scopes = await this.scopes(rows.map((r) => r.id));
    const all = rows.map((r) => ({ ...r, ...(scopes.get(r.id) ?? { incidentIds: [], siteIds: [] }) }));
    if (!filter.siteIds) return all;
    return all.filter((c) => c.siteIds.some((s) => filter.siteIds!.includes(s)));
  }

  async get(id: string): Promise<CaseWithScope | null> {
    const [row] = await this.db.select().from(schema.cases).where(eq(schema.cases.id, id));
    if (!row) return null;
    return { ...row, ...((await this.scopes([id])).get(id) ?? { incidentIds: [], siteIds: [] }) };
  }

  async casesOfIncident(incidentId: string): Promise<CaseWithScope[]> {
    const links = await this.db.select({ caseId: schema.caseIncidents.caseId }).from(schema.caseIncidents).where(eq(schema.caseIncidents.incidentId, incidentId));
    const out: CaseWithScope[] = [];
    for (const l of links) {
      const c = await this.get(l.caseId);
      if (c) out.push(c);
    }
    return out;
  }

  /** The incidents and their sites of each case. */
  private async scopes(caseIds: string[]): Promise<Map<string, { incidentIds: string[]; siteIds: string[] }>> {
    const out = new Map<string, { incidentIds: string[]; siteIds: string[] }>();
    if (!caseIds.length) return out;
    const rows = await this.db
      .select({ caseId: schema.caseIncidents.caseId, incidentId: schema.caseIncidents.incidentId, siteId: schema.incidents.siteId })
      .from(schema.caseIncidents)
      .innerJoin(schema.incidents, eq(schema.incidents.id, schema.caseIncidents.incidentId))
      .where(inArray(schema.caseIncidents.caseId, caseIds))
      .orderBy(asc(schema.incidents.openedAt));
    for (const r of rows) {
      const s = out.get(r.caseId) ?? { incidentIds: [], siteIds: [] };
      s.incidentIds.push(r.incidentId);
      if (!s.siteIds.includes(r.siteId)) s.siteIds.push(r.siteId);
      out.set(r.caseId, s);
    }
    return out;
  }

  async counts(caseIds: string[]): Promise<Map<string, { evidence: number; actions: number }>> {
    const out = new Map<string, { evidence: number; actions: number }>(caseIds.map((id) => [id, { evidence: 0, actions: 0 }]));
    if (!caseIds.length) return out;
    const ev = await this.db.select({ caseId: schema.caseEvidence.caseId, n: count() }).from(schema.caseEvidence)
      .where(inArray(schema.caseEvidence.caseId, caseIds)).groupBy(schema.caseEvidence.caseId);
    const ac = await this.db.select({ caseId: schema.caseActions.caseId, n: count() }).from(schema.caseActions)
      .where(inArray(schema.caseActions.caseId, caseIds)).groupBy(schema.caseActions.caseId);
    for (const r of ev) out.get(r.caseId)!.evidence = Number(r.n);
    for (const r of ac) out.get(r.caseId)!.actions = Number(r.n);
    return out;
  }

  async create(c: NewCase, actorId: string, now: Date): Promise<CaseRow> {
    return this.db.transaction(async (tx) => {
      const id = `case_${ulid()}`;
      const [row] = await tx.insert(schema.cases).values({
        id, title: c.title, status: 'open', classification: c.classification, complainantId: c.complainantId,
        assignees: c.assignees, summary: c.summary, createdBy: actorId, createdAt: now, updatedAt: now,
      }).returning();
      await tx.insert(schema.caseIncidents).values(c.incidentIds.map((incidentId) => ({ caseId: id, incidentId })));
      if (c.complainantId) await linkComplainant(tx, c.complainantId, c.incidentIds, actorId, now);
      await this.audit(tx, actorId, 'create', CASE, id, { title: c.title, incidentIds: c.incidentIds, classification: c.classification, complainantId: c.complainantId, assignees: c.assignees });
      return row!;
    });
  }

  async update(id: string, patch: CasePatch, actorId: string, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(schema.cases).where(eq(schema.cases.id, id)).for('update');
      if (!before) throw new Error(`case ${id} vanished`);
      const set: Partial<typeof schema.cases.$inferInsert> = { updatedAt: now };
      const changes: Record<string, unknown> = {};
      for (const key of ['title', 'status', 'classification', 'complainantId', 'assignees', 'summary'] as const) {
        const value = patch[key];
        if (value === undefined || JSON.stringify(value) === JSON.stringify(before[key])) continue;
        (set as Record<string, unknown>)[key] = value;
        // The summary's text stays out of the audit log (it is case content): only that it changed.
        changes[key] = key === 'summary' ? { changed: true } : { from: before[key], to: value };
      }
      await tx.update(schema.cases).set(set).where(eq(schema.cases.id, id));
      const added = patch.addIncidentIds ?? [];
      if (added.length) {
        await tx.insert(schema.caseIncidents).values(added.map((incidentId) => ({ caseId: id, incidentId }))).onConflictDoNothing();
        changes.addedIncidentIds = added;
      }
      const complainantId = patch.complainantId !== undefined ? patch.complainantId : before.complainantId;
      if (complainantId && (added.length || complainantId !== before.complainantId)) {
        const incidentIds = (await tx.select({ id: schema.caseIncidents.incidentId }).from(schema.caseIncidents).where(eq(schema.caseIncidents.caseId, id))).map((r) => r.id);
        await linkComplainant(tx, complainantId, incidentIds, actorId, now);
      }
      await this.audit(tx, actorId, 'update', CASE, id, changes);
    });
  }

  async statements(caseId: string): Promise<StatementRow[]> {
    return this.db.select().from(schema.caseStatements).where(eq(schema.caseStatements.caseId, caseId)).orderBy(asc(schema.caseStatements.id));
  }

  async addStatement(caseId: string, s: { givenBy: string; takenOn: string; text: string }, actorId: string, now: Date): Promise<StatementRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(schema.caseStatements).values({ caseId, ...s, recordedBy: actorId, recordedAt: now }).returning();
      await this.touch(tx, caseId, now);
      await this.audit(tx, actorId, 'create', CASE, caseId, { statement: row!.id, givenBy: s.givenBy, takenOn: s.takenOn });
      return row!;
    });
  }

  async evidence(caseId: string): Promise<EvidenceRow[]> {
    return this.db.select(evidenceColumns).from(schema.caseEvidence).where(eq(schema.caseEvidence.caseId, caseId)).orderBy(asc(schema.caseEvidence.addedAt), asc(schema.caseEvidence.id));
  }

  async evidenceItem(caseId: string, id: string): Promise<EvidenceRow | null> {
    const [row] = await this.db.select(evidenceColumns).from(schema.caseEvidence).where(and(eq(schema.caseEvidence.caseId, caseId), eq(schema.caseEvidence.id, id)));
    return row ?? null;
  }

  async evidenceContent(id: string): Promise<Buffer> {
    const [row] = await this.db.select({ content: schema.caseEvidence.content }).from(schema.caseEvidence).where(eq(schema.caseEvidence.id, id));
    if (!row) throw new Error(`evidence ${id} vanished`);
    const c = row.content;
    return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }

  /** Stores the bytes with their SHA-256 (computed here, on the server) and starts the item's chain of custody. */
  async addEvidence(caseId: string, e: { fileName: string; mediaType: string; description: string; content: Buffer }, actorId: string, now: Date): Promise<EvidenceRow> {
    const sha256 = createHash('sha256').update(e.content).digest('hex');
    return this.db.transaction(async (tx) => {
      const id = `ev_${ulid()}`;
      const [row] = await tx.insert(schema.caseEvidence).values({
        id, caseId, fileName: e.fileName, mediaType: e.mediaType, size: e.content.length, sha256, description: e.description,
        addedBy: actorId, addedAt: now, content: e.content,
      }).returning(evidenceColumns);
      await this.touch(tx, caseId, now);
      await this.audit(tx, actorId, 'create', EVIDENCE, id, { caseId, fileName: e.fileName, mediaType: e.mediaType, size: e.content.length, sha256 });
      return row!;
    });
  }

  /** The chain of custody of an evidence item: every audited access to it, oldest first. */
  async custody(evidenceId: string): Promise<AuditRow[]> {
    return auditTrail(this.db, EVIDENCE, evidenceId);
  }

  async actions(caseId: string): Promise<ActionRow[]> {
    return this.db.select().from(schema.caseActions).where(eq(schema.caseActions.caseId, caseId)).orderBy(asc(schema.caseActions.createdAt), asc(schema.caseActions.id));
  }

  async action(caseId: string, id: string): Promise<ActionRow | null> {
    const [row] = await this.db.select().from(schema.caseActions).where(and(eq(schema.caseActions.caseId, caseId), eq(schema.caseActions.id, id)));
    return row ?? null;
  }

  async addAction(caseId: string, a: NewAction, actorId: string, now: Date): Promise<ActionRow> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(schema.caseActions).values({ id: `act_${ulid()}`, caseId, ...a, createdBy: actorId, createdAt: now, updatedAt: now }).returning();
      await this.touch(tx, caseId, now);
      await this.audit(tx, actorId, 'create', CASE, caseId, { action: row!.id, kind: a.kind, status: a.status });
      return row!;
    });
  }

  async updateAction(caseId: string, id: string, patch: Partial<NewAction>, actorId: string, now: Date): Promise<ActionRow> {
    return this.db.transaction(async (tx) => {
      const [before] = await tx.select().from(schema.caseActions).where(eq(schema.caseActions.id, id)).for('update');
      if (!before) throw new Error(`action ${id} vanished`);
      const changes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(patch)) {
        if (v !== undefined && v !== before[k as keyof NewAction]) changes[k] = { from: before[k as keyof NewAction], to: v };
      }
      const [row] = await tx.update(schema.caseActions).set({ ...patch, updatedAt: now }).where(eq(schema.caseActions.id, id)).returning();
      await this.touch(tx, caseId, now);
      await this.audit(tx, actorId, 'update', CASE, caseId, { action: id, ...changes });
      return row!;
    });
  }

  private async touch(tx: Tx, caseId: string, now: Date): Promise<void> {
    await tx.update(schema.cases).set({ updatedAt: now }).where(eq(schema.cases.id, caseId));
  }
}
