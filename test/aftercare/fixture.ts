/** A test system with the people of the aftercare and statistics tests: a counsellor, an auditor, another site's manager. */
import { expect } from 'vitest';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { PASSWORD, testHasher, testProvisioning } from '../support/fixtures.ts';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type DbKind, type TestSystem } from '../support/system.ts';

export const WHO = ['staff', 'staff2', 'guard', 'guardb', 'manager', 'managerb', 'legal', 'admin1', 'counsellor', 'auditor'] as const;
export type Who = (typeof WHO)[number];

/** Site A's own allowance in these tests (the default is 500,000). */
export const SITE_A_ALLOWANCE = 300_000;

export async function startAftercareSystem(db: DbKind): Promise<{ t: TestSystem; as: Record<Who, ApiClient> }> {
  const t = await startTestSystem({ db, broker: 'aedes' });
  const doc = testProvisioning();
  doc.sites[0]!.aftercareAllowanceKrw = SITE_A_ALLOWANCE;
  // The victim reads English: the console must show their support in their language.
  doc.people.find((p) => p.id === 'staff-a')!.language = 'en';
  doc.people.push(
    { id: 'counsellor-1', name: 'Oh Counsellor', roles: ['counselor'], siteIds: [], language: 'ko', username: 'counsellor', password: PASSWORD },
    { id: 'auditor-1', name: 'Bae Auditor', roles: ['auditor'], siteIds: [], language: 'ko', username: 'auditor', password: PASSWORD },
    { id: 'manager-b', name: 'Shin Manager', roles: ['manager'], siteIds: ['site-b'], language: 'ko', username: 'managerb', password: PASSWORD },
  );
  await applyProvisioning(t.system.database.db, doc, { hasher: testHasher });
  await t.system.reloadDirectory();
  const as = {} as Record<Who, ApiClient>;
  for (const who of WHO) as[who] = await t.login(who);
  return { t, as };
}

/** A guard's console alarm at passport-3, acknowledged, with a separation naming `victims`. */
export async function incidentWithSeparation(as: Record<Who, ApiClient>, victims: { personId?: string; name?: string }[]): Promise<string> {
  const raised = await as.guard.post('/api/v1/incidents', { counterId: 'passport-3', siteId: 'site-a' });
  expect(raised.status, JSON.stringify(raised.body)).toBe(201);
  const id = raised.body.id as string;
  expect((await as.guard.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
  const sep = await as.guard.post(`/api/v1/incidents/${id}/events`, { type: 'victim_separated', victims, separatedTo: 'Counselling room 2F' });
  expect(sep.status, JSON.stringify(sep.body)).toBe(200);
  return id;
}
