import { describe, expect, it } from 'vitest';
import { AlarmBus, type BusEvents } from '../bus/index.ts';
import type { BellRow, DirectoryStore } from '../store/index.ts';
import { fakeClock, silentLogger } from '../../test/support/core-fakes.ts';
import { BellSupervisor } from './bell-supervisor.ts';

/** Stored bells in memory, counting how the supervisor reads them (a whole-table read, reads by id). */
function memoryDirectory(rows: BellRow[]) {
  const table = new Map(rows.map((r) => [r.id, { ...r }]));
  const reads = { all: 0, byId: [] as string[][], writes: [] as string[][] };
  const directory = {
    bells: async () => {
      reads.all++;
      return [...table.values()].map((r) => ({ ...r }));
    },
    bellsById: async (ids: readonly string[]) => {
      reads.byId.push([...ids]);
      return ids.flatMap((id) => (table.has(id) ? [{ ...table.get(id)! }] : []));
    },
    writeBellHealth: async (written: BellRow[]) => {
      reads.writes.push(written.map((r) => r.id));
      for (const r of written) {
        const was = table.get(r.id);
        if (was) table.set(r.id, { ...r, lastSeenAt: was.lastSeenAt && r.lastSeenAt && was.lastSeenAt > r.lastSeenAt ? was.lastSeenAt : r.lastSeenAt });
      }
    },
  } as unknown as DirectoryStore;
  return { directory, reads, table };
}

function bell(id: string, seenAt: Date): BellRow {
  return {
    id, siteId: 'site-a', counterId: 'c-1', adapter: 'native', keyHex: null, mqttPasswordHash: null, seqEpoch: 0, deviceId: null,
    heartbeatSeconds: 60, confirm: null, online: true, lastSeenAt: seenAt, lastTestAt: seenAt, battery: 90, rssi: -60, fw: '1',
    trouble: [], notifiedTrouble: [], tamperAt: null, clockSkewMs: null, createdAt: new Date(seenAt.getTime() - 86_400_000),
  };
}

async function rig(n: number) {
  const clock = fakeClock();
  const store = memoryDirectory(Array.from({ length: n }, (_, i) => bell(`B-${i}`, clock.now())));
  const bus = new AlarmBus({ logger: silentLogger, origin: 'p1' });
  const health: BusEvents['bell.health'][] = [];
  bus.on('bell.health', (e) => void health.push(e));
  // No sweep timer in the way: the test calls sweep() as the timer would, with the fake clock's time.
  const supervisor = new BellSupervisor({ directory: store.directory, bus, logger: silentLogger, now: clock.now, sweepMs: 3_600_000, reconcileEvery: 1_000 });
  await supervisor.start();
  const beat = (id: string) => supervisor.onHeartbeat({ kind: 'heartbeat', bellId: id, receivedAt: clock.now(), transport: 'mqtt' } as never);
  return { clock, store, supervisor, health, beat, stop: () => supervisor.stop() };
}

describe('the bell supervisor keeps deadlines in memory', () => {
  it('a sweep with no bell due reads nothing; a silent bell is offline at its deadline, not before, and read alone', async () => {
    const r = await rig(1_000);
    expect(r.store.reads.all).toBe(1); // at start
    for (let s = 0; s < 170; s += 10) {
      r.clock.advance(10_000);
      for (let i = 1; i < 1_000; i++) if ((i + s) % 60 === 0 || s % 60 === 0) r.beat(`B-${i}`);
      expect(await r.supervisor.sweep()).toEqual([]);
    }
    expect(r.store.reads.byId).toEqual([]);
    expect(r.store.reads.all).toBe(1);
    r.clock.advance(9_999); // 179.999 s after B-0 was last heard
    expect(await r.supervisor.sweep()).toEqual([]);
    r.clock.advance(1);
    const changed = await r.supervisor.sweep();
    expect(changed.map((b) => [b.id, b.online, b.trouble])).toEqual([['B-0', false, ['offline']]]);
    expect(r.store.reads.byId).toEqual([['B-0']]);
    expect(r.health.filter((h) => h.troubleChanged).map((h) => h.bell.id)).toEqual(['B-0']);
    // Its offline is written at once.
    expect(r.store.table.get('B-0')!.trouble).toEqual(['offline']);
    await r.stop();
  });

  it('a bell heard by another process (its stored last-seen time is later) is not taken offline', async () => {
    const r = await rig(3);
    r.clock.advance(150_000);
    r.store.table.get('B-1')!.lastSeenAt = r.clock.now(); // another process heard it and stored it
    r.clock.advance(30_000);
    const changed = await r.supervisor.sweep();
    expect(changed.map((b) => b.id).sort()).toEqual(['B-0', 'B-2']);
    // Re-armed from the stored time: offline three intervals after it, unless heard again.
    r.clock.advance(150_000 - 1);
    expect(await r.supervisor.sweep()).toEqual([]);
    r.clock.advance(1);
    expect((await r.supervisor.sweep()).map((b) => b.id)).toEqual(['B-1']);
    await r.stop();
  });

  it('a burst of bells provisioned after start costs one read by id, not a table read per bell', async () => {
    const r = await rig(2);
    for (let i = 2; i < 500; i++) r.store.table.set(`B-${i}`, bell(`B-${i}`, new Date(0)));
    for (let i = 2; i < 500; i++) r.beat(`B-${i}`);
    await expect.poll(() => r.health.filter((h) => h.bell.id === 'B-499').length).toBeGreaterThan(0);
    expect(r.store.reads.all).toBe(1);
    expect(r.store.reads.byId.length).toBeLessThanOrEqual(2);
    expect(r.store.reads.byId.flat().length).toBe(498);
    await r.stop();
  });

  it('a bell never heard is settled offline at the first sweep after start, not at the next full read', async () => {
    const r = await rig(2);
    r.store.table.set('B-new', { ...bell('B-new', r.clock.now()), online: false, lastSeenAt: null });
    await r.stop();
    const again = new BellSupervisor({ directory: r.store.directory, bus: new AlarmBus({ logger: silentLogger, origin: 'p2' }), logger: silentLogger, now: r.clock.now, sweepMs: 3_600_000, reconcileEvery: 1_000 });
    await again.start();
    try {
      const changed = await again.sweep();
      expect(changed.map((b) => [b.id, b.trouble])).toEqual([['B-new', ['offline']]]);
      expect(await again.sweep()).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('a sweep asked for while another is reading waits for it: once it returns, every bell due by its time is judged', async () => {
    const r = await rig(2);
    const readById = r.store.directory.bellsById.bind(r.store.directory);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let slow = true;
    let reading!: () => void;
    const entered = new Promise<void>((resolve) => (reading = resolve));
    (r.store.directory as { bellsById: DirectoryStore['bellsById'] }).bellsById = async (ids) => {
      if (slow) {
        slow = false;
        reading();
        await held;
      }
      return readById(ids);
    };
    r.clock.advance(180_000); // B-0 is due; B-1, heard now, is not
    r.beat('B-1');
    const timer = r.supervisor.sweep(); // as the timer: takes B-0, and its read hangs
    await entered;
    r.clock.advance(1_000);
    setTimeout(release, 20);
    await r.supervisor.sweep(); // as a caller who needs the bells due by now judged
    // Judged by the sweep that took it, before this one returned, and in one batch (one maintenance message).
    expect(r.health.filter((h) => h.troubleChanged).map((h) => [h.bell.id, h.bell.trouble])).toEqual([['B-0', ['offline']]]);
    await timer;
    await r.stop();
  });
});

describe('a full read of the bells', () => {
  it('takes what administration changed from the store and keeps the health this process heard, unless another process heard the bell later', async () => {
    const r = await rig(3);
    r.clock.advance(10_000);
    r.beat('B-0');
    r.beat('B-1');
    const heardAt = r.clock.now();
    await r.supervisor.flush();
    // Then an administrator halves B-0's heartbeat interval and moves it to another counter; another process
    // heard B-1 later and stored it offline (its will); B-2's stored row says nothing new.
    Object.assign(r.store.table.get('B-0')!, { heartbeatSeconds: 30, counterId: 'c-2', battery: 10 });
    r.clock.advance(5_000);
    Object.assign(r.store.table.get('B-1')!, { lastSeenAt: r.clock.now(), online: false });
    expect(await r.supervisor.reconcile()).toEqual([expect.objectContaining({ id: 'B-1', online: false, trouble: ['offline'] })]);
    const view = (id: string) => r.supervisor.view(r.store.table.get(id)!);
    expect(view('B-0')).toMatchObject({ heartbeatSeconds: 30, counterId: 'c-2', battery: 90, lastSeenAt: heardAt, online: true });
    // The new interval holds: B-0 is offline three of its new intervals after it was heard, not three of the old.
    r.clock.advance(85_000 - 1); // to 90 s after it was heard, less 1 ms
    expect((await r.supervisor.sweep()).map((b) => b.id)).toEqual([]);
    r.clock.advance(1);
    expect((await r.supervisor.sweep()).map((b) => b.id)).toEqual(['B-0']);
    await r.stop();
  });
});
