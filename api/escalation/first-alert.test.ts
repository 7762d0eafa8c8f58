import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { FirstAlertPlan } from '../core/alarm-core.ts';
import type { IncidentRecord } from '../store/index.ts';
import type { Outbox } from './outbox.ts';
import type { RosterCache } from './roster-cache.ts';
import type { Places } from '../core/places.ts';
import { FirstAlert } from './first-alert.ts';

/** What the outbox was asked to send, and whether each row was then known as stored. */
function rig(monotonic?: () => number) {
  const sent: { id: string; stored: Promise<boolean> }[] = [];
  const outbox = { sendBeforeStored: (row: { id: string }, _i: unknown, _e: unknown, stored: Promise<boolean>) => sent.push({ id: row.id, stored }) } as unknown as Outbox;
  const first = new FirstAlert({
    places: {} as Places, roster: { people: [] } as unknown as RosterCache, outbox, logger: pino({ level: 'silent' }), fromMemoryAfterMs: 500,
    ...(monotonic ? { monotonic } : {}),
  });
  const plan = { rows: { steps: [], notifications: [{ id: 'n1', status: 'sending' }, { id: 'n2', status: 'sending' }] }, entries: [] } as unknown as FirstAlertPlan;
  return { first, plan, sent, record: { id: 'inc_1' } as IncidentRecord };
}

describe('the first alert waits a moment for its rows, then goes from memory', () => {
  afterEach(() => vi.useRealTimers());

  it('with a database that answers, only the rows stored here are sent: a press another process stored first is not texted twice', async () => {
    vi.useFakeTimers();
    const r = rig();
    r.first.send(r.record, r.plan, Promise.resolve(new Set<string>()));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.sent).toEqual([]);
    const s = rig();
    s.first.send(s.record, s.plan, Promise.resolve(new Set(['n1', 'n2'])));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.sent.map((x) => x.id)).toEqual(['n1', 'n2']);
    expect(await s.sent[0]!.stored).toBe(true);
  });

  it('with a database that has not answered after half a second, every row goes from memory and learns later whether it was stored', async () => {
    vi.useFakeTimers();
    const r = rig();
    let store!: (ids: Set<string>) => void;
    r.first.send(r.record, r.plan, new Promise((resolve) => (store = resolve)));
    await vi.advanceTimersByTimeAsync(499);
    expect(r.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2']);
    store(new Set(['n1']));
    expect(await Promise.all(r.sent.map((x) => x.stored))).toEqual([true, false]);
  });

  it('a process stopped while it waited (SIGSTOP) gives the write a moment after it resumes: a press the other process took is not texted again', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const r = rig(() => clock);
    let store!: (ids: Set<string>) => void;
    r.first.send(r.record, r.plan, new Promise((resolve) => (store = resolve)));
    clock += 20_000; // stopped for 20 s: the timer fires at once on resume
    await vi.advanceTimersByTimeAsync(500);
    expect(r.sent).toEqual([]);
    store(new Set()); // the write's answer, waiting behind the timer: the other process stored it first
    await vi.advanceTimersByTimeAsync(1_000);
    expect(r.sent).toEqual([]);
    r.first.stop();
  });

  it('presses read just after the process stood still wait longer for the store: the other process most likely texted them', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const r = rig(() => clock);
    const pending = () => new Promise<Set<string>>(() => undefined);
    r.first.send(r.record, r.plan, pending());
    await vi.advanceTimersByTimeAsync(500);
    clock += 500;
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2']);

    // Stopped 20 s: the presses it held in its socket are read before its timers run again.
    clock += 20_000;
    r.first.send(r.record, { ...r.plan, rows: { steps: [], notifications: [{ id: 'n3', status: 'sending' }] } } as unknown as FirstAlertPlan, pending());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2']);
    // The store stays silent (away after the thaw): memory sends it all the same.
    await vi.advanceTimersByTimeAsync(1);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2', 'n3']);

    // The store answers: only what it stored here is sent, at once.
    r.first.send(r.record, { ...r.plan, rows: { steps: [], notifications: [{ id: 'n4', status: 'sending' }] } } as unknown as FirstAlertPlan, Promise.resolve(new Set<string>()));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2', 'n3']);
    r.first.stop();
  });

  it('the stall is seen as well when the process runs its timers before it reads the presses it held', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const r = rig(() => clock);
    r.first.send(r.record, r.plan, Promise.resolve(new Set(['n1', 'n2'])));
    await vi.advanceTimersByTimeAsync(250);
    clock += 20_000;
    await vi.advanceTimersByTimeAsync(250); // the beat runs first after the resume
    r.first.send(r.record, { ...r.plan, rows: { steps: [], notifications: [{ id: 'n3', status: 'sending' }] } } as unknown as FirstAlertPlan, new Promise(() => undefined));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2']);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.sent.map((x) => x.id)).toEqual(['n1', 'n2', 'n3']);
    r.first.stop();
  });
});
