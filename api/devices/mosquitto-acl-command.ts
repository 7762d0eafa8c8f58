/**
 * `guardbell devices mosquitto-acl`: the password file, ACL and settings for an external Mosquitto, from the
 * bells and bridges in the database (the same rules the embedded broker applies, gateway/broker/topic-rules.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { configFromEnv } from '../config.ts';
import { provisioningContext } from '../provisioning/apply.ts';
import { machineSecretMatches } from '../provisioning/credentials.ts';
import { formatProblems } from '../provisioning/index.ts';
import { parseProvisioningText } from '../provisioning/parse.ts';
import { openDatabase, schema, type Db } from '../store/index.ts';
import { hashMachineSecret, newMachineSecret } from '../../gateway/broker/bell-secret.ts';
import {
  DEFAULT_DEVICE_LISTEN, DEFAULT_GATEWAY_LISTEN, DEFAULT_GATEWAY_MQTT_USER, mosquittoFiles, writeMosquittoFiles,
  type BridgeAcl, type Listen, type MqttCredential,
} from '../../gateway/broker/mosquitto-acl.ts';

export const DEVICES_USAGE = `usage: guardbell devices mosquitto-acl --out DIR (--provision FILE | --generate) [--gateway-user U] [--gateway-password P] [--topic-root R] [--owner USER]
       [--listen [HOST:]PORT] [--gateway-listen [HOST:]PORT] [--certfile F --keyfile F [--cafile F]]
  Writes DIR/passwd (bells and bridges, mosquitto_passwd's $7$ format), DIR/gateway-passwd, DIR/acl and
  DIR/mosquitto.conf, the broker's configuration (mosquitto -c DIR/mosquitto.conf): the devices' listener
  (--listen, default 1883 on every interface; client id = username) and the gateway's (--gateway-listen,
  default 127.0.0.1:1884: point MQTT_URL there), no anonymous clients, packet and queue limits; with
  --certfile/--keyfile both listeners speak TLS (mqtts://).
  --provision FILE  the bells' and bridges' passwords are the mqttPassword / password fields of FILE, which must
                    have been applied (guardbell provision FILE): the database holds only their hashes.
  --generate        a new random password for every native bell and every bridge; their hashes are stored, and
                    the passwords are written once to DIR/bell-credentials.json (mode 0600): load them into the
                    devices, then delete the file.
  --owner USER      the files' owner (default: "mosquitto" when run as root and that user exists): Mosquitto
                    started as root drops to its own user before it reads them, and they are mode 0600.
  The gateway user's password is --gateway-password, else MQTT_PASSWORD, else generated and written to
  DIR/bell-credentials.json; start the gateway with MQTT_USERNAME/MQTT_PASSWORD set to it.`;

type Out = { log(text: string): void; error(text: string): void };

export async function runMosquittoAclCommand(argv: string[], out: Out = console): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' }, provision: { type: 'string' }, generate: { type: 'boolean' }, owner: { type: 'string' },
        'gateway-user': { type: 'string' }, 'gateway-password': { type: 'string' }, 'topic-root': { type: 'string' },
        listen: { type: 'string' }, 'gateway-listen': { type: 'string' },
        certfile: { type: 'string' }, keyfile: { type: 'string' }, cafile: { type: 'string' },
      },
    });
  } catch (err) {
    out.error(`${(err as Error).message}\n${DEVICES_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const tlsHalf = Boolean(values.certfile) !== Boolean(values.keyfile) || (values.cafile && !values.certfile);
  if (positionals[0] !== 'mosquitto-acl' || positionals.length > 1 || !values.out || Boolean(values.provision) === Boolean(values.generate) || tlsHalf) {
    out.error(DEVICES_USAGE);
    return 2;
  }
  let owner: { uid: number; gid: number } | undefined;
  let listen: Listen;
  let gatewayListen: Listen;
  try {
    listen = values.listen ? parseListen('--listen', values.listen) : DEFAULT_DEVICE_LISTEN;
    gatewayListen = values['gateway-listen'] ? parseListen('--gateway-listen', values['gateway-listen']) : DEFAULT_GATEWAY_LISTEN;
    owner = brokerOwner(values.owner);
  } catch (err) {
    out.error(`guardbell: ${(err as Error).message}`);
    return 1;
  }
  const config = configFromEnv();
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
      out.error(`guardbell: cannot read ${values.provision}: ${(err as Error).message}`);
      return 1;
    }
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  try {
    await database.migrate();
    const found = fileText !== undefined
      ? await fromFile(database.db, fileText, values.provision!, out)
      : await generateAll(database.db, newPasswords);
    if (!found) return 1;
    let files;
    try {
      files = mosquittoFiles({
        topicRoot: values['topic-root'] ?? config.topicRoot, gateway: { username: gatewayUser, password: gatewayPassword },
        bells: found.bells, bridges: found.bridges, newPasswords, dir: values.out,
        listen, gatewayListen, limits: { maxPacketBytes: config.mqttMaxPacketBytes },
        ...(values.certfile && values.keyfile ? { tls: { certfile: values.certfile, keyfile: values.keyfile, cafile: values.cafile } } : {}),
      });
    } catch (err) {
      out.error(`guardbell: ${(err as Error).message}`);
      return 1;
    }
    const written = await writeMosquittoFiles(values.out, files, owner);
    out.log(`${found.bells.length} bell(s), ${found.bridges.length} bridge(s) and the gateway user "${gatewayUser}" written${owner ? ` (owned by uid ${owner.uid}, for the broker)` : ''}:\n  ${written.join('\n  ')}`);
    const gatewayUrl = `${values.certfile ? 'mqtts' : 'mqtt'}://${gatewayListen.host ?? '127.0.0.1'}:${gatewayListen.port}`;
    out.log(`Gateway: MQTT_URL=${gatewayUrl} MQTT_USERNAME=${gatewayUser} MQTT_PASSWORD=${newPasswords[gatewayUser] ? '<in bell-credentials.json>' : '<as given>'}`);
    if (values.generate) out.log(`New passwords are in ${values.out}/bell-credentials.json (shown nowhere else): load them into the devices, then delete the file.`);
    return 0;
  } finally {
    await database.close();
  }
}

type Found = { bells: MqttCredential[]; bridges: (MqttCredential & BridgeAcl)[] };

/** The passwords of an applied provisioning file, checked against the hashes in the database. */
async function fromFile(db: Db, text: string, fileName: string, out: Out): Promise<Found | null> {
  const parsedDoc = parseProvisioningText(text, fileName, await provisioningContext(db));
  if (!parsedDoc.ok) {
    out.error(`${fileName}: ${parsedDoc.problems.length} problem(s):\n${formatProblems(parsedDoc.problems)}`);
    return null;
  }
  const rows = await db.select().from(schema.bells);
  const bridgeRows = await db.select().from(schema.mqttBridges);
  const found: Found = { bells: [], bridges: [] };
  const problems: string[] = [];
  const inFile = new Map(parsedDoc.document.sites.flatMap((s) => s.bells).filter((b) => b.mqttPassword).map((b) => [b.id, b.mqttPassword!]));
  for (const [id, password] of inFile) {
    const row = rows.find((r) => r.id === id);
    if (!row || !(await machineSecretMatches(password, row.mqttPasswordHash))) problems.push(`bell ${id}: its mqttPassword is not the one in the database; apply the file first (guardbell provision ${fileName})`);
    else found.bells.push({ username: id, password });
  }
  for (const r of rows) if (r.mqttPasswordHash && !inFile.has(r.id)) problems.push(`bell ${r.id} has MQTT credentials but no mqttPassword in ${fileName} (generated when the file was applied? put it in the file, or use --generate)`);
  for (const b of parsedDoc.document.bridges ?? []) {
    const row = bridgeRows.find((r) => r.username === b.username);
    if (!b.password) problems.push(`bridge ${b.username} has no password in ${fileName} (its generated one is not kept): give it one, or use --generate`);
    else if (!row || !(await machineSecretMatches(b.password, row.passwordHash))) problems.push(`bridge ${b.username}: its password is not the one in the database; apply the file first (guardbell provision ${fileName})`);
    else found.bridges.push({ username: b.username, password: b.password, adapter: row.adapter, topicPrefix: row.topicPrefix });
  }
  if (problems.length > 0) {
    out.error(`nothing written:\n  ${problems.join('\n  ')}`);
    return null;
  }
  const without = rows.filter((r) => r.adapter === 'native' && !r.mqttPasswordHash).map((r) => r.id);
  if (without.length > 0) out.error(`warning: ${without.length} native bell(s) without mqttPassword cannot log in to a Mosquitto with allow_anonymous false: ${without.join(', ')}`);
  return found;
}

/** A new password for every native bell and every bridge; their hashes stored. */
async function generateAll(db: Db, newPasswords: Record<string, string>): Promise<Found> {
  const found: Found = { bells: [], bridges: [] };
  for (const r of (await db.select().from(schema.bells)).filter((b) => b.adapter === 'native')) {
    const password = newMachineSecret();
    await db.update(schema.bells).set({ mqttPasswordHash: hashMachineSecret(password) }).where(eq(schema.bells.id, r.id));
    found.bells.push({ username: r.id, password });
    newPasswords[r.id] = password;
  }
  for (const r of await db.select().from(schema.mqttBridges)) {
    const password = newMachineSecret();
    await db.update(schema.mqttBridges).set({ passwordHash: hashMachineSecret(password) }).where(eq(schema.mqttBridges.username, r.username));
    found.bridges.push({ username: r.username, password, adapter: r.adapter, topicPrefix: r.topicPrefix });
    newPasswords[r.username] = password;
  }
  return found;
}

/** The broker's user: --owner, else `mosquitto` when we are root and it exists, else nobody (files stay ours). */
function brokerOwner(name: string | undefined): { uid: number; gid: number } | undefined {
  const asRoot = process.getuid?.() === 0;
  const user = name ?? (asRoot ? 'mosquitto' : undefined);
  if (!user) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    if (name) throw new Error(`--owner ${name}: no such user`);
    return undefined;
  }
}

/** `[HOST:]PORT` (an IPv6 host in brackets). */
export function parseListen(option: string, text: string): Listen {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new Error(`${option} ${text}: expected [HOST:]PORT, e.g. 1883 or 127.0.0.1:1884`);
  return m[1] ? { host: m[1].replace(/^\[|\]$/g, ''), port } : { port };
}
