import { describe, expect, it } from 'vitest';
import { AlarmBus, type BusEvents, type BusTransport } from '../bus/index.ts';
import type { BusEventType, Delivered } from '../bus/events.ts';
import type { BellRow, DirectoryStore } from '../store/index.ts';
import { fakeClock, silentLogger } from '../../test/support/core-fakes.ts';
import { BellSupervisor } from './bell-supervisor.ts';

/** Two processes' buses joined in memory: what one publishes, the other receives at once. */
class Wire implements BusTransport {
  state = 'ok' as const;
  peer: Wire | undefined;
  private deliver: (e: Delivered) => void = () => undefined;
  private seq = 0;
  async start(deliver: (e: Delivered) => void): Promise<void> {
    this.deliver = deliver;
  }
  publish(type: BusEventType, version: number, origin: string, data: unknown): void {
    this.peer?.deliver({ s: ++this.seq, t: type, v: version, o: origin, d: JSON.parse(JSON.stringify(data)) });
  }
  async stop(): Promise<void> {}
}

/** A bell provisioned and never heard: stored offline. */
function unheard(id: string, createdAt: Date): BellRow {
  return {
    id, siteId: 'site-a', counterId: 'c-1', adapter: 'native', keyHex: null, mqttPasswordHash: null, seqEpoch: 0, deviceId: null,
    heartbeatSeconds: 60, confirm: null, online: false, lastSeenAt: null, lastTestAt: null, battery: null, rssi: null, fw: null,
    trouble: ['offline'], notifiedTrouble: [], tamperAt: null, clockSkewMs: null, createdAt,
  };
}

async function twoProcesses() {
  const clock = fakeClock();
  const table = new Map([['B-0', unheard('B-0', clock.now())]]);
  const directory = {
    bells: async () => [...table.values()].map((r) => ({ ...r })),
    bellsById: async (ids: readonly string[]) => ids.flatMap((id) => (table.has(id) ? [{ ...table.get(id)! }] : [])),
    writeBellHealth: async (rows: BellRow[]) => rows.forEach((r) => table.set(r.id, { ...r })),
  } as unknown as DirectoryStore;
  const [wa, wb] = [new Wire(), new Wire()];
  [wa.peer, wb.peer] = [wb, wa];
  const processes = await Promise.all(
    (['a', 'b'] as const).map(async (name, i) => {
      const bus = new AlarmBus({ logger: silentLogger, origin: name, transport: [wa, wb][i] });
      await bus.start();
      const published: BusEvents['bell.health'][] = [];
      bus.on('bell.health', (e, meta) => void (meta.local && published.push(e)));
      const supervisor = new BellSupervisor({ directory, bus, logger: silentLogger, now: clock.now, sweepMs: 3_600_000, reconcileEvery: 1_000 });
      await supervisor.start();
      return { supervisor, published, bus };
    }),
  );
  return { clock, a: processes[0]!, b: processes[1]!, wires: [wa, wb] as const };
}

const heartbeat = (bellId: string, at: Date) => ({ kind: 'heartbeat', bellId, receivedAt: at, transport: 'mqtt', battery: 80 }) as never;

describe('bell health across processes (shared subscriptions split a bell\'s messages)', () => {
  it('a bell another process saw come online is not published again when this process first hears it', async () => {
    const { clock, a, b } = await twoProcesses();
    clock.advance(1_000);
    a.supervisor.onStatus({ kind: 'status', bellId: 'B-0', receivedAt: clock.now(), transport: 'mqtt', online: true } as never);
    expect(a.published.map((e) => [e.bell.online, e.bell.trouble])).toEqual([[true, []]]);
    clock.advance(1_000);
    b.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    b.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    // The battery is news (a's status did not carry one): published once; being online is not.
    expect(b.published.map((e) => [e.bell.online, e.bell.battery, e.troubleChanged])).toEqual([[true, 80, false]]);
    await Promise.all([a.supervisor.stop(), b.supervisor.stop()]);
  });

  it('a bell gone offline elsewhere (its will) is offline here too, until this process hears it again; older news is not taken', async () => {
    const { clock, a, b } = await twoProcesses();
    clock.advance(1_000);
    a.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    b.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    clock.advance(1_000);
    a.supervisor.onStatus({ kind: 'status', bellId: 'B-0', receivedAt: clock.now(), transport: 'mqtt', online: false } as never);
    expect(b.supervisor.view({ ...unheard('B-0', clock.now()) })).toMatchObject({ online: false, trouble: ['offline'] });
    // b hears the bell again: back online, published by b.
    clock.advance(1_000);
    b.published.length = 0;
    b.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    expect(b.published.map((e) => [e.bell.online, e.troubleChanged])).toEqual([[true, true]]);
    // a's older news of the bell (heard before b's latest) does not take b's memory back.
    const aLatest = a.published.at(-1)!;
    const before = b.supervisor.view({ ...unheard('B-0', clock.now()) });
    (b.supervisor as unknown as { heardElsewhere(bell: unknown): void }).heardElsewhere(aLatest.bell);
    expect(b.supervisor.view({ ...unheard('B-0', clock.now()) })).toEqual(before);
    await Promise.all([a.supervisor.stop(), b.supervisor.stop()]);
  });

  it('news the bus lost (the other process heard the bell come online) is read from the table when the bus resyncs', async () => {
    const { clock, a, b, wires } = await twoProcesses();
    // a's events no longer reach b, as while b's LISTEN connection was away.
    wires[0].peer = undefined;
    clock.advance(1_000);
    a.supervisor.onHeartbeat(heartbeat('B-0', clock.now()));
    await a.supervisor.sweep();
    expect(b.supervisor.view({ ...unheard('B-0', clock.now()) })).toMatchObject({ online: false, trouble: ['offline'] });
    await b.bus.resync('listener away too long');
    expect(b.supervisor.view({ ...unheard('B-0', clock.now()) })).toMatchObject({ online: true, trouble: [], lastSeenAt: clock.now() });
    await Promise.all([a.supervisor.stop(), b.supervisor.stop()]);
  });
});
