/** HTTP client of /api/v1/drills (same-origin, cookie session). */
import type { CoverageRow, DrillReport, DrillView, ScenarioView, TrendPoint } from '../../../api/contract/drills.ts';
import { API_BASE, apiRequest } from '../api.ts';

/** A person a planner can pick as a drill participant. */
export interface DrillPerson { id: string; name: string; roles: string[] }

const call = apiRequest;

const enc = encodeURIComponent;

export const drillsApi = {
  list: async () => (await call<{ items: DrillView[] }>('GET', '/drills')).items,
  scenarios: async () => (await call<{ items: ScenarioView[] }>('GET', '/drills/scenarios')).items,
  saveScenario: (s: unknown) => call<ScenarioView>('POST', '/drills/scenarios', s),
  people: async (siteId: string) => (await call<{ items: DrillPerson[] }>('GET', `/drills/people?siteId=${enc(siteId)}`)).items,
  coverage: async () => (await call<{ items: CoverageRow[] }>('GET', '/drills/coverage')).items,
  trends: async (siteId: string) => (await call<{ items: TrendPoint[] }>('GET', `/drills/trends?siteId=${enc(siteId)}`)).items,
  schedule: (body: Record<string, unknown>) => call<DrillView>('POST', '/drills', body),
  act: (id: string, action: 'start' | 'resume' | 'end' | 'cancel') => call<DrillView>('POST', `/drills/${enc(id)}/${action}`, {}),
  report: (id: string) => call<DrillReport>('GET', `/drills/${enc(id)}/report`),
  pdfUrl: (id: string) => `${API_BASE}/drills/${enc(id)}/report.pdf`,
};
