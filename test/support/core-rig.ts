/** An alarm core of fakes (test/support/core-fakes.ts) as one process would compose it, for unit tests. */
import { AlarmBus, type BusEvents } from '../../api/bus/index.ts';
import { AlarmCore } from '../../api/core/alarm-core.ts';
import type { BellEventSignal, BellRecord } from '../../gateway/index.ts';
import { FakeBell, FakeIncidentStore, fakeClock, freshMetrics, noPlaces, silentLogger } from './core-fakes.ts';

type IncidentEvent = { type: 'incident.opened' | 'incident.changed' | 'incident.closed'; local: boolean } & BusEvents['incident.opened'];

export async function coreRig(opts: { bell?: Partial<BellRecord>; store?: FakeIncidentStore; bus?: AlarmBus; clock?: ReturnType<typeof fakeClock>; name?: string } = {}) {
  const store = opts.store ?? new FakeIncidentStore();
  const bus = opts.bus ?? new AlarmBus({ logger: silentLogger, origin: opts.name ?? 'p1' });
  const clock = opts.clock ?? fakeClock();
  const bell = new FakeBell({ id: 'B-1', siteId: 'site-a', counterId: 'c-1', adapter: 'native', keyHex: null, ...opts.bell });
  const heard: BellEventSignal[] = [];
  const supervisor = {
    heardEvent: (s: BellEventSignal) => heard.push(s),
    onHeartbeat: () => undefined, onStatus: () => undefined, onRejected: () => undefined,
  };
  let n = 0;
  const metrics = freshMetrics();
  const core = new AlarmCore({
    incidents: store, places: noPlaces, bus, metrics, logger: silentLogger, now: clock.now, supervisor,
    newIncidentId: () => `inc_${opts.name ?? 'p1'}_${++n}`,
    retry: { maxBatch: 10, initialMs: 1, maxMs: 5 },
  });
  core.attach(bell.link);
  const told: IncidentEvent[] = [];
  for (const type of ['incident.opened', 'incident.changed', 'incident.closed'] as const) bus.on(type, (e, meta) => void told.push({ type, local: meta.local, ...e }));
  await bus.start();
  await core.start();
  /** Sends a press (or other event) of the bell at the clock's time. */
  const send = (seq: number, more: Partial<BellEventSignal> = {}) => {
    const s = bell.event(seq, clock.now(), more);
    core.sink.onEvent(s, bell.record);
    return s;
  };
  return { store, bus, clock, bell, core, told, heard, metrics, send };
}

/** Lets queued microtasks, timers at 0 and setImmediate callbacks run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
