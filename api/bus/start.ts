import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AlarmBus } from './bus.ts';
import { PgBusTransport } from './pg-transport.ts';
import { MqttRingLane } from './ring-lane.ts';

/** The broker the processes share, and the gateway's login on it (the ring lane's). */
export interface SharedBroker {
  url: string;
  topicRoot: string;
  username: string;
  password: string;
}

/** What a part needs of the bus: to emit, and to listen. */
export type BusPort = Pick<AlarmBus, 'emit' | 'emitAndSettle' | 'on'>;

/**
 * The bus of one process: in-process only on PGlite (one process by design), LISTEN/NOTIFY on PostgreSQL, and
 * there the ring lane too where the processes share a broker. Its counters and state are metrics of the process.
 */
export function startBus(opts: { databaseUrl: string | undefined; sharedBroker?: SharedBroker | undefined; logger: Logger; registry: Registry }): AlarmBus {
  const logger = opts.logger.child({ part: 'bus' });
  const malformed = new Counter({ name: 'guardbell_bus_malformed_total', help: 'Bus notifications dropped as malformed, by reason.', labelNames: ['reason'], registers: [opts.registry] });
  const unknown = new Counter({ name: 'guardbell_bus_unknown_total', help: 'Bus events of a type or version this process does not know (the truth was read again).', labelNames: ['type'], registers: [opts.registry] });
  const counters = { malformed: (reason: string) => malformed.inc({ reason }), unknown: (type: string) => unknown.inc({ type: type.slice(0, 64) }) };
  const replayed = new Counter({ name: 'guardbell_bus_replayed_total', help: 'Bus events read from the table after a lost LISTEN connection.', registers: [opts.registry] });
  const origin = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const transport = opts.databaseUrl
    ? new PgBusTransport({ url: opts.databaseUrl, logger, counters, origin, applicationName: `guardbell-bus ${origin}`.slice(0, 63), onCaughtUp: (n) => replayed.inc(n) })
    : undefined;
  const ringLane = opts.databaseUrl && opts.sharedBroker ? new MqttRingLane({ ...opts.sharedBroker, logger, counters }) : undefined;
  const bus = new AlarmBus({ logger, origin, transport, ringLane, counters });
  new Gauge({
    name: 'guardbell_bus_ok', help: '1 while the bus reaches every process (LISTEN connected and caught up).', registers: [opts.registry],
    collect() {
      this.set(bus.state === 'ok' ? 1 : 0);
    },
  });
  if (ringLane) {
    new Gauge({
      name: 'guardbell_bus_ring_lane_ok', help: '1 while rings from memory also reach the other processes through the shared broker.', registers: [opts.registry],
      collect() {
        this.set(bus.ringLaneState === 'ok' ? 1 : 0);
      },
    });
  }
  return bus;
}
