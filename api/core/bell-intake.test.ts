import { describe, expect, it } from 'vitest';
import { coreRig, settle } from '../../test/support/core-rig.ts';
import { LinkedBuses } from '../../test/support/core-fakes.ts';

const KEY = 'aa'.repeat(32);

describe('bell intake (fake store, fake clock)', () => {
  it('rings from memory at once, and tells the bell `received` only once the event is stored', async () => {
    const { store, core, told, bell, send, heard } = await coreRig();
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    send(1);
    await settle();
    expect(told.map((t) => [t.type, t.incident.stored])).toEqual([['incident.opened', false]]);
    expect(bell.acks).toEqual([]);
    expect(heard.map((s) => s.seq)).toEqual([1]);
    release();
    expect(await core.idle(1_000)).toBe(true);
    const id = told[0]!.incident.id;
    expect(bell.acks).toEqual([{ seq: 1, incident: id, state: 'received' }]);
    expect(told.map((t) => [t.type, t.incident.stored])).toEqual([['incident.opened', false], ['incident.opened', true]]);
    expect(store.incidents.get(id)?.openingSeq).toBe(1);
  });

  it('a retransmission is answered from memory once stored (silence while pending), never written again', async () => {
    const { store, core, bell, send } = await coreRig();
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    send(1);
    send(1);
    await settle();
    expect(bell.acks).toEqual([]);
    release();
    await core.idle(1_000);
    const writes = store.writeCalls;
    send(1);
    await settle();
    expect(bell.acks).toHaveLength(2);
    expect(bell.acks[1]).toEqual(bell.acks[0]);
    expect(store.writeCalls).toBe(writes);
    expect(store.storedSeqs('B-1')).toEqual(['0:1']);
  });

  it('a second press joins the open incident; once it is closed the next press opens a new one', async () => {
    const { core, bell, send, clock } = await coreRig();
    send(1);
    await core.idle(1_000);
    clock.advance(2_000);
    send(2);
    await core.idle(1_000);
    const first = bell.acks[0]!.incident!;
    expect(bell.acks[1]).toEqual({ seq: 2, incident: first, state: 'received' });
    await core.act(first, { type: 'acknowledge', by: 'guard' });
    await core.act(first, { type: 'close', by: 'guard', outcome: 'resolved', classification: [] });
    send(3);
    await core.idle(1_000);
    expect(bell.acks[2]!.incident).not.toBe(first);
    expect(core.openIncidentsInMemory().map((r) => r.id)).toEqual([bell.acks[2]!.incident]);
  });

  it('a bell with the confirmation rule opens unconfirmed; a second press within the window confirms it', async () => {
    const { core, store, send, clock, told } = await coreRig({ bell: { confirm: { within: 10 } } });
    send(1);
    await core.idle(1_000);
    const id = told[0]!.incident.id;
    expect(store.incidents.get(id)?.unconfirmed).toBe(true);
    clock.advance(4_000);
    send(2);
    await core.idle(1_000);
    expect(store.incidents.get(id)?.unconfirmed).toBe(false);
    expect(store.timeline.filter((e) => e.incidentId === id).map((e) => e.kind)).toEqual(['press', 'awaiting_confirmation', 're_press', 'confirmed']);
    expect(store.timeline.at(-1)?.data).toMatchObject({ by: 'second_press', seq: 2, afterMs: 4_000 });
    expect(told.at(-1)).toMatchObject({ type: 'incident.changed', escalation: true, incident: { unconfirmed: false } });
  });

  it('a keyed bell\'s old seq that was never received is refused as a replay each time, never stored or answered', async () => {
    const { store, core, bell, send } = await coreRig({ bell: { keyHex: KEY } });
    send(50);
    await core.idle(1_000);
    send(40);
    send(40);
    await settle();
    expect(bell.rejected.map((r) => [r.reason, r.bellId])).toEqual([['replay', 'B-1'], ['replay', 'B-1']]);
    expect(bell.acks.map((a) => a.seq)).toEqual([50]);
    expect(store.storedSeqs('B-1')).toEqual(['0:50']);
  });

  it('unanswered presses arriving out of order (6, then 5) are both stored once, in the current run; the last stays 6', async () => {
    for (const bell of [{ keyHex: KEY }, { ownCredential: true }, {}]) {
      const { store, core, bell: b, send, clock } = await coreRig({ bell });
      const pressedAt = (msAgo: number) => new Date(clock.now().getTime() - msAgo).toISOString();
      send(6, { at: pressedAt(4_000) });
      await core.idle(1_000);
      send(5, { at: pressedAt(6_000) });
      await settle();
      await core.idle(1_000);
      send(5, { at: pressedAt(6_000) });
      send(7, { at: pressedAt(0) });
      await settle();
      await core.idle(1_000);
      expect(b.rejected, JSON.stringify(bell)).toEqual([]);
      expect(store.storedSeqs('B-1').sort()).toEqual(['0:5', '0:6', '0:7']);
      expect(b.acks.map((a) => a.seq)).toEqual([6, 5, 5, 7]);
      expect(new Set(b.acks.map((a) => a.incident)).size).toBe(1);
      expect((await store.sequenceStates()).get('B-1')).toEqual({ epoch: 0, last: { boot: 0, seq: 7 } });
    }
  });

  it('a late copy of a cancel pressed before a later press never cancels it: kept as a note', async () => {
    const { store, core, bell, send, clock } = await coreRig();
    const pressedAt = (msAgo: number) => new Date(clock.now().getTime() - msAgo).toISOString();
    send(6, { at: pressedAt(2_000) });
    await core.idle(1_000);
    send(5, { type: 'cancel', at: pressedAt(3_000) });
    await settle();
    await core.idle(1_000);
    const id = bell.acks[0]!.incident!;
    expect(bell.acks[1]).toEqual({ seq: 5, incident: id, state: 'received' });
    expect(store.incidents.get(id)?.status).toBe('triggered');
    expect(store.timeline.filter((e) => e.incidentId === id).map((e) => e.kind)).toEqual(['press', 'cancel_pressed_late']);
  });

  it('an old seq stored before this memory (a restart, another process) is answered from the database', async () => {
    const first = await coreRig();
    first.send(7);
    await first.core.idle(1_000);
    first.core.stop();
    const second = await coreRig({ store: first.store, name: 'p2' });
    second.send(9);
    await second.core.idle(1_000);
    second.send(7);
    await settle();
    expect(second.bell.acks.map((a) => [a.seq, a.incident])).toEqual([[9, first.bell.acks[0]!.incident], [7, first.bell.acks[0]!.incident]]);
    expect(second.bell.rejected).toEqual([]);
  });

  it('a retransmission another process stored first is answered with that incident, never the one shown from memory', async () => {
    const a = await coreRig({ name: 'a' });
    const b = await coreRig({ store: a.store, name: 'b' });
    a.send(1);
    await a.core.idle(1_000);
    const stored = a.bell.acks[0]!.incident!;
    // The bell heard nothing in time and sent again: to b, which rings it from memory under an id of its own.
    let release!: () => void;
    a.store.readGate = new Promise((resolve) => (release = resolve));
    b.send(1);
    await settle();
    expect(b.told.map((t) => t.incident.id)).not.toContain(stored);
    // The database said "stored before" and b reads that incident (slowly); another copy arrives meanwhile.
    b.send(1);
    await settle();
    expect(b.bell.acks).toEqual([]);
    release();
    await b.core.idle(1_000);
    await settle();
    b.send(1);
    await settle();
    expect(b.bell.acks).toEqual([{ seq: 1, incident: stored, state: 'received' }, { seq: 1, incident: stored, state: 'received' }]);
  });

  it('a store failure is retried until it holds; the bell is answered once, after', async () => {
    const { store, core, bell, send, metrics } = await coreRig();
    store.failingWrites = 3;
    send(1);
    expect(await core.idle(2_000)).toBe(true);
    expect(bell.acks).toHaveLength(1);
    expect(store.writeCalls).toBe(4);
    expect((await metrics.storeFailures.get()).values[0]?.value).toBe(3);
    expect(store.storedSeqs('B-1')).toEqual(['0:1']);
  });
});

describe('sequence memory kept true by the bus', () => {
  it('a reset on one process makes the other accept the bell\'s next event', async () => {
    const link = new LinkedBuses();
    const a = await coreRig({ bell: { keyHex: KEY }, bus: link.bus('a'), name: 'a' });
    for (let seq = 1; seq <= 10; seq++) a.send(seq);
    await a.core.idle(1_000);
    // The other process reads the same database at start: it knows seq 10.
    const b = await coreRig({ bell: { keyHex: KEY }, bus: link.bus('b'), store: a.store, name: 'b' });
    // The bell was replaced by one that counts from 1 again (no boot): an administrator resets it, served by a.
    const epoch = await a.core.resetSequence('B-1');
    await settle();
    b.send(1);
    await settle(); // the forgotten bell is read again before its event is queued
    await b.core.idle(1_000);
    expect(b.bell.rejected).toEqual([]);
    expect(a.store.storedSeqs('B-1')).toContain(`${epoch}:1`);
    expect(b.bell.acks).toEqual([{ seq: 1, incident: expect.any(String), state: 'received' }]);
    // The press after it is next in the new run, on either process.
    b.send(2);
    await b.core.idle(1_000);
    expect(a.store.storedSeqs('B-1')).toContain(`${epoch}:2`);
  });

  it('after the bus may have missed events (a resync), a reset served elsewhere is read again', async () => {
    // Two processes whose buses do not reach each other: b hears nothing of a's reset until it resyncs.
    const a = await coreRig({ bell: { keyHex: KEY }, name: 'a' });
    a.send(10);
    await a.core.idle(1_000);
    const b = await coreRig({ bell: { keyHex: KEY }, store: a.store, name: 'b' });
    const epoch = await a.core.resetSequence('B-1');
    b.send(1);
    await settle();
    expect(b.bell.rejected.map((r) => r.reason)).toEqual(['replay']);
    await b.core.resync();
    b.send(1);
    await settle();
    await b.core.idle(1_000);
    expect(a.store.storedSeqs('B-1')).toContain(`${epoch}:1`);
  });

  it('a bell forgotten while the database is away is heard under the announced epoch', async () => {
    const link = new LinkedBuses();
    const a = await coreRig({ bell: { keyHex: KEY }, bus: link.bus('a'), name: 'a' });
    a.send(10);
    await a.core.idle(1_000);
    const b = await coreRig({ bell: { keyHex: KEY }, bus: link.bus('b'), store: a.store, name: 'b' });
    const epoch = await a.core.resetSequence('B-1');
    await settle();
    a.store.sequenceStates = () => Promise.reject(new Error('database away'));
    b.send(1);
    await settle(); // the forgotten bell is read again before its event is queued
    await b.core.idle(1_000);
    expect(a.store.storedSeqs('B-1')).toContain(`${epoch}:1`);
  });
});

describe('a new incident rings on every process from memory', () => {
  it('the other processes hear it before its write, unstored, then stored under the same id; their memory waits for the stored one', async () => {
    const link = new LinkedBuses();
    const a = await coreRig({ bus: link.bus('a'), name: 'a' });
    const other = await coreRig({ bus: link.bus('b'), store: a.store, name: 'b' });
    let release!: () => void;
    a.store.gate = new Promise((resolve) => (release = resolve));
    a.send(1);
    await settle();
    const remote = () => other.told.filter((t) => !t.local).map((t) => [t.type, t.incident.id, t.incident.stored]);
    const id = a.told[0]!.incident.id;
    expect(remote()).toEqual([['incident.opened', id, false]]);
    expect(other.core.openIncidentsInMemory()).toEqual([]);
    release();
    await a.core.idle(1_000);
    await settle();
    expect(remote()).toEqual([['incident.opened', id, false], ['incident.opened', id, true]]);
    expect(other.core.openIncidentsInMemory().map((r) => r.id)).toEqual([id]);
  });

  it('one the database joined to another process\'s incident is withdrawn on every process', async () => {
    const link = new LinkedBuses();
    const a = await coreRig({ bus: link.bus('a'), name: 'a' });
    const watcher = await coreRig({ bus: link.bus('w'), store: a.store, name: 'w' });
    // b shares the database but a hears nothing of it (its bus reaches no one): a's memory does not know b's incident.
    const b = await coreRig({ store: a.store, name: 'b' });
    b.send(1);
    await b.core.idle(1_000);
    const stored = b.bell.acks[0]!.incident!;
    a.clock.advance(2_000);
    a.send(2);
    await a.core.idle(1_000);
    await settle();
    expect(a.bell.acks).toEqual([{ seq: 2, incident: stored, state: 'received' }]);
    const provisional = a.told.find((t) => t.type === 'incident.opened' && !t.incident.stored)!.incident.id;
    expect(provisional).not.toBe(stored);
    const remote = watcher.told.filter((t) => !t.local).map((t) => [t.type, t.incident.id, t.incident.status, t.incident.stored]);
    expect(remote).toEqual([
      ['incident.opened', provisional, 'triggered', false],
      ['incident.closed', provisional, 'cancelled', false],
      ['incident.opened', stored, expect.any(String), true],
    ]);
    expect(watcher.core.openIncidentsInMemory().map((r) => r.id)).toEqual([stored]);
  });
});
