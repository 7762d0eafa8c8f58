/** The case file's wire types (HTTP JSON), shared with the console. */
import type { Classification } from './index.ts';

export const ACTION_KINDS = ['criminal_complaint', 'restraining_order', 'civil_claim', 'warning_letter'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_STATUSES = ['planned', 'filed', 'in_progress', 'granted', 'dismissed', 'settled', 'withdrawn', 'concluded'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** How much of a case a person sees (policy.ts). */
export type CaseAccess = 'write' | 'read' | 'exists';

/** What a manager of the incident's site sees: that a case exists, nothing of its content. */
export interface CaseExistsView {
  id: string;
  access: 'exists';
  status: CaseStatus;
  incidentIds: string[];
  createdAt: string;
}

export interface CaseSummaryView {
  id: string;
  access: 'write' | 'read';
  title: string;
  status: CaseStatus;
  classification: Classification[];
  incidentIds: string[];
  siteIds: string[];
  complainantId: string | null;
  complainantName: string | null;
  assignees: { id: string; name: string }[];
  evidenceCount: number;
  actionCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface CustodyEntry {
  seq: number;
  at: string;
  actorId: string;
  actorName: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface EvidenceView {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  description: string;
  addedBy: string;
  addedByName: string;
  addedAt: string;
  custody: CustodyEntry[];
}

export interface StatementView {
  id: number;
  givenBy: string;
  takenOn: string;
  text: string;
  recordedBy: string;
  recordedAt: string;
}

export interface ActionView {
  id: string;
  kind: ActionKind;
  status: ActionStatus;
  filedOn: string | null;
  nextDate: string | null;
  decidedOn: string | null;
  authority: string;
  reference: string;
  outcome: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface ComplainantView {
  id: string;
  name: string | null;
  description: string;
  identifiers: string[];
  incidentIds: string[];
  siteIds: string[];
  caseIds: string[];
  createdAt: string;
}

/** "Known complainant, N earlier incidents at sites …": shown when a known complainant is involved again. */
export interface ComplainantWarning {
  complainantId: string;
  name: string | null;
  description: string;
  /** Incidents linked to this complainant besides the one (or the case's) in view. */
  earlierIncidents: number;
  siteIds: string[];
  lastAt: string | null;
}

export interface CaseDetailView extends CaseSummaryView {
  summary: string;
  createdBy: string;
  incidents: {
    id: string; siteId: string; counterId: string; openedAt: string; status: string; classification: string[];
    /** Names and the incident's reference, where known (the summary PDF prefers them to ids). */
    siteName?: string; counterName?: string; reference?: string;
  }[];
  complainant: ComplainantView | null;
  complainantWarning: ComplainantWarning | null;
  statements: StatementView[];
  evidence: EvidenceView[];
  actions: ActionView[];
}

/** GET /incidents/{id}/case-files: the cases of an incident and the warnings about its complainants. */
export interface IncidentCaseFilesView {
  incidentId: string;
  canOpenCase: boolean;
  cases: (CaseSummaryView | CaseExistsView)[];
  complainants: ComplainantWarning[];
}
