/** HTTP client of the admin routes: a refused change keeps its problems by path, so the form shows each by its field. */
import type { AdminBell, AdminDirectory, AdminPerson, AdminSite } from '../../../api/contract/admin.ts';
import { apiRequest, ApiRequestError } from '../api.ts';
import type { FieldIssue } from '../forms/field-issues.ts';

export type { AdminBell, AdminDirectory, AdminPerson, AdminSite };

/** A provisioning problem by the form's path: its code and params say it in the user's language (api/areas/admin/problems.ts). */
export type FieldProblem = FieldIssue;

/** A 422 from the admin routes: every problem named by the path of the form that was sent. */
export class FormProblems extends ApiRequestError {
  readonly problems: FieldProblem[];
  constructor(message: string, problems: FieldProblem[]) {
    super(422, 'invalid_provisioning', message);
    this.problems = problems;
  }
}

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await apiRequest<T>(method, path, body);
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 422 && Array.isArray(err.details)) throw new FormProblems(err.message, err.details as FieldProblem[]);
    throw err;
  }
}

const enc = encodeURIComponent;

export const adminApi = {
  directory: () => send<AdminDirectory>('GET', '/admin/directory'),
  createSite: (body: Record<string, unknown>) => send<{ site: AdminSite }>('POST', '/admin/sites', body),
  updateSite: (id: string, body: Record<string, unknown>) => send<{ site: AdminSite }>('PUT', `/admin/sites/${enc(id)}`, body),
  createCounter: (siteId: string, body: Record<string, unknown>) => send<{ site: AdminSite }>('POST', `/admin/sites/${enc(siteId)}/counters`, body),
  updateCounter: (siteId: string, id: string, body: Record<string, unknown>) => send<{ site: AdminSite }>('PUT', `/admin/sites/${enc(siteId)}/counters/${enc(id)}`, body),
  createBell: (body: Record<string, unknown>) => send<{ bell: AdminBell; key?: string }>('POST', '/admin/bells', body),
  updateBell: (id: string, body: Record<string, unknown>) => send<{ bell: AdminBell }>('PUT', `/admin/bells/${enc(id)}`, body),
  newBellKey: (id: string) => send<{ bell: AdminBell; key: string }>('POST', `/admin/bells/${enc(id)}/key`),
  newMqttPassword: (id: string) => send<{ bellId: string; username: string; mqttPassword: string }>('POST', `/admin/bells/${enc(id)}/mqtt-password`),
  resetSequence: (id: string, reason: string) => send<{ bellId: string; epoch: number }>('POST', `/admin/bells/${enc(id)}/reset-sequence`, { reason }),
  setInService: (id: string, inService: boolean, reason?: string) => send<{ bell: AdminBell }>('PUT', `/admin/bells/${enc(id)}/service`, reason ? { inService, reason } : { inService }),
  createPerson: (body: Record<string, unknown>) => send<{ person: AdminPerson }>('POST', '/admin/people', body),
  updatePerson: (id: string, body: Record<string, unknown>) => send<{ person: AdminPerson }>('PUT', `/admin/people/${enc(id)}`, body),
  setActive: (id: string, active: boolean) => send<{ person: AdminPerson }>('PUT', `/admin/people/${enc(id)}/active`, { active }),
  setRoster: (siteId: string, roster: unknown[]) => send<{ site: AdminSite }>('PUT', `/admin/sites/${enc(siteId)}/roster`, { roster }),
  /** The policy in force at a site: its own, or the default (to start editing from). */
  policy: (siteId: string) => send<{ isDefault: boolean; policy: unknown }>('GET', `/sites/${enc(siteId)}/escalation-policy`),
  setEscalation: (siteId: string, escalation: unknown) => send<{ site: AdminSite }>('PUT', `/admin/sites/${enc(siteId)}/escalation`, { escalation }),
};
