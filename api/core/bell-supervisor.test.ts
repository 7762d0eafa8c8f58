import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { Gateway, gatewayMetrics, type BellSignal, type BellSource, type Rejection } from '../../gateway/index.ts';
import { AlarmBus, type BusEvents } from '../bus/index.ts';
import type { DirectoryStore } from '../store/index.ts';
import { fakeClock, silentLogger } from '../../test/support/core-fakes.ts';
import { coreRig, settle } from '../../test/support/core-rig.ts';
import { BellSupervisor } from './bell-supervisor.ts';

/** The directory as the supervisor uses it for security alerts: stored in memory. */
function alertsDirectory() {
  const stored: { bellId: string; reason: string; at: Date }[] = [];
  const directory = { addSecurityAlert: async (a: { bellId: string; reason: string; at: Date }) => void stored.push(a), bells: async () => [] } as unknown as DirectoryStore;
  return { directory, stored };
}

describe('the bell supervisor: security rejections', () => {
  it('a security rejection is an alert on the bus and in the store; a bell that is not provisioned is not', async () => {
    const bus = new AlarmBus({ logger: silentLogger, origin: 'p1' });
    const alerts: BusEvents['security.alert'][] = [];
    bus.on('security.alert', (e) => void alerts.push(e));
    const { directory, stored } = alertsDirectory();
    const supervisor = new BellSupervisor({ directory, bus, logger: silentLogger });
    const at = new Date('2026-03-02T09:00:00.000Z');
    supervisor.onRejected({ reason: 'bad_mac', detail: 'mac does not match', transport: 'mqtt', bellId: 'B-1', at }, { id: 'B-1', siteId: 'site-a', counterId: 'c', adapter: 'native', keyHex: 'aa' });
    supervisor.onRejected({ reason: 'unknown_bell', detail: 'not provisioned', transport: 'mqtt', bellId: 'B-9', at }, undefined);
    await settle();
    expect(alerts).toEqual([{ alert: { bellId: 'B-1', siteId: 'site-a', reason: 'bad_mac', detail: 'mac does not match', at: at.toISOString() } }]);
    expect(stored.map((a) => [a.bellId, a.reason])).toEqual([['B-1', 'bad_mac']]);
  });

  it('through the gateway, a replay retransmitted many times rings one alert per burst', async () => {
    const clock = fakeClock();
    const rig = await coreRig({ clock });
    const { directory, stored } = alertsDirectory();
    const supervisor = new BellSupervisor({ directory, bus: rig.bus, logger: silentLogger });
    let handlers!: { signal(s: BellSignal): void; rejected(r: Rejection): void };
    const source: BellSource = {
      name: 'fake', connected: true, sendAck: () => undefined, stop: async () => undefined,
      start: async (h) => void (handlers = h),
    };
    const gateway = new Gateway({
      sources: [source], directory: { lookup: (id) => (id === 'B-1' ? rig.bell.record : undefined) },
      sink: { ...rig.core.sink, onRejected: (r, bell) => supervisor.onRejected(r, bell) },
      metrics: gatewayMetrics(new Registry()), logger: silentLogger,
    });
    rig.core.attach({ sendAck: () => undefined, reject: (r) => gateway.reject(r) });
    await gateway.start();
    handlers.signal(rig.bell.event(50, clock.now()));
    await rig.core.idle(1_000);
    for (let i = 0; i < 5; i++) {
      clock.advance(2_000);
      handlers.signal(rig.bell.event(40, clock.now()));
      await settle();
    }
    expect(stored.map((a) => a.reason)).toEqual(['replay']);
    expect(rig.bell.acks.map((a) => a.seq)).toEqual([50]);
  });
});
