/**
 * A child process of the supervision phase (started by supervision-ipc.ts through tsx), in one of two roles:
 *
 * - `fleet`: the virtual bells (supervision-fleet.ts), so that their MQTT clients cost the process under test nothing;
 * - `broker`: the baseline, the broker's own cost for the same heartbeat traffic: the embedded aedes broker with
 *   the same device-auth hooks as the system's (no bell has credentials, as in the bench) and one plain
 *   subscriber logged in as the gateway on `{root}/#` at QoS 1, as the gateway subscribes, counting messages and
 *   doing nothing else with them. It runs in a process of its own so that its CPU and memory are its own.
 *   On an own Mosquitto the same role holds only that subscriber (`startCounter`): what Guardbell's MQTT client
 *   costs before Guardbell does anything with a message.
 *
 * - both also serve the reconnect phase (reconnect-run.ts): the fleet opens a storm of connections
 *   (storm-fleet.ts), the broker role runs aedes with no authentication as that phase's baseline;
 * - the fleet also holds the press phase's bells and broker baseline (press-fleet.ts).
 *
 * Requests come over the IPC channel as `{id, op, args}` and are answered `{id, ok, value}`; the fleet also sends
 * unsolicited `{event}` messages (a bell silenced, a connection dropped, a press phase bell's ack).
 */
import type { MqttClient } from 'mqtt';
import { DeviceAuth } from '../../gateway/broker/device-auth.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../gateway/index.ts';
import { connectSubscriber } from '../../gateway/sources/subscriber-client.ts';
import { PressClients } from './press-clients.ts';
import { PressFleet } from './press-fleet.ts';
import { HeartbeatFleet } from './supervision-fleet.ts';
import { StormFleet } from './storm-fleet.ts';
import { processUsage, type ChildEvent, type ChildRequest } from './supervision-ipc.ts';

const send = (m: unknown) => process.send?.(m);
const gc = (globalThis as { gc?: () => void }).gc;
const usage = () => processUsage(gc);

let fleet: HeartbeatFleet | undefined;
let broker: { broker: EmbeddedBroker; auth: DeviceAuth; subscriber: MqttClient; received: number } | undefined;
let counter: { subscriber: MqttClient; received: number } | undefined;
let plain: EmbeddedBroker | undefined;
let storm: StormFleet | undefined;
let pressFleet: PressFleet | undefined;
let pressClients: PressClients | undefined;

async function handle(r: ChildRequest): Promise<unknown> {
  switch (r.op) {
    case 'usage':
      return { ...usage(), received: broker?.received ?? counter?.received ?? 0, heartbeats: fleet?.heartbeats ?? 0, disconnects: fleet?.disconnects ?? 0 };
    case 'startBroker': {
      const auth = new DeviceAuth({ topicRoot: r.root, loadCredentials: async () => new Map(), verify: async () => false, refreshMs: 0, allowAnonymous: true });
      await auth.start();
      const b = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', auth: auth.hooks() });
      const { client, connected } = connectSubscriber({
        url: b.url,
        clientIdPrefix: 'gb-sup-baseline',
        username: auth.gatewayUsername,
        password: auth.gatewayPassword,
        filters: [`${r.root}/#`],
        onSubscribeError: () => undefined,
      });
      if (!(await connected)) throw new Error('the baseline subscriber did not connect');
      await new Promise((resolve) => setTimeout(resolve, 200)); // its SUBACK
      broker = { broker: b, auth, subscriber: client, received: 0 };
      const state = broker;
      client.on('message', () => state.received++);
      return { url: b.url };
    }
    case 'startCounter': {
      // The gateway's own client setup (connectSubscriber), its login and filter, on the broker under test.
      const { client, connected } = connectSubscriber({
        url: r.url, clientIdPrefix: 'gb-sup-floor', username: r.username, password: r.password, filters: [`${r.root}/#`], onSubscribeError: () => undefined,
      });
      if (!(await connected)) throw new Error('the counting subscriber did not connect');
      counter = { subscriber: client, received: 0 };
      const state = counter;
      client.on('message', () => state.received++);
      return null;
    }
    case 'startPlainBroker': {
      // The broker's own baseline for a reconnect storm: aedes with no authentication hooks at all.
      plain = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
      return { url: plain.url };
    }
    case 'storm':
      storm ??= new StormFleet();
      return storm.run(r.plan);
    case 'cutStorm':
      storm?.cut();
      return null;
    case 'connectFleet': {
      const t = performance.now();
      fleet = await HeartbeatFleet.connect(r.plan);
      return { connections: fleet.connections, ms: performance.now() - t };
    }
    case 'startHeartbeats':
      need(fleet).start(r.everyMs);
      return null;
    case 'silence': {
      const f = need(fleet);
      for (const s of r.bells) f.silence(s.index, s.afterMs, (lastBeatAt) => send({ event: { kind: 'silenced', index: s.index, lastBeatAt } satisfies ChildEvent }));
      return null;
    }
    case 'drop': {
      const f = need(fleet);
      for (const s of r.bells) {
        f.drop(s.index, s.afterMs, (at, lastBeatAt) => send({ event: { kind: 'dropped', index: s.index, at, lastBeatAt } satisfies ChildEvent }));
      }
      return null;
    }
    case 'connectPressFleet':
      pressFleet = await PressFleet.connect(r.plan, (event) => send({ event }));
      return null;
    case 'press':
      return need(pressFleet).press(r.index, r.payload);
    case 'startBaseline':
      need(pressFleet).startBaseline(r.rate, r.seconds);
      return null;
    case 'baselineOutstanding':
      return need(pressFleet).baselineOutstanding;
    case 'stopBaseline':
      return need(pressFleet).stopBaseline();
    case 'pressFleetCounts':
      return { ...need(pressFleet).counts(), consoleMessages: pressClients?.consoleMessages ?? 0 };
    case 'openPressClients':
      pressClients = await PressClients.open(r.plan, (bellId, incidentId, at) =>
        send({ event: { kind: 'console', bellId, incidentId, wallAt: performance.timeOrigin + at } satisfies ChildEvent }),
      );
      return null;
    case 'cancel':
      return need(pressClients).cancel(r.incidentId);
    case 'closePressFleet':
      pressClients?.close();
      pressClients = undefined;
      await pressFleet?.close();
      pressFleet = undefined;
      return null;
    case 'close':
      pressClients?.close();
      pressClients = undefined;
      await pressFleet?.close();
      pressFleet = undefined;
      storm?.cut();
      await plain?.close();
      plain = undefined;
      await fleet?.close();
      fleet = undefined;
      await counter?.subscriber.endAsync().catch(() => undefined);
      counter = undefined;
      if (broker) {
        await broker.subscriber.endAsync().catch(() => undefined);
        broker.auth.stop();
        await broker.broker.close();
        broker = undefined;
      }
      return null;
  }
}

function need<T>(x: T | undefined): T {
  if (x === undefined) throw new Error('not started');
  return x;
}

process.on('message', (m: { id: number } & ChildRequest) => {
  handle(m).then(
    (value) => send({ id: m.id, ok: true, value }),
    (err: unknown) => send({ id: m.id, ok: false, error: (err as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
