import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import type { Incident, StreamMessage } from '../../api/contract/index.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { bellTopic, type Ack } from '../../firmware-bridge/protocol/index.ts';
import { ChildSystem } from '../support/child-system.ts';
import { PASSWORD, testProvisioning } from '../support/fixtures.ts';
import { ApiClient, type StreamClient } from '../support/http.ts';
import { connect, MOSQUITTO_URL } from '../support/mqtt.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { testPool } from '../support/postgres.ts';

/** One process of the cluster as a console sees it: its URL, a guard's client and open stream. */
export interface Member {
  name: string;
  url: string;
  guard: ApiClient;
  manager: ApiClient;
  stream: StreamClient;
}

/**
 * Guardbell as an operator runs it for availability: one PostgreSQL, the machine's Mosquitto with a shared
 * subscription, `children` real OS processes (`guardbell start`). The test's own process only migrates and
 * provisions the database, then stops: every press and every console is served by a child.
 */
export class Cluster {
  readonly children: (ChildSystem & { url: string })[] = [];
  readonly members: Member[] = [];
  private readonly dirs: string[] = [];
  private readonly clients: MqttClient[] = [];
  readonly acks = new Map<string, Ack>();
  private readonly pool: pg.Pool;

  private constructor(readonly t: TestSystem, readonly bellIds: string[]) {
    this.pool = testPool(t.databaseUrl, 2);
  }

  /**
   * A query on the cluster's database, as the operator's psql would run it. A test that cuts every connection to the
   * database cuts this pool's too; a connection found cut (57P01) is replaced once, as psql reconnects.
   */
  async rows<T>(query: string): Promise<T[]> {
    try {
      return (await this.pool.query(query)).rows as T[];
    } catch (err) {
      if ((err as { code?: string }).code !== '57P01') throw err;
      return (await this.pool.query(query)).rows as T[];
    }
  }

  static async start(opts: { children: number; bells: number }): Promise<Cluster> {
    const group = `gb${process.pid}`;
    const t = await startTestSystem({ db: 'postgres', broker: 'mosquitto', env: { MQTT_SHARED_GROUP: group }, provision: false });
    const bellIds = Array.from({ length: opts.bells }, (_, i) => `C-${String(i).padStart(3, '0')}`);
    const doc = testProvisioning();
    doc.sites[0]!.bells!.push(...bellIds.map((id) => ({ id, counterId: 'passport-3', adapter: 'native' as const })));
    await applyProvisioning(t.system.database.db, doc);
    // The database is migrated and provisioned: from here on only the children take presses and serve consoles.
    await t.stop();
    const cluster = new Cluster(t, bellIds);
    const started = await Promise.all(Array.from({ length: opts.children }, () => {
      const dir = mkdtempSync(join(tmpdir(), 'gb-cluster-'));
      cluster.dirs.push(dir);
      return ChildSystem.start({
        // The gateway's login, as a city has one (the machine's broker takes any): the ring lane is signed with it.
        DATABASE_URL: t.databaseUrl!, MQTT_URL: MOSQUITTO_URL, MQTT_USERNAME: 'guardbell-gateway', MQTT_PASSWORD: `cluster-${group}`,
        MQTT_SHARED_GROUP: group, GUARDBELL_TOPIC_ROOT: t.topicRoot, DATA_DIR: dir,
        GUARDBELL_ADMIN_PASSWORD: PASSWORD,
      }, 120_000);
    }));
    cluster.children.push(...started);
    for (const [i, { url }] of started.entries()) {
      const guard = await ApiClient.login(url, 'guard', PASSWORD);
      const manager = await ApiClient.login(url, 'manager', PASSWORD);
      cluster.members.push({ name: `process ${i + 1}`, url, guard, manager, stream: await guard.stream() });
    }
    const client = await connect(MOSQUITTO_URL, { clientId: `gb-cluster-bells-${process.pid}-${Date.now()}` });
    cluster.clients.push(client);
    client.on('message', (topic, payload) => {
      // Any answer to a seq ends its retransmission (its state is the incident's: received, acknowledged…).
      const ack = JSON.parse(payload.toString()) as Ack;
      const key = `${topic.split('/').at(-2)}|${ack.seq}`;
      if (!cluster.acks.has(key)) cluster.acks.set(key, ack);
    });
    await client.subscribeAsync(bellIds.map((b) => bellTopic(t.topicRoot, b, 'ack')).concat(bellTopic(t.topicRoot, 'B-0301', 'ack')), { qos: 1 });
    return cluster;
  }

  /** Sends one press without waiting for its acknowledgement (the database may be away). */
  async pressOnce(bellId: string, seq: number): Promise<void> {
    await this.clients[0]!.publishAsync(bellTopic(this.t.topicRoot, bellId, 'event'), JSON.stringify({ seq, type: 'press', at: new Date().toISOString() }), { qos: 1 });
  }

  /** Presses as the firmware does: retransmitted every 500 ms until `received`; resolves with the ack. */
  async press(bellId: string, seq: number, type: 'press' | 'long_press' = 'press'): Promise<Ack> {
    const body = JSON.stringify({ seq, type, at: new Date().toISOString() });
    const key = `${bellId}|${seq}`;
    const deadline = Date.now() + 60_000;
    while (!this.acks.has(key)) {
      if (Date.now() > deadline) throw new Error(`${bellId} seq ${seq} never received`);
      await this.clients[0]!.publishAsync(bellTopic(this.t.topicRoot, bellId, 'event'), body, { qos: 1 });
      await waitFor(() => this.acks.has(key) || undefined, 500, 'ack').catch(() => undefined);
    }
    return this.acks.get(key)!;
  }

  /** Incident ids each console has heard of, with the last view it was sent. */
  heard(m: Member): Map<string, { status: string; stored: boolean }> {
    const seen = new Map<string, { status: string; stored: boolean }>();
    for (const msg of m.stream.messages) {
      if (msg.type === 'incident.created' || msg.type === 'incident.updated') seen.set(msg.data.id, { status: msg.data.status, stored: msg.data.stored });
    }
    return seen;
  }

  /** What a console was sent of these incidents, message by message (for a failure's message). */
  describe(m: Member, ids: readonly string[]): string {
    const wanted = new Set(ids);
    const seen = m.stream.messages.flatMap((msg) =>
      (msg.type === 'incident.created' || msg.type === 'incident.updated') && wanted.has(msg.data.id)
        ? [`${msg.data.id} ${msg.type} r${msg.data.revision ?? '-'} ${msg.data.status}${msg.data.stored ? ' stored' : ''}`] : []);
    const closed = m.stream.closedWith ? `; the stream was closed: ${m.stream.closedWith.code} ${m.stream.closedWith.reason}` : '';
    return `${ids.join(', ')} (${seen.length > 0 ? seen.join('; ') : 'no message'})${closed}`;
  }

  /** Each incident's newest view among stream messages (and listed incidents), by revision as the console keeps it. */
  latest(messages: readonly StreamMessage[]): Map<string, Incident> {
    const view = new Map<string, Incident>();
    for (const msg of messages) {
      if (msg.type !== 'incident.created' && msg.type !== 'incident.updated') continue;
      const held = view.get(msg.data.id);
      if (!held || (msg.data.revision ?? 0) >= (held.revision ?? 0)) view.set(msg.data.id, msg.data);
    }
    return view;
  }

  async close(): Promise<void> {
    for (const m of this.members) m.stream.close();
    for (const c of this.clients) c.end(true);
    await Promise.all(this.children.map((c) => c.stop()));
    await this.pool.end();
    await this.t.close();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
