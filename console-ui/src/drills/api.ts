/** HTTP client of /api/v1/drills (same-origin, cookie session). */
import type { Incident } from '../../../api/contract/index.ts';
import type { CoverageRow, DrillReportFacts, TrendPoint } from '../../../drills/analysis.ts';
import type { Scenario } from '../../../drills/scenarios.ts';
import { API_BASE, apiRequest } from '../api.ts';

export interface DrillView {
  id: string; siteId: string; counterId: string; scenarioId: string; scenarioTitle: { ko: string; en: string } | null;
  scheduledAt: string; participants: string[]; announced: boolean; jointPolice: boolean; trigger: 'virtual_bell' | 'real_bell';
  status: 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled'; note: string | null; startedAt: string | null;
  armedUntil: string | null; virtualBellId: string | null; incidentId: string | null;
  pauses: { from: string; to: string | null; liveIncidentId: string | null }[]; endedAt: string | null;
}

export interface DrillReportView {
  drill: DrillView;
  siteName: string;
  counterName: string;
  incident: Incident | null;
  facts: DrillReportFacts | null;
  names: Record<string, string>;
  final: boolean;
}

export type ScenarioView = Scenario & { builtIn: boolean };

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
  report: (id: string) => call<DrillReportView>('GET', `/drills/${enc(id)}/report`),
  pdfUrl: (id: string) => `${API_BASE}/drills/${enc(id)}/report.pdf`,
};
