/** A test system with the people of the case-file tests: legal, an auditor, a counsellor, another site's manager. */
import { expect } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { startBackOfficeSystem } from '../support/people.ts';
import type { DbKind, TestSystem } from '../support/system.ts';

export const WHO = ['staff', 'guard', 'guardb', 'manager', 'managerb', 'legal', 'admin1', 'counsellor', 'auditor'] as const;
export type Who = (typeof WHO)[number];

export const startCaseSystem = (db: DbKind): Promise<{ t: TestSystem; as: Record<Who, ApiClient> }> => startBackOfficeSystem(db, WHO);

/** A console alarm raised by a guard (site A, passport-3) or by site B's guard. */
export async function raiseIncident(as: Record<Who, ApiClient>, site: 'a' | 'b' = 'a'): Promise<string> {
  const raised = site === 'a'
    ? await as.guard.post('/api/v1/incidents', { counterId: 'passport-3', siteId: 'site-a' })
    : await as.guardb.post('/api/v1/incidents', { counterId: 'civil-1', siteId: 'site-b' });
  expect(raised.status, JSON.stringify(raised.body)).toBe(201);
  return raised.body.id as string;
}

/** Uploads bytes as evidence (raw body). */
export async function upload(client: ApiClient, caseId: string, bytes: Uint8Array, fileName: string, type = 'application/octet-stream'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${client.baseUrl}/api/v1/cases/${caseId}/evidence?fileName=${encodeURIComponent(fileName)}&description=${encodeURIComponent('from the counter')}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': type },
    body: Buffer.from(bytes) as unknown as BodyInit,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function download(client: ApiClient, path: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${client.baseUrl}${path}`, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}
