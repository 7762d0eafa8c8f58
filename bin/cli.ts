/**
 * `guardbell` command line: start, migrate, provision FILE, bell …, edge-bridge …
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, configFromEnv } from '../api/config.ts';
import { DEMO_SITE_ID } from '../api/demo/demo-provisioning.ts';
import { provisionFromText } from '../api/provisioning/apply.ts';
import type { IssuedCredentials } from '../api/provisioning/credentials.ts';
import { formatProblems } from '../api/provisioning/index.ts';
import { openDatabase, openDatabaseEarly, schema } from '../api/store/index.ts';
import { PasswordHasher } from '../api/auth/passwords.ts';
// The system (and all it imports) is loaded only by `start`: the small commands start quickly.
import { StartError } from '../api/start-error.ts';

const USAGE = `usage: guardbell <command>
  start                 run gateway, API and console (PROTOCOL.md §5 variables)
  migrate               apply database migrations and exit
  provision FILE        apply a provisioning file (JSON or YAML) idempotently
  password-hash         hash a person's password (read from standard input) for a provisioning file's passwordHash
  bell press|hold|cancel|test --bell ID [--key HEX] [--mqtt URL | --serial PATH[@baud]] [--password P]
                        a virtual bell that behaves as firmware does, over MQTT or a serial line
  edge-bridge --config FILE --port PATH[@baud] [--mqtt URL]
                        legacy dry-contact bells on a serial I/O board as native bells
  devices mosquitto-acl --out DIR (--provision FILE | --generate) [--gateway-user U] [--owner USER]
                        [--listen [HOST:]PORT] [--gateway-listen [HOST:]PORT] [--certfile F --keyfile F]
                        an external Mosquitto's configuration: password files, ACL, the devices' and
                        the gateway's listeners
  demo remove           remove the demo's accounts (their sessions end; records they made keep them, deactivated)
  backup FILE           copy the database to FILE (embedded: online, while the server runs; PostgreSQL: pg_dump)
  restore FILE          restore FILE into a fresh DATA_DIR, or an empty database of DATABASE_URL
  retention run         delete or anonymise what the retention policy says has expired (README)
  audit verify          verify the audit log's hash chain (exit 1 naming the first broken link)
  case verify FILE.zip  verify a case export against its manifest (exit 1 naming each changed, missing or extra file)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'migrate':
      return migrate();
    case 'provision':
      return provision(rest[0]);
    case 'password-hash': {
      const { runPasswordHashCommand } = await import('../api/auth/password-hash-command.ts');
      return runPasswordHashCommand(rest);
    }
    case 'bell': {
      const { runBellCommand } = await import('../firmware-bridge/virtual-bell/bell-cli.ts');
      return runBellCommand(rest);
    }
    case 'edge-bridge':
      return edgeBridge(rest);
    case 'devices':
      return devices(rest);
    case 'audit': {
      const { runAuditCommand } = await import('../api/audit/cli.ts');
      return runAuditCommand(rest);
    }
    case 'backup':
    case 'restore': {
      const { runBackupCommand } = await import('../api/backup/cli.ts');
      return runBackupCommand(argv);
    }
    case 'retention': {
      const { runRetentionCommand } = await import('../api/retention/cli.ts');
      return runRetentionCommand(rest);
    }
    case 'case': {
      const { runCaseCommand } = await import('../api/areas/cases/cli.ts');
      return runCaseCommand(rest);
    }
    case 'demo':
      return demo(rest);
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

async function edgeBridge(argv: string[]): Promise<number> {
  const { startEdgeBridgeCommand } = await import('../firmware-bridge/edge-bridge/index.ts');
  const bridge = await startEdgeBridgeCommand(argv);
  if (typeof bridge === 'number') return bridge;
  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping the edge bridge (lamps off, bells reported offline)…`);
    await bridge.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1; // keep running
}

async function start(): Promise<number> {
  const config = configFromEnv();
  // The embedded database opens on its own thread while the system loads.
  openDatabaseEarly({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  const { startGuardbell } = await import('../system/index.ts');
  const { startLogger } = await import('../api/log-lines.ts');
  const system = await startGuardbell(config, { logger: startLogger(config.logLevel, process.env.LOG_FORMAT) });
  const port = new URL(system.url).port;
  const lines = [
    '',
    `Guardbell is running.`,
    `  Console:  http://localhost:${port}/`,
    `  MQTT:     ${system.mqttUrl}  (topics ${config.topicRoot}/bells/{bellId}/event)`,
    `  Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.embeddedDbDir}`}`,
  ];
  if (system.generatedAdminPassword) lines.push(`  Admin login: admin / ${system.generatedAdminPassword}  (generated now; shown once)`);
  if (system.demoLogins.length > 0) {
    lines.push(`  Demo logins (username / password)${config.demoFixedPasswords ? ', fixed while GUARDBELL_DEMO=1' : ', generated now and shown once'}:`);
    for (const l of system.demoLogins) lines.push(`    ${l.username.padEnd(11)} ${l.password.padEnd(16)} ${l.roles.join(', ')}`);
  }
  let demoBells: { stop(): Promise<void> } | undefined;
  if (config.demo && system.places.site(DEMO_SITE_ID)) {
    const demo = await import('../api/demo/demo-start.ts');
    if (system.seededDemo) await demo.seedDemoFloorPlans(system.database.db);
    // Fresh MQTT passwords for the demo's bells at every start (the first start's were issued by the seed): the
    // simulator logs in with them and the lines below print them; nothing fixed ever opens the broker.
    // A copy: the demo's own lines print these, so they are taken out of the general credential lines below.
    const passwords = system.seededDemo ? { ...system.issuedCredentials.bells } : await demo.issueDemoBellPasswords(system.database.db);
    if (!system.seededDemo) await system.reloadDirectory();
    if (system.issuedCredentials.bells) for (const id of Object.keys(passwords)) delete system.issuedCredentials.bells[id];
    const bells = await demo.startDemoBells({ mqttUrl: system.mqttUrl, topicRoot: config.topicRoot, passwords });
    demoBells = bells;
    lines.push(...demo.demoStartLines({ mqttUrl: system.mqttUrl, topicRoot: config.topicRoot, bells, passwords }));
    lines.push('  Demo accounts stop working once a real site is provisioned; `guardbell demo remove` removes them.');
  }
  lines.push(...issuedCredentialLines(system.issuedCredentials));
  if (config.mqttAllowAnonymous) lines.push('  WARNING: MQTT_ALLOW_ANONYMOUS=1 lets clients without credentials onto the embedded broker (a lab setting).');
  else if (!config.mqttUrl) {
    const rows = await system.database.db.select({ id: schema.bells.id, adapter: schema.bells.adapter, hash: schema.bells.mqttPasswordHash }).from(schema.bells);
    const without = rows.filter((r) => r.adapter === 'native' && !r.hash).map((r) => r.id);
    if (without.length > 0) lines.push(`  WARNING: ${without.length} native bell(s) have no MQTT password and cannot connect: ${without.join(', ')}.`, `    Issue them: apply the provisioning file again (passwords are generated and shown once), or POST /api/v1/admin/bells/{id}/mqtt-password.`);
  }
  console.log(lines.join('\n') + '\n');
  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping Guardbell…`);
    await demoBells?.stop();
    await system.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1; // keep running
}

async function demo(argv: string[]): Promise<number> {
  if (argv[0] !== 'remove' || argv.length > 1) {
    console.error('usage: guardbell demo remove');
    return 2;
  }
  const config = configFromEnv();
  const { removeDemoAccounts } = await import('../api/demo/demo-logins.ts');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    await database.migrate();
    const { deleted, deactivated } = await removeDemoAccounts(database.db);
    if (deleted.length + deactivated.length === 0) console.log('no demo accounts');
    if (deleted.length > 0) console.log(`demo accounts removed: ${deleted.join(', ')}`);
    if (deactivated.length > 0) console.log(`demo accounts deactivated, their logins removed (records they made keep them): ${deactivated.join(', ')}`);
    return 0;
  } finally {
    await database.close();
  }
}

/** MQTT passwords generated for bells and bridges that had none: printed once, stored only as hashes. */
function issuedCredentialLines(issued: IssuedCredentials): string[] {
  const rows = [...Object.entries(issued.bells ?? {}).map(([u, p]) => ['bell', u, p]), ...Object.entries(issued.bridges ?? {}).map(([u, p]) => ['bridge', u, p])];
  if (rows.length === 0) return [];
  return [
    '  MQTT logins generated now for bells and bridges without a password (username / password; shown once, load them into the devices):',
    ...rows.map(([kind, u, p]) => `    ${kind!.padEnd(6)} ${u!.padEnd(20)} ${p}`),
  ];
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
    const hasher = new PasswordHasher({ log2N: config.passwordHashLog2N });
    const result = await provisionFromText(database.db, text, file, { hasher, actorId: 'cli', issueCredentials: !config.mqttAllowAnonymous });
    if (!result.ok) {
      console.error(`${file}: ${result.problems.length} problem(s); nothing was applied:\n${formatProblems(result.problems)}`);
      return 1;
    }
    const s = result.summary!;
    console.log(`${file} applied: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged`);
    const issued = issuedCredentialLines(s.credentials ?? {});
    if (issued.length > 0) console.log(issued.join('\n'));
    return 0;
  } finally {
    await database.close();
  }
}

async function devices(argv: string[]): Promise<number> {
  const { runMosquittoAclCommand } = await import('../api/devices/mosquitto-acl-command.ts');
  return runMosquittoAclCommand(argv);
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
