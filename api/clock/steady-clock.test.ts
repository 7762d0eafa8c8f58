import { describe, expect, it } from 'vitest';
import { SteadyClock, type ClockSources } from './steady-clock.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A monotonic clock and a wall clock the test moves; the wall clock can be stepped, the monotonic one cannot. */
interface FakeSources {
  mono: number;
  wall: number;
  failing: boolean;
  elapse(ms: number): void;
  sources: ClockSources;
}

function fakeSources(opts: { roundTripMs?: number } = {}): FakeSources {
  const s: FakeSources = {
    mono: 1_000,
    wall: T0,
    failing: false,
    elapse(ms: number) {
      s.mono += ms;
      s.wall += ms;
    },
    sources: {
      monotonicMs: () => s.mono,
      referenceMs: async () => {
        if (s.failing) throw new Error('no answer');
        const at = s.wall + (opts.roundTripMs ?? 0) / 2;
        s.elapse(opts.roundTripMs ?? 0);
        return at;
      },
    },
  };
  return s;
}

async function started(s: FakeSources, jumps: number[] = [], skipped: unknown[] = []) {
  return SteadyClock.start(s.sources, 60_000, { fallbackMs: () => 0, onJump: (j) => jumps.push(j), onSkipped: (e) => skipped.push(e) });
}

/** A started clock whose reference has just been stepped by `stepMs` and sampled once. */
async function steppedBy(stepMs: number) {
  const s = fakeSources();
  const jumps: number[] = [];
  const clock = await started(s, jumps);
  s.wall += stepMs;
  await clock.sample();
  return { s, jumps, clock };
}

describe('SteadyClock: the monotonic clock, anchored to and slewed toward a reference', () => {
  it('is anchored to the reference at start and then runs with the monotonic clock', async () => {
    const s = fakeSources();
    const clock = await started(s);
    expect(clock.now().getTime()).toBe(T0);
    s.elapse(30_000);
    expect(clock.now().getTime()).toBe(T0 + 30_000);
    expect(clock.report()).toEqual({ state: 'ok', offsetMs: 0 });
    clock.stop();
  });

  it('does not follow the wall clock set forward an hour: 30 s later it is 30.3 s later, and it reports the jump once', async () => {
    const { s, jumps, clock } = await steppedBy(HOUR);
    expect(clock.now().getTime()).toBe(T0);
    expect(jumps).toEqual([HOUR]);
    expect(clock.report()).toEqual({ state: 'slewing', offsetMs: HOUR });
    s.elapse(30_000);
    expect(clock.now().getTime()).toBeCloseTo(T0 + 30_300, 6);
    await clock.sample();
    expect(jumps).toHaveLength(1);
    expect(clock.report().offsetMs).toBe(HOUR - 300);
    clock.stop();
  });

  it('does not stall when the wall clock is set back an hour: 30 s later it is 29.7 s later', async () => {
    const { s, jumps, clock } = await steppedBy(-HOUR);
    s.elapse(30_000);
    expect(clock.now().getTime()).toBeCloseTo(T0 + 29_700, 6);
    expect(jumps).toEqual([-HOUR]);
    expect(clock.report().state).toBe('slewing');
    clock.stop();
  });

  it('never runs backwards, read at any pace while it slews back', async () => {
    const { s, clock } = await steppedBy(-HOUR);
    let last = clock.now().getTime();
    for (const step of [0, 1, 7, 250, 1_000, 60_000]) {
      s.elapse(step);
      const t = clock.now().getTime();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    clock.stop();
  });

  it('closes a small offset within a few seconds, reporting ok, without calling it a jump', async () => {
    const { s, jumps, clock } = await steppedBy(300);
    expect(jumps).toEqual([]);
    expect(clock.report()).toEqual({ state: 'ok', offsetMs: 300 });
    s.elapse(3_000);
    expect(clock.now().getTime()).toBe(s.wall);
    expect(clock.report().offsetMs).toBe(0);
    clock.stop();
  });

  it('reports the jump back when the wall clock is put right again', async () => {
    const { s, jumps, clock } = await steppedBy(HOUR);
    s.elapse(10_000);
    s.wall -= HOUR;
    await clock.sample();
    expect(jumps).toEqual([HOUR, -HOUR]);
    expect(clock.report()).toEqual({ state: 'ok', offsetMs: -100 });
    clock.stop();
  });

  it('reads the reference halfway through the round trip, and skips a sample that failed or took too long', async () => {
    const s = fakeSources({ roundTripMs: 200 });
    const skipped: unknown[] = [];
    const clock = await started(s, [], skipped);
    expect(clock.now().getTime()).toBe(s.wall);
    s.failing = true;
    s.wall += HOUR;
    await clock.sample();
    expect(skipped).toHaveLength(1);
    expect(clock.report().offsetMs).toBe(0);
    clock.stop();
    const slow = fakeSources({ roundTripMs: 900 });
    const skippedSlow: unknown[] = [];
    const other = await started(slow, [], skippedSlow);
    expect(skippedSlow).toHaveLength(1);
    // On the fallback, run on by the monotonic clock through the burst's three slow reads.
    expect(other.now().getTime()).toBe(3 * 900);
    other.stop();
  });

  it('keeps the read with the shortest round trip of a burst: a read that waited for the scheduler does not move it', async () => {
    // The reference answers at once but the answer is heard late: read at the start of a long round trip.
    let mono = 1_000;
    let wall = T0;
    const delays = [240, 2, 90];
    const reads: number[] = [];
    const sources: ClockSources = {
      monotonicMs: () => mono,
      referenceMs: async () => {
        const at = wall;
        const delay = delays[reads.length % delays.length]!;
        reads.push(delay);
        mono += delay;
        wall += delay;
        return at;
      },
    };
    const clock = await SteadyClock.start(sources, 60_000, { fallbackMs: () => 0 });
    expect(reads).toEqual([240, 2, 90]);
    // Off by half the shortest round trip (1 ms), not by half the first (120 ms).
    expect(Math.abs(clock.now().getTime() - wall)).toBeLessThanOrEqual(1);
    await clock.sample();
    expect(Math.abs(clock.report().offsetMs)).toBeLessThanOrEqual(1);
    clock.stop();
  });
});

describe('SteadyClock after a restart', () => {
  it('starts no earlier than the last stored time, and slews back from there to a reference set back meanwhile', async () => {
    const s = fakeSources();
    const jumps: number[] = [];
    const lastStored = T0 + HOUR - 5_000;
    const clock = await SteadyClock.start(s.sources, 60_000, { notBeforeMs: lastStored, onJump: (j) => jumps.push(j) });
    expect(clock.now().getTime()).toBe(lastStored);
    expect(jumps).toEqual([T0 - lastStored]);
    expect(clock.report()).toEqual({ state: 'slewing', offsetMs: T0 - lastStored });
    s.elapse(10_000);
    expect(clock.now().getTime()).toBeCloseTo(lastStored + 9_900, 6);
    clock.stop();
  });

  it('ignores a last stored time in its past', async () => {
    const s = fakeSources();
    const clock = await SteadyClock.start(s.sources, 60_000, { notBeforeMs: T0 - 60_000 });
    expect(clock.now().getTime()).toBe(T0);
    expect(clock.report()).toEqual({ state: 'ok', offsetMs: 0 });
    clock.stop();
  });
});
