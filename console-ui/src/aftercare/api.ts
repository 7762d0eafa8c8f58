/** HTTP client of /api/v1/aftercare and /api/v1/statistics (same-origin, cookie session). */
import type { Incident } from '../../../api/contract/index.ts';
import type { AftercareDetailView, AftercareEntryView, AftercareStatusView, ClaimView, MyIncidentView, RepeatTargetingView } from '../../../api/contract/aftercare.ts';
import { apiRequest } from '../api.ts';

const call = apiRequest;

export interface VictimWithoutRecord {
  incidentId: string;
  personId: string;
  personName: string;
  siteId: string;
  openedAt: string;
  separatedAt: string;
}

export interface Separation {
  victims?: { personId?: string; name?: string }[];
  separatedTo?: string;
}

const enc = encodeURIComponent;

export const aftercareApi = {
  list: async () => (await call<{ items: AftercareStatusView[] }>('GET', '/aftercare')).items,
  victims: async () => (await call<{ items: VictimWithoutRecord[] }>('GET', '/aftercare/victims')).items,
  myIncidents: async () => (await call<{ items: MyIncidentView[] }>('GET', '/aftercare/my-incidents')).items,
  repeatTargets: async () => (await call<{ items: (RepeatTargetingView & { personName: string })[] }>('GET', '/aftercare/repeat-targets')).items,
  staff: async (incidentId: string) => (await call<{ items: { id: string; name: string }[] }>('GET', `/aftercare/staff?incidentId=${enc(incidentId)}`)).items,
  open: (incidentId: string, personId: string) => call<AftercareStatusView>('POST', '/aftercare', { incidentId, personId }),
  get: (id: string) => call<AftercareStatusView | AftercareDetailView>('GET', `/aftercare/${enc(id)}`),
  update: (id: string, patch: { status?: string; recoveryLeaveDays?: number; transfer?: { to: string; outcome: string } | null }) =>
    call<AftercareStatusView>('PATCH', `/aftercare/${enc(id)}`, patch),
  addEntry: (id: string, entry: { kind: string; summary?: string; note?: string; date?: string }) => call<AftercareEntryView>('POST', `/aftercare/${enc(id)}/entries`, entry),
  addStatement: (id: string, text: string) => call<AftercareEntryView>('POST', `/aftercare/${enc(id)}/statements`, { text }),
  addClaim: (id: string, claim: { kind: string; amountKrw: number; claimDate?: string; description?: string; approve: boolean; exceptionReason?: string }) =>
    call<ClaimView>('POST', `/aftercare/${enc(id)}/claims`, claim),
  decideClaim: (id: string, claimId: string, decision: 'approved' | 'rejected', exceptionReason?: string) =>
    call<ClaimView>('POST', `/aftercare/${enc(id)}/claims/${enc(claimId)}/decision`, { decision, ...(exceptionReason ? { exceptionReason } : {}) }),
  separate: (incidentId: string, s: Separation) =>
    call<Incident>('POST', `/incidents/${enc(incidentId)}/events`, { type: 'victim_separated', ...s }),
};
