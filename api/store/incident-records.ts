import type { Classification, IncidentSource, IncidentStatus, Mode, Severity } from '../contract/index.ts';
import type { IncidentState, TimelineDraft } from '../domain/index.ts';
import type { incidents } from './schema.ts';

/** An incident as the core holds it: the domain state plus where and how it began. */
export interface IncidentRecord extends IncidentState {
  id: string;
  siteId: string;
  counterId: string;
  bellId: string | null;
  openingSeq: number | null;
  source: IncidentSource;
  raisedBy: string | null;
  /** The escalation policy frozen when the incident opened (null: the default policy). */
  escalationPolicy: unknown;
  jointPoliceDrill: boolean;
  /** A first press of a bell with a confirmation rule, not yet confirmed: escalation reaches only guards. */
  unconfirmed: boolean;
  /** Raised by every stored change (absent on an incident known only in memory). */
  revision?: number | undefined;
  /** The per-site, per-year reference (2026-0042), given when the incident is stored (absent before). */
  reference?: string | null | undefined;
}

export interface StoredTimelineEntry extends TimelineDraft {
  id: number;
  incidentId: string;
}

export function recordFromRow(row: typeof incidents.$inferSelect): IncidentRecord {
  return {
    id: row.id,
    mode: row.mode as Mode,
    status: row.status as IncidentStatus,
    severity: row.severity as Severity,
    violence: row.violence,
    siteId: row.siteId,
    counterId: row.counterId,
    bellId: row.bellId,
    openingSeq: row.openingSeq,
    source: row.source as IncidentSource,
    raisedBy: row.raisedBy,
    openedAt: row.openedAt,
    acknowledgedAt: row.acknowledgedAt,
    acknowledgedBy: row.acknowledgedBy,
    closedAt: row.closedAt,
    classification: row.classification as Classification[],
    outcome: row.outcome,
    escalationPolicy: row.escalationPolicy ?? null,
    jointPoliceDrill: row.jointPoliceDrill,
    unconfirmed: row.unconfirmed,
    revision: row.revision,
    reference: row.reference,
  };
}

export function rowFromRecord(r: IncidentRecord): typeof incidents.$inferInsert {
  return {
    id: r.id,
    mode: r.mode,
    status: r.status,
    severity: r.severity,
    violence: r.violence,
    siteId: r.siteId,
    counterId: r.counterId,
    bellId: r.bellId,
    openingSeq: r.openingSeq,
    source: r.source,
    raisedBy: r.raisedBy,
    openedAt: r.openedAt,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedBy: r.acknowledgedBy,
    closedAt: r.closedAt,
    classification: r.classification,
    outcome: r.outcome,
    escalationPolicy: r.escalationPolicy ?? null,
    jointPoliceDrill: r.jointPoliceDrill,
    unconfirmed: r.unconfirmed,
  };
}
