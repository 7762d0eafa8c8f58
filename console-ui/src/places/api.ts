/** HTTP client of the floor-plan and managers' routes (same-origin, cookie session). */
import type { FloorPlanView } from '../../../api/contract/floor-plans.ts';
import type { ManagerHistory, ManagerOpenIncident } from '../../../api/contract/managers.ts';
import { apiRequest } from '../api.ts';

function send<T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> {
  return apiRequest<T>(method, path, undefined, body === undefined ? {} : { raw: { body, contentType: contentType ?? 'application/octet-stream' } });
}

const sitePath = (siteId: string, floor: string) => `/sites/${encodeURIComponent(siteId)}/floor-plans/${encodeURIComponent(floor)}`;

export interface HistoryFilters {
  siteId?: string;
  counterId?: string;
  kind?: string;
  from?: string;
  to?: string;
  mode?: 'live' | 'drill' | 'all';
  status?: 'open' | 'closed' | 'all';
}

export const placesApi = {
  async floorPlans(): Promise<FloorPlanView[]> {
    return (await send<{ items: FloorPlanView[] }>('GET', '/floor-plans')).items;
  },
  /** The server decides the type from the bytes; the file's own type is only sent along. */
  uploadPlan(siteId: string, floor: string, file: Blob): Promise<FloorPlanView> {
    return send('PUT', `${sitePath(siteId, floor)}/image`, file, file.type || 'application/octet-stream');
  },
  placeCounter(siteId: string, floor: string, counterId: string, x: number, y: number): Promise<unknown> {
    return send('PUT', `${sitePath(siteId, floor)}/counters/${encodeURIComponent(counterId)}`, JSON.stringify({ x, y }), 'application/json');
  },
  unplaceCounter(siteId: string, floor: string, counterId: string): Promise<unknown> {
    return send('DELETE', `${sitePath(siteId, floor)}/counters/${encodeURIComponent(counterId)}`);
  },
  async managersOpen(): Promise<ManagerOpenIncident[]> {
    return (await send<{ items: ManagerOpenIncident[] }>('GET', '/managers/open')).items;
  },
  managersHistory(f: HistoryFilters): Promise<ManagerHistory> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    const qs = q.toString();
    return send('GET', `/managers/history${qs ? `?${qs}` : ''}`);
  },
};
