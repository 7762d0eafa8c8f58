/** `guardbell audit verify`: walks the audit log's hash chain; exit code 1 and the first broken link if it breaks. */
import { configFromEnv } from '../config.ts';
import { openDatabase } from '../store/database.ts';
import { verifyAuditLog } from './audit-log.ts';
import type { ChainVerdict } from './chain.ts';

export const AUDIT_USAGE = 'usage: guardbell audit verify   (the database of DATABASE_URL, or the embedded one in DATA_DIR)';

export function formatVerdict(v: ChainVerdict): string {
  if (v.ok) return `audit log OK: ${v.rows} entries, head seq ${v.head.seq}, hash ${v.head.hash}`;
  return `audit log BROKEN at seq ${v.break.seq} (${v.break.reason}): ${v.break.message}`;
}

export async function runAuditCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] !== 'verify' || argv.length > 1) {
    console.error(AUDIT_USAGE);
    return 2;
  }
  const config = configFromEnv();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    const verdict = await verifyAuditLog(database.db);
    (verdict.ok ? console.log : console.error)(formatVerdict(verdict));
    return verdict.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}
