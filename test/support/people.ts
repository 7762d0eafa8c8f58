/**
 * The back office's people beside the fixtures' own: a counsellor, an auditor and site B's manager, as the case-file,
 * aftercare and statistics tests use them, and a system started with them, everyone logged in.
 */
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { PASSWORD, testProvisioning } from './fixtures.ts';
import type { ApiClient } from './http.ts';
import { loginAll, startTestSystem, type DbKind, type TestSystem } from './system.ts';

export function backOfficePeople(): ProvisioningDocument['people'] {
  return [
    { id: 'counsellor-1', name: 'Oh Counsellor', roles: ['counselor'], siteIds: [], language: 'ko', username: 'counsellor', password: PASSWORD },
    { id: 'auditor-1', name: 'Bae Auditor', roles: ['auditor'], siteIds: [], language: 'ko', username: 'auditor', password: PASSWORD },
    { id: 'manager-b', name: 'Shin Manager', roles: ['manager'], siteIds: ['site-b'], language: 'ko', username: 'managerb', password: PASSWORD },
  ];
}

/**
 * A system on `db` (and aedes) provisioned with the fixtures and the back office's people, `adjust` having changed the
 * document first, and `usernames` logged in.
 */
export async function startBackOfficeSystem<W extends string>(
  db: DbKind,
  usernames: readonly W[],
  adjust: (doc: ProvisioningDocument) => void = () => undefined,
): Promise<{ t: TestSystem; as: Record<W, ApiClient> }> {
  const t = await startTestSystem({ db, broker: 'aedes' });
  const doc = testProvisioning();
  adjust(doc);
  doc.people.push(...backOfficePeople());
  await t.provision(doc);
  return { t, as: await loginAll(t, usernames) };
}
