/** `guardbell retention run`: applies the retention policy now (the server also runs it daily). */
import { configFromEnv } from '../config.ts';
import { openDatabase } from '../store/index.ts';
import { RETENTION_KINDS, retentionPolicyFromEnv } from './policy.ts';
import { runRetention } from './retention-job.ts';

export const RETENTION_USAGE = 'usage: guardbell retention run   (RETENTION_*_DAYS as in the README; embedded: stop the server first)';

export async function runRetentionCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'run' || argv.length > 1) {
    console.error(RETENTION_USAGE);
    return 2;
  }
  const policy = retentionPolicyFromEnv();
  const config = configFromEnv();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    await database.migrate();
    const report = await runRetention(database.db, policy);
    for (const kind of RETENTION_KINDS) {
      const r = report[kind];
      console.log(`${kind}: ${r.rows} ${r.action} (older than ${r.before}, ${policy[kind]} days)`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
