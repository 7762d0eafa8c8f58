/**
 * Guardbell with its gateway on an own Mosquitto, set up as an operator would: a fresh PostgreSQL database, the
 * bells provisioned (each with its machine secret), `guardbell devices mosquitto-acl --provision FILE` run as a
 * process of its own to write mosquitto.conf, the passwd and the ACL, Mosquitto started on those files (free ports:
 * one listener for the devices, one for the gateway), then Guardbell logged in on the gateway listener.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import type { ProvisioningDocument } from '../../api/provisioning/document.ts';
import { OwnMosquitto, freePort } from '../devices/own-mosquitto.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startBenchSystem, type BenchSystem } from './setup.ts';

const GATEWAY_USER = 'guardbell-gateway';

export interface OnOwnMosquitto {
  bench: BenchSystem;
  mosquitto: OwnMosquitto;
  /** The run tag the provisioning document's passwords were made with (the bells' topic root is `bench.topicRoot`). */
  runTag: string;
  /** The gateway's listener and login, as Guardbell's gateway uses them. */
  gateway: { url: string; username: string; password: string };
  close(): Promise<void>;
}

/** `doc(runTag)`: the bells and people, their passwords made for this run. `env`: Guardbell's extra settings. */
export async function startOnOwnMosquitto(doc: (runTag: string) => ProvisioningDocument, env: Record<string, string> = {}): Promise<OnOwnMosquitto> {
  const db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'gb-own-mosquitto-'));
  await chmod(dir, 0o755); // Mosquitto, started as root, reads the files as its own user
  let mosquitto: OwnMosquitto | undefined;
  const undo = async () => {
    await mosquitto?.stop();
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  };
  try {
    // Schema and bells first (the command reads the bells' hashes), through a system on the embedded broker.
    const first = await startBenchSystem('postgres', { MQTT_ALLOW_ANONYMOUS: '0' }, db.url);
    const { runTag, topicRoot } = first;
    try {
      const provisioning = doc(runTag);
      await applyProvisioning(first.system.database.db, provisioning);
      await writeFile(join(dir, 'provision.json'), JSON.stringify(provisioning));
    } finally {
      await first.close();
    }
    const [devicePort, gatewayPort] = [await freePort(), await freePort()];
    const gatewayPassword = `gw-${runTag}-gateway-machine-secret`;
    await mosquittoAcl(db.url, dir, topicRoot, devicePort, gatewayPort, gatewayPassword);
    mosquitto = await OwnMosquitto.start({ generated: { conf: await readFile(join(dir, 'out', 'mosquitto.conf'), 'utf8'), port: devicePort } });
    const bench = await startBenchSystem(
      'postgres',
      { ...env, MQTT_URL: `mqtt://127.0.0.1:${gatewayPort}`, MQTT_USERNAME: GATEWAY_USER, MQTT_PASSWORD: gatewayPassword, GUARDBELL_TOPIC_ROOT: topicRoot },
      db.url,
    );
    const m = mosquitto;
    return {
      bench, mosquitto: m, runTag,
      gateway: { url: `mqtt://127.0.0.1:${gatewayPort}`, username: GATEWAY_USER, password: gatewayPassword },
      close: async () => {
        try {
          await bench.close();
        } finally {
          await undo();
        }
      },
    };
  } catch (err) {
    await undo();
    throw err;
  }
}

/** `guardbell devices mosquitto-acl --provision FILE`, the command an operator runs, as a process of its own. */
async function mosquittoAcl(databaseUrl: string, dir: string, topicRoot: string, devicePort: number, gatewayPort: number, gatewayPassword: string): Promise<void> {
  const bin = fileURLToPath(new URL('../../bin/guardbell.js', import.meta.url));
  await promisify(execFile)(
    process.execPath,
    [
      bin, 'devices', 'mosquitto-acl', '--out', join(dir, 'out'), '--provision', join(dir, 'provision.json'),
      '--gateway-user', GATEWAY_USER, '--gateway-password', gatewayPassword, '--topic-root', topicRoot,
      '--listen', `127.0.0.1:${devicePort}`, '--gateway-listen', `127.0.0.1:${gatewayPort}`,
    ],
    { env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
  );
}
