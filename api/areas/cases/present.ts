/** Case rows as the wire views of types.ts (policy.ts decides who gets which). */
import type { Classification } from '../../contract/index.ts';
import type { AuditRow } from '../../audit/audit-log.ts';
import type { ActionRow, CaseWithScope, EvidenceRow, StatementRow } from './store.ts';
import type { ComplainantRow } from './complainants.ts';
import type {
  ActionKind, ActionStatus, ActionView, CaseExistsView, CaseStatus, CaseSummaryView, CustodyEntry, EvidenceView, StatementView,
} from '../../contract/cases.ts';

export type Names = ReadonlyMap<string, string>;

export function presentExists(c: CaseWithScope): CaseExistsView {
  return { id: c.id, access: 'exists', status: c.status as CaseStatus, incidentIds: c.incidentIds, createdAt: c.createdAt.toISOString() };
}

export function presentSummary(
  c: CaseWithScope, access: 'write' | 'read', names: Names, complainant: ComplainantRow | null, counts: { evidence: number; actions: number },
): CaseSummaryView {
  return {
    id: c.id, access, title: c.title, status: c.status as CaseStatus, classification: c.classification as Classification[],
    incidentIds: c.incidentIds, siteIds: c.siteIds, complainantId: c.complainantId, complainantName: complainant?.name ?? null,
    assignees: c.assignees.map((id) => ({ id, name: names.get(id) ?? id })),
    evidenceCount: counts.evidence, actionCount: counts.actions,
    createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentStatement(s: StatementRow): StatementView {
  return { id: s.id, givenBy: s.givenBy, takenOn: s.takenOn, text: s.text, recordedBy: s.recordedBy, recordedAt: s.recordedAt.toISOString() };
}

export function presentCustody(rows: readonly AuditRow[], names: Names): CustodyEntry[] {
  return rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actorId: r.actorId, actorName: names.get(r.actorId) ?? r.actorId, action: r.action, detail: r.detail }));
}

export function presentEvidence(e: EvidenceRow, names: Names, custody: CustodyEntry[]): EvidenceView {
  return {
    id: e.id, fileName: e.fileName, mediaType: e.mediaType, size: e.size, sha256: e.sha256, description: e.description,
    addedBy: e.addedBy, addedByName: names.get(e.addedBy) ?? e.addedBy, addedAt: e.addedAt.toISOString(), custody,
  };
}

export function presentAction(a: ActionRow): ActionView {
  return {
    id: a.id, kind: a.kind as ActionKind, status: a.status as ActionStatus, filedOn: a.filedOn, nextDate: a.nextDate, decidedOn: a.decidedOn,
    authority: a.authority, reference: a.reference, outcome: a.outcome, createdBy: a.createdBy,
    createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(),
  };
}
