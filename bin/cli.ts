/**
 * `guardbell` command line: start, migrate, provision FILE, bell …, bench.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, configFromEnv } from '../api/config.ts';
import { DEMO_LOGINS } from '../api/demo/demo-provisioning.ts';
import { provisionFromText } from '../api/provisioning/apply.ts';
import { formatProblems } from '../api/provisioning/index.ts';
import { openDatabase } from '../api/store/index.ts';
import { StartError, startSystem } from '../api/system.ts';

const USAGE = `usage: guardbell <command>
  start                 run gateway, API and console (PROTOCOL.md §5 variables)
  migrate               apply database migrations and exit
  provision FILE        apply a provisioning file (JSON or YAML) idempotently
  bell press|hold|cancel|test --bell ID [--key HEX] [--mqtt URL]
                        a virtual bell that behaves as firmware does
  bench                 load benchmark (see README)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'migrate':
      return migrate();
    case 'provision':
      return provision(rest[0]);
    case 'bell': {
      const { runBellCommand } = await import('../firmware-bridge/virtual-bell/bell-cli.ts');
      return runBellCommand(rest);
    }
    case 'bench': {
      const { runBench } = await import('../test/bench/bench.ts');
      return runBench(rest);
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 2;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

async function start(): Promise<number> {
  const config = configFromEnv();
  const system = await startSystem(config);
  const lines = [
    '',
    `Guardbell is running.`,
    `  Console:  http://localhost:${new URL(system.url).port}/`,
    `  MQTT:     ${system.mqttUrl}  (topics ${config.topicRoot}/bells/{bellId}/event)`,
    `  Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.embeddedDbDir}`}`,
  ];
  if (system.generatedAdminPassword) lines.push(`  Admin login: admin / ${system.generatedAdminPassword}  (generated now; shown once)`);
  if (config.demo) {
    lines.push('  Demo logins (username / password):');
    for (const l of DEMO_LOGINS) lines.push(`    ${l.username.padEnd(11)} ${l.password.padEnd(16)} ${l.roles.join(', ')}`);
    lines.push(`  Press a demo bell:  npx guardbell bell press --bell B-0101 --mqtt ${system.mqttUrl}`);
  }
  console.log(lines.join('\n') + '\n');
  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping Guardbell…`);
    await system.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1; // keep running
}

async function migrate(): Promise<number> {
  const config = configFromEnv();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  await database.migrate();
  await database.close();
  console.log('migrations applied');
  return 0;
}

async function provision(file: string | undefined): Promise<number> {
  if (!file) {
    console.error('usage: guardbell provision FILE');
    return 2;
  }
  const config = configFromEnv();
  // Read the file before touching the database: a mistyped name must not migrate anything.
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    console.error(`guardbell: cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
    return 1;
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    await database.migrate();
    const result = await provisionFromText(database.db, text, file);
    if (!result.ok) {
      console.error(`${file}: ${result.problems.length} problem(s); nothing was applied:\n${formatProblems(result.problems)}`);
      return 1;
    }
    const s = result.summary!;
    console.log(`${file} applied: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof StartError || err instanceof ConfigError) {
      console.error(`guardbell: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
