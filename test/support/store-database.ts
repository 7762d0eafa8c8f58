import { openDatabase, type Database } from '../../api/store/database.ts';
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
