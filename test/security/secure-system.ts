import type { MqttClient } from 'mqtt';
import { bellTopic, computeMac, type Ack, type BellEventType } from '../../firmware-bridge/protocol/index.ts';
import { KEY, testProvisioning } from '../support/fixtures.ts';
import { connect } from '../support/mqtt.ts';
import { startTestSystem, type TestSystem, type TestSystemOptions } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

/** Every bell of the test site with its own MQTT password, as provisioning now gives them. */
export const BELL_PASSWORDS: Record<string, string> = {
  'B-0301': 'b0301-machine-secret-0123456789',
  'B-0302': 'b0302-machine-secret-0123456789',
  'B-K1': 'bk1-machine-secret-0123456789ab',
  'B-0901': 'b0901-machine-secret-0123456789',
};
export const BRIDGE = { username: 'z2m-bridge', password: 'z2m-bridge-secret-0123456789', adapter: 'zigbee2mqtt' as const, topicPrefix: 'zigbee2mqtt' };

export function secureProvisioning() {
  const doc = testProvisioning();
  for (const site of doc.sites) for (const b of site.bells) b.mqttPassword = BELL_PASSWORDS[b.id];
  doc.sites[0]!.bells.push({ id: 'B-Z1', counterId: 'welfare-1', adapter: 'zigbee2mqtt', deviceId: 'counter_button' });
  return { ...doc, bridges: [BRIDGE] };
}

/** A system as a real site runs it: no anonymous clients (the test support's lab setting off), credentials for all. */
export async function startSecureSystem(opts: Partial<TestSystemOptions> = {}): Promise<TestSystem> {
  const t = await startTestSystem({ db: 'pglite', broker: 'aedes', provision: false, ...opts, env: { MQTT_ALLOW_ANONYMOUS: '0', ...opts.env } });
  await t.provision(secureProvisioning());
  return t;
}

/** A bell logged in with its own credential that records its acks. */
export class CredentialBell {
  readonly acks: Ack[] = [];
  private constructor(readonly client: MqttClient, readonly root: string, readonly bellId: string) {}

  static async connect(t: TestSystem, bellId: string, opts: { password?: string; clientId?: string } = {}): Promise<CredentialBell> {
    const client = await connect(t.mqttUrl, { username: bellId, password: opts.password ?? BELL_PASSWORDS[bellId], reconnectPeriod: 0, ...(opts.clientId ? { clientId: opts.clientId } : {}) });
    const bell = new CredentialBell(client, t.topicRoot, bellId);
    client.on('message', (_t, p) => bell.acks.push(JSON.parse(p.toString()) as Ack));
    await client.subscribeAsync(bellTopic(t.topicRoot, bellId, 'ack'), { qos: 1 });
    return bell;
  }

  event(seq: number, type: BellEventType, extra: { boot?: number; keyHex?: string; at?: string } = {}): Promise<unknown> {
    const at = extra.at ?? new Date().toISOString();
    const body: Record<string, unknown> = { seq, type, at, ...(extra.boot !== undefined ? { boot: extra.boot } : {}) };
    if (extra.keyHex) body.mac = computeMac(extra.keyHex, this.bellId, { seq, type, at, boot: extra.boot });
    return this.client.publishAsync(bellTopic(this.root, this.bellId, 'event'), JSON.stringify(body), { qos: 1 });
  }

  /** The raw payload, as recorded by someone listening on the wire. */
  publishRaw(payload: string): Promise<unknown> {
    return this.client.publishAsync(bellTopic(this.root, this.bellId, 'event'), payload, { qos: 1 });
  }

  waitForAck(match: Partial<Ack>, timeoutMs = 5_000): Promise<Ack> {
    return waitFor(() => this.acks.find((a) => Object.entries(match).every(([k, v]) => (a as Record<string, unknown>)[k] === v)), timeoutMs, `bell ${this.bellId} ack ${JSON.stringify(match)} (got ${JSON.stringify(this.acks)})`);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}

export { KEY };

/** The granted QoS; 128 is a refusal (mqtt.js turns it into an error). */
export function granted(c: MqttClient, filter: string): Promise<number> {
  return c.subscribeAsync(filter, { qos: 1 }).then((g) => g[0]!.qos, (err: Error) => (/Subscribe error/.test(err.message) ? 128 : Promise.reject(err)));
}
