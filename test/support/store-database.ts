import { openDatabase, type Database } from '../../api/store/database.ts';
import { IncidentStore } from '../../api/store/incident-store.ts';
import { newIncidentState } from '../../api/domain/index.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { createTestDatabase } from './postgres.ts';
import { testHasher, testProvisioning } from './fixtures.ts';

export interface StoreDatabase {
  database: Database;
  /** The PostgreSQL URL of the throwaway database; undefined on PGlite. */
  url: string | undefined;
  close(): Promise<void>;
}

/** A throwaway database of either kind, migrated and provisioned with the test sites, for store-level tests. */
export async function openStoreDatabase(kind: 'pglite' | 'postgres'): Promise<StoreDatabase> {
  const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
  const database = await openDatabase({ url: pg?.url, dataDir: 'memory://' });
  await database.migrate();
  await applyProvisioning(database.db, testProvisioning(), { hasher: testHasher });
  return {
    database,
    url: pg?.url,
    close: async () => {
      await database.close();
      await pg?.drop();
    },
  };
}

/** A live incident opened by a press of B-0301 at site-a's passport-3, stored as the bell intake stores one. */
export async function storePressIncident(database: Database, id: string, openedAt: Date): Promise<void> {
  await new IncidentStore(database.db, database.inEngine).writeBellEvent({
    event: { bellId: 'B-0301', seq: 1, type: 'press', receivedAt: openedAt, bellAt: null, battery: null, transport: 'mqtt' },
    incident: {
      kind: 'insert',
      record: {
        ...newIncidentState({ mode: 'live', violence: false, openedAt }),
        id, siteId: 'site-a', counterId: 'passport-3', bellId: 'B-0301', openingSeq: 1, source: 'bell', raisedBy: null,
        escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
      },
    },
    entries: [],
  });
}
