/**
 * `guardbell` command line: start, migrate, provision FILE, bell …, edge-bridge …, bench.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { ConfigError, configFromEnv } from '../api/config.ts';
import { provisionFromText } from '../api/provisioning/apply.ts';
import { formatProblems } from '../api/provisioning/index.ts';
import { openDatabase, openDatabaseEarly, schema } from '../api/store/index.ts';
import { hashPassword, PasswordHasher, verifyPassword } from '../api/auth/passwords.ts';
import { parseProvisioningText } from '../api/provisioning/parse.ts';
import { provisioningContext } from '../api/provisioning/apply.ts';
import { DEFAULT_GATEWAY_MQTT_USER, mosquittoFiles, writeMosquittoFiles } from '../gateway/broker/mosquitto-acl.ts';
// The system (and all it imports) is loaded only by `start`: the small commands start quickly.
import { StartError } from '../api/start-error.ts';

const USAGE = `usage: guardbell <command>
  start                 run gateway, API and console (PROTOCOL.md §5 variables)
  migrate               apply database migrations and exit
  provision FILE        apply a provisioning file (JSON or YAML) idempotently
  bell press|hold|cancel|test --bell ID [--key HEX] [--mqtt URL | --serial PATH[@baud]] [--password P]
                        a virtual bell that behaves as firmware does, over MQTT or a serial line
  edge-bridge --config FILE --port PATH[@baud] [--mqtt URL]
                        legacy dry-contact bells on a serial I/O board as native bells
  devices mosquitto-acl --out DIR (--provision FILE | --generate) [--gateway-user U]
                        password file and ACL for an external Mosquitto (per-bell credentials)
  demo remove           remove the demo's accounts (their sessions end; records they made keep them, deactivated)
  bench                 load benchmark (see README)
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
      const { runCaseCommand } = await import('../api/cases/cli.ts');
      return runCaseCommand(rest);
    }
    case 'demo':
      return demo(rest);
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
  const { startSystem } = await import('../api/system.ts');
  const system = await startSystem(config);
  const lines = [
    '',
    `Guardbell is running.`,
    `  Console:  http://localhost:${new URL(system.url).port}/`,
    `  MQTT:     ${system.mqttUrl}  (topics ${config.topicRoot}/bells/{bellId}/event)`,
    `  Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PostgreSQL in ${config.embeddedDbDir}`}`,
  ];
  if (system.generatedAdminPassword) lines.push(`  Admin login: admin / ${system.generatedAdminPassword}  (generated now; shown once)`);
  if (system.demoLogins.length > 0) {
    lines.push(`  Demo logins (username / password)${config.demoFixedPasswords ? ', fixed while GUARDBELL_DEMO=1' : ', generated now and shown once'}:`);
    for (const l of system.demoLogins) lines.push(`    ${l.username.padEnd(11)} ${l.password.padEnd(16)} ${l.roles.join(', ')}`);
  }
  if (config.demo) {
    lines.push(`  Press a demo bell:  npx guardbell bell press --bell B-0101 --mqtt ${system.mqttUrl}`);
    lines.push('  Demo accounts stop working once a real site is provisioned; `guardbell demo remove` removes them.');
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
    const result = await provisionFromText(database.db, text, file, { hasher, actorId: 'cli' });
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

const DEVICES_USAGE = `usage: guardbell devices mosquitto-acl --out DIR (--provision FILE | --generate) [--gateway-user U] [--gateway-password P] [--topic-root R]
  Writes DIR/passwd (mosquitto_passwd's $7$ format) and DIR/acl for an external Mosquitto
  (password_file DIR/passwd, acl_file DIR/acl, allow_anonymous false).
  --provision FILE  the bells' passwords are the mqttPassword fields of FILE, which must have been applied
                    (guardbell provision FILE): the database holds only their hashes.
  --generate        a new random password for every native bell; their hashes are stored, and the passwords
                    are written once to DIR/bell-credentials.json (mode 0600): load them into the bells.
  The gateway user's password is --gateway-password, else MQTT_PASSWORD, else generated and written to
  DIR/bell-credentials.json; start the gateway with MQTT_USERNAME/MQTT_PASSWORD set to it.`;

async function devices(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        provision: { type: 'string' },
        generate: { type: 'boolean' },
        'gateway-user': { type: 'string' },
        'gateway-password': { type: 'string' },
        'topic-root': { type: 'string' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${DEVICES_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'mosquitto-acl' || positionals.length > 1 || !values.out || Boolean(values.provision) === Boolean(values.generate)) {
    console.error(DEVICES_USAGE);
    return 2;
  }
  const config = configFromEnv();
  const topicRoot = values['topic-root'] ?? config.topicRoot;
  const gatewayUser = values['gateway-user'] ?? config.mqttUsername ?? DEFAULT_GATEWAY_MQTT_USER;
  const newPasswords: Record<string, string> = {};
  let gatewayPassword = values['gateway-password'] ?? config.mqttPassword;
  if (!gatewayPassword) {
    gatewayPassword = randomBytes(24).toString('base64url');
    newPasswords[gatewayUser] = gatewayPassword;
  }
  let fileText: string | undefined;
  if (values.provision) {
    try {
      fileText = await readFile(values.provision, 'utf8');
    } catch (err) {
      console.error(`guardbell: cannot read ${values.provision}: ${(err as Error).message}`);
      return 1;
    }
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    await database.migrate();
    const rows = await database.db.select().from(schema.bells);
    const bells: { username: string; password: string }[] = [];
    if (fileText !== undefined) {
      const parsedDoc = parseProvisioningText(fileText, values.provision!, await provisioningContext(database.db));
      if (!parsedDoc.ok) {
        console.error(`${values.provision}: ${parsedDoc.problems.length} problem(s):\n${formatProblems(parsedDoc.problems)}`);
        return 1;
      }
      const inFile = new Map(parsedDoc.document.sites.flatMap((s) => s.bells).filter((b) => b.mqttPassword).map((b) => [b.id, b.mqttPassword!]));
      const problems: string[] = [];
      for (const [id, password] of inFile) {
        const row = rows.find((r) => r.id === id);
        if (!row || !(await verifyPassword(password, row.mqttPasswordHash))) problems.push(`bell ${id}: its mqttPassword is not the one in the database; apply the file first (guardbell provision ${values.provision})`);
        else bells.push({ username: id, password });
      }
      for (const r of rows) if (r.mqttPasswordHash && !inFile.has(r.id)) problems.push(`bell ${r.id} has MQTT credentials but no mqttPassword in ${values.provision}`);
      if (problems.length > 0) {
        console.error(`nothing written:\n  ${problems.join('\n  ')}`);
        return 1;
      }
      const without = rows.filter((r) => r.adapter === 'native' && !r.mqttPasswordHash).map((r) => r.id);
      if (without.length > 0) console.error(`warning: ${without.length} native bell(s) without mqttPassword cannot log in to a Mosquitto with allow_anonymous false: ${without.join(', ')}`);
    } else {
      for (const r of rows.filter((b) => b.adapter === 'native')) {
        const password = randomBytes(18).toString('base64url');
        await database.db.update(schema.bells).set({ mqttPasswordHash: await hashPassword(password) }).where(eq(schema.bells.id, r.id));
        bells.push({ username: r.id, password });
        newPasswords[r.id] = password;
      }
    }
    let files;
    try {
      files = mosquittoFiles({ topicRoot, gateway: { username: gatewayUser, password: gatewayPassword }, bells, newPasswords });
    } catch (err) {
      console.error(`guardbell: ${(err as Error).message}`);
      return 1;
    }
    const written = await writeMosquittoFiles(values.out, files);
    console.log(`${bells.length} bell(s) and the gateway user "${gatewayUser}" written:\n  ${written.join('\n  ')}`);
    if (newPasswords[gatewayUser]) console.log(`Gateway: MQTT_USERNAME=${gatewayUser} MQTT_PASSWORD=<in bell-credentials.json>`);
    if (values.generate) console.log(`New bell passwords are in ${values.out}/bell-credentials.json (shown nowhere else): load them into the bells, then delete the file.`);
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
