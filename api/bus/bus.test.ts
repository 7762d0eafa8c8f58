import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { AlarmBus, type BusTransport } from './bus.ts';
import type { BusEventType, Delivered } from './events.ts';

/** A transport that records what it was asked to send and lets the test deliver envelopes. */
class FakeTransport implements BusTransport {
  sent: { type: BusEventType; version: number; origin: string; data: unknown }[] = [];
  deliver: (e: Delivered) => void = () => undefined;
  state: 'ok' | 'catching_up' | 'down' = 'ok';
  async start(deliver: (e: Delivered) => void): Promise<void> {
    this.deliver = deliver;
  }
  publish(type: BusEventType, version: number, origin: string, data: unknown): void {
    this.sent.push({ type, version, origin, data });
  }
  async stop(): Promise<void> {}
}

const logger = pino({ level: 'silent' });

async function busWithFake() {
  const transport = new FakeTransport();
  const counts = { malformed: [] as string[], unknown: [] as string[] };
  const bus = new AlarmBus({ logger, origin: 'me', transport, counters: { malformed: (r) => counts.malformed.push(r), unknown: (t) => counts.unknown.push(t) } });
  await bus.start();
  return { bus, transport, counts };
}

async function busWithLane() {
  const transport = new FakeTransport();
  const ringLane = new FakeTransport();
  const bus = new AlarmBus({ logger, origin: 'me', transport, ringLane });
  await bus.start();
  const heard: string[] = [];
  for (const type of ['incident.opened', 'incident.changed', 'incident.closed'] as const) {
    bus.on(type, (e, meta) => void heard.push(`${type} ${e.incident.id} ${(e.incident as { stored?: boolean }).stored ? 'stored' : 'memory'} seq=${meta.seq}`));
  }
  return { bus, transport, ringLane, heard };
}

const view = (id: string, stored: boolean, status = 'open') => ({ incident: { id, siteId: 's', status, mode: 'real', stored, revision: 1 }, raisedBy: null });

describe('the alarm bus', () => {
  it('a ring from memory takes the ring lane as well as the transport; nothing else does', async () => {
    const { bus, transport, ringLane } = await busWithLane();
    bus.emit('incident.opened', view('i1', false) as never, { scope: 'cluster', ring: true });
    bus.emit('incident.opened', view('i1', true) as never, { scope: 'cluster' });
    bus.emit('incident.opened', view('i2', false) as never, { scope: 'process', ring: true });
    expect(ringLane.sent.map((x) => (x.data as { incident: { id: string } }).incident.id)).toEqual(['i1']);
    expect(transport.sent).toHaveLength(2);
  });

  it('a ring that took both lanes is delivered once, whichever copy comes first', async () => {
    const { transport, ringLane, heard } = await busWithLane();
    ringLane.deliver({ s: null, t: 'incident.opened', v: 1, o: 'other', d: view('a', false) });
    transport.deliver({ s: 1, t: 'incident.opened', v: 1, o: 'other', d: view('a', false) });
    transport.deliver({ s: 2, t: 'incident.opened', v: 1, o: 'other', d: view('b', false) });
    ringLane.deliver({ s: null, t: 'incident.opened', v: 1, o: 'other', d: view('b', false) });
    expect(heard).toEqual(['incident.opened a memory seq=null', 'incident.opened b memory seq=2']);
  });

  it('a ring arriving after its incident\'s stored news or withdrawal is not shown again', async () => {
    const { transport, ringLane, heard } = await busWithLane();
    transport.deliver({ s: 1, t: 'incident.opened', v: 1, o: 'other', d: view('a', true) });
    ringLane.deliver({ s: null, t: 'incident.opened', v: 1, o: 'other', d: view('a', false) });
    transport.deliver({ s: 2, t: 'incident.closed', v: 1, o: 'other', d: view('b', false, 'cancelled') });
    ringLane.deliver({ s: null, t: 'incident.opened', v: 1, o: 'other', d: view('b', false) });
    // Stored news and changes always pass, even of an incident heard of before.
    transport.deliver({ s: 3, t: 'incident.changed', v: 1, o: 'other', d: view('a', true) });
    expect(heard).toEqual(['incident.opened a stored seq=1', 'incident.closed b memory seq=2', 'incident.changed a stored seq=3']);
  });

  it('delivers in this process at once and sends to the others, by scope', async () => {
    const { bus, transport } = await busWithFake();
    const heard: string[] = [];
    bus.on('drill.changed', (e, meta) => void heard.push(`${e.drillId} local=${meta.local}`));
    bus.emit('drill.changed', { drillId: 'a', siteId: null });
    bus.emit('drill.changed', { drillId: 'b', siteId: null }, { scope: 'process' });
    bus.emit('drill.changed', { drillId: 'c', siteId: null }, { scope: 'others' });
    expect(heard).toEqual(['a local=true', 'b local=true']);
    expect(transport.sent.map((s) => (s.data as { drillId: string }).drillId)).toEqual(['a', 'c']);
    expect(transport.sent[0]).toMatchObject({ type: 'drill.changed', version: 1, origin: 'me' });
  });

  it('delivers other processes\' events, skips its own echo', async () => {
    const { bus, transport } = await busWithFake();
    const heard: { drillId: string; local: boolean; seq: number | null }[] = [];
    bus.on('drill.changed', (e, meta) => void heard.push({ drillId: e.drillId, ...meta }));
    transport.deliver({ s: 7, t: 'drill.changed', v: 1, o: 'other', d: { drillId: 'x', siteId: 's' } });
    transport.deliver({ s: 8, t: 'drill.changed', v: 1, o: 'me', d: { drillId: 'mine', siteId: 's' } });
    expect(heard).toEqual([{ drillId: 'x', local: false, seq: 7 }]);
  });

  it('an unknown type or a newer version is logged and the truth is read again; malformed data is counted and dropped', async () => {
    const { bus, transport, counts } = await busWithFake();
    let resyncs = 0;
    bus.onResync(() => void resyncs++);
    const heard: unknown[] = [];
    bus.on('drill.changed', (e) => void heard.push(e));
    transport.deliver({ s: 1, t: 'incident.merged', v: 1, o: 'new-version', d: {} });
    await bus.resync('settle');
    transport.deliver({ s: 2, t: 'drill.changed', v: 2, o: 'new-version', d: { drillId: 'x', siteId: null, more: true } });
    await bus.resync('settle');
    transport.deliver({ s: 3, t: 'drill.changed', v: 1, o: 'old', d: { drill: 'no id' } });
    expect(counts.unknown).toEqual(['incident.merged', 'drill.changed']);
    expect(counts.malformed).toEqual(['data']);
    expect(heard).toEqual([]);
    expect(resyncs).toBeGreaterThanOrEqual(2);
  });

  it('a failing handler does not stop the others nor the emitter', async () => {
    const { bus } = await busWithFake();
    const heard: string[] = [];
    bus.on('directory.changed', () => {
      throw new Error('broken cache');
    });
    bus.on('directory.changed', async () => {
      throw new Error('broken async cache');
    });
    bus.on('directory.changed', (e) => void heard.push(e.reason));
    expect(() => bus.emit('directory.changed', { reason: 'test' })).not.toThrow();
    expect(heard).toEqual(['test']);
  });

  it('emitAndSettle waits for this process\'s handlers before telling the others', async () => {
    const { bus, transport } = await busWithFake();
    const order: string[] = [];
    bus.on('directory.changed', async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('reloaded');
    });
    const done = bus.emitAndSettle('directory.changed', { reason: 'drill bell' }).then(() => order.push(`sent ${transport.sent.length}`));
    expect(transport.sent).toHaveLength(0);
    await done;
    expect(order).toEqual(['reloaded', 'sent 1']);
  });

  it('without a transport (PGlite, one process) every event stays in the process and the bus is ok', async () => {
    const bus = new AlarmBus({ logger, origin: 'solo' });
    await bus.start();
    const heard: string[] = [];
    bus.on('session.ended', (e) => void heard.push(e.reason));
    bus.emit('session.ended', { personId: 'p', reason: 'logout' });
    expect(heard).toEqual(['logout']);
    expect(bus.state).toBe('ok');
  });
});
