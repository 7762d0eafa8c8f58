/** `guardbell backup FILE` and `guardbell restore FILE`: the embedded database (online) or PostgreSQL (pg_dump). */
import { configFromEnv, type Config } from '../config.ts';
import { openDatabase } from '../store/index.ts';
import { backupEmbedded, restoreEmbedded } from './embedded.ts';
import { backupPostgres, restorePostgres } from './postgres.ts';
import { databaseSummary, formatSummary } from './summary.ts';

export const BACKUP_USAGE =
  'usage: guardbell backup FILE    copy the database to FILE (embedded: online, while the server runs; PostgreSQL: pg_dump)\n' +
  '       guardbell restore FILE   restore FILE into a fresh DATA_DIR, or an empty database of DATABASE_URL';

export interface Out {
  log(text: string): void;
  error(text: string): void;
}

export async function runBackupCommand(argv: readonly string[], config: Config = configFromEnv(), out: Out = console): Promise<number> {
  const [command, file, ...extra] = argv;
  if ((command !== 'backup' && command !== 'restore') || !file || extra.length > 0) {
    out.error(BACKUP_USAGE);
    return 2;
  }
  const paths = { dataDir: config.dataDir, pgliteDir: config.embeddedDbDir };
  try {
    if (command === 'backup') {
      if (config.databaseUrl) {
        await backupPostgres(config.databaseUrl, file);
        out.log(`backup written to ${file} (pg_dump, custom format)`);
      } else {
        const { bytes, online } = await backupEmbedded(paths, file);
        out.log(`backup written to ${file}: ${bytes} bytes, ${online ? 'taken by the running server' : 'server not running'}`);
      }
      return 0;
    }
    if (config.databaseUrl) await restorePostgres(file, config.databaseUrl);
    else await restoreEmbedded(file, paths);
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
    try {
      out.log(`restored from ${file}: ${formatSummary(await databaseSummary(database.db))}`);
    } finally {
      await database.close();
    }
    return 0;
  } catch (err) {
    out.error(`guardbell ${command}: ${(err as Error).message}`);
    return 1;
  }
}
