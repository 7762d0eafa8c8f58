/** A test system with the people of the aftercare and statistics tests: a counsellor, an auditor, another site's manager. */
import { expect } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { startBackOfficeSystem } from '../support/people.ts';
import type { DbKind, TestSystem } from '../support/system.ts';

export const WHO = ['staff', 'staff2', 'guard', 'guardb', 'manager', 'managerb', 'legal', 'admin1', 'counsellor', 'auditor'] as const;
export type Who = (typeof WHO)[number];

/** Site A's own allowance in these tests (the default is 500,000). */
export const SITE_A_ALLOWANCE = 300_000;

export function startAftercareSystem(db: DbKind): Promise<{ t: TestSystem; as: Record<Who, ApiClient> }> {
  return startBackOfficeSystem(db, WHO, (doc) => {
    doc.sites[0]!.aftercareAllowanceKrw = SITE_A_ALLOWANCE;
    // The victim reads English: the console must show their support in their language.
    doc.people.find((p) => p.id === 'staff-a')!.language = 'en';
  });
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
