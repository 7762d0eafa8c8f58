import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CoreMetrics {
  incidentsOpened: Counter<'mode' | 'source'>;
  pressToStored: Histogram;
  pressToConsole: Histogram;
  retransmissions: Counter<'state'>;
  storeFailures: Counter;
  writesSetAside: Counter<'type'>;
  pendingWrites: Gauge;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function coreMetrics(registry: Registry): CoreMetrics {
  const registers = [registry];
  return {
    incidentsOpened: new Counter({ name: 'guardbell_incidents_opened_total', help: 'Incidents opened.', labelNames: ['mode', 'source'], registers }),
    pressToStored: new Histogram({
      name: 'guardbell_press_to_stored_seconds',
      help: 'From a bell event reaching the gateway to it being durably stored (then the bell is told received).',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    pressToConsole: new Histogram({
      name: 'guardbell_press_to_console_seconds',
      help: 'From a press reaching the gateway to incident.created being sent to the consoles.',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    retransmissions: new Counter({
      name: 'guardbell_event_retransmissions_total',
      help: 'Copies of events already seen, by how they were answered (stored: the current ack; pending: not yet).',
      labelNames: ['state'],
      registers,
    }),
    storeFailures: new Counter({ name: 'guardbell_store_failures_total', help: 'Writes of bell events that failed and will be retried.', registers }),
    writesSetAside: new Counter({
      name: 'guardbell_event_writes_set_aside_total',
      help: 'Bell events the store refused for what they hold while it stored the events after them: never acknowledged (the bell keeps sending), logged with the reason.',
      labelNames: ['type'],
      registers,
    }),
    pendingWrites: new Gauge({ name: 'guardbell_pending_event_writes', help: 'Bell events shown to consoles but not yet stored.', registers }),
  };
}
