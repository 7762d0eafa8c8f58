/** HTTP client of /api/v1/cases and /complainants (same-origin, cookie session). */
import type { Incident } from '../../../api/contract/index.ts';
import type { ActionView, CaseDetailView, CaseExistsView, CaseSummaryView, ComplainantView, EvidenceView, IncidentCaseFilesView, StatementView } from '../../../api/contract/cases.ts';
import { API_BASE, apiRequest } from '../api.ts';

const call = apiRequest;

const enc = encodeURIComponent;

export interface NewCase {
  title: string;
  incidentIds: string[];
  classification: string[];
  complainantId: string | null;
  assignees?: string[];
}

export const casesApi = {
  list: async () => (await call<{ items: (CaseSummaryView | CaseExistsView)[] }>('GET', '/cases')).items,
  get: (id: string) => call<CaseDetailView | CaseExistsView>('GET', `/cases/${enc(id)}`),
  create: (c: NewCase) => call<CaseDetailView>('POST', '/cases', c),
  update: (id: string, patch: Record<string, unknown>) => call<CaseDetailView>('PATCH', `/cases/${enc(id)}`, patch),
  addStatement: (id: string, s: { givenBy: string; takenOn: string; text: string }) => call<StatementView>('POST', `/cases/${enc(id)}/statements`, s),
  addAction: (id: string, a: Record<string, unknown>) => call<ActionView>('POST', `/cases/${enc(id)}/actions`, a),
  updateAction: (id: string, actionId: string, a: Record<string, unknown>) => call<ActionView>('PATCH', `/cases/${enc(id)}/actions/${enc(actionId)}`, a),
  upload: (id: string, file: File, description: string) =>
    apiRequest<EvidenceView>('POST', `/cases/${enc(id)}/evidence?fileName=${enc(file.name)}&description=${enc(description)}`, undefined,
      { raw: { body: file, contentType: file.type || 'application/octet-stream' } }),
  evidenceUrl: (id: string, evidenceId: string) => `${API_BASE}/cases/${enc(id)}/evidence/${enc(evidenceId)}/content`,
  exportUrl: (id: string) => `${API_BASE}/cases/${enc(id)}/export`,
  complainants: async () => (await call<{ items: ComplainantView[] }>('GET', '/complainants')).items,
  addComplainant: (c: { name: string | null; description: string; identifiers: string[]; incidentIds: string[] }) => call<ComplainantView>('POST', '/complainants', c),
  incidentCaseFiles: (incidentId: string) => call<IncidentCaseFilesView>('GET', `/incidents/${enc(incidentId)}/case-files`),
  recentIncidents: async () => (await call<{ items: Incident[] }>('GET', '/incidents?status=all&mode=live')).items,
};
