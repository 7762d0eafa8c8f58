/**
 * On PostgreSQL the database's own tools are the backup: `pg_dump` takes a consistent snapshot (one
 * repeatable-read transaction) while Guardbell keeps writing, and `pg_restore` loads it into an empty
 * database. For point-in-time recovery, use `pg_basebackup` with WAL archiving (README).
 */
import { spawn } from 'node:child_process';
import pg from 'pg';

export async function backupPostgres(url: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${url}`]);
}

/** Restores into an empty database only: a restore over live data would mix two histories. */
export async function restorePostgres(file: string, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("select count(*) as n from pg_tables where schemaname = 'public'");
    if (Number(rows[0]?.n) > 0) throw new Error('the database of DATABASE_URL is not empty: restore into a freshly created database');
  } finally {
    await client.end();
  }
  await run('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${url}`, file]);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', (err) => reject(new Error(`${command} could not be run (${err.message}); install the PostgreSQL client tools`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (exit ${code}): ${stderr.trim()}`))));
  });
}
