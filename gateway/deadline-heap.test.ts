import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap.ts';

/** A fake clock: the test moves time, the heap only compares the numbers it is given. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('deadline heap', () => {
  it('gives the due keys in deadline order, and none before their time', () => {
    const clock = fakeClock();
    const h = new DeadlineHeap<string>();
    h.set('c', clock.now() + 300);
    h.set('a', clock.now() + 100);
    h.set('b', clock.now() + 200);
    expect(h.popDue(clock.now() + 99)).toEqual([]);
    clock.advance(200);
    expect(h.popDue(clock.now())).toEqual(['a', 'b']);
    expect(h.size).toBe(1);
    clock.advance(100);
    expect(h.popDue(clock.now())).toEqual(['c']);
    expect(h.peek()).toBeUndefined();
  });

  it('a moved deadline replaces the old one (a heartbeat pushes the bell\'s deadline later)', () => {
    const clock = fakeClock();
    const h = new DeadlineHeap<string>();
    h.set('a', clock.now() + 100);
    h.set('b', clock.now() + 150);
    h.set('a', clock.now() + 400);
    expect(h.get('a')).toBe(clock.now() + 400);
    expect(h.peek()).toEqual({ key: 'b', at: clock.now() + 150 });
    clock.advance(200);
    expect(h.popDue(clock.now())).toEqual(['b']);
    h.set('a', clock.now() - 1); // moved earlier: due at once
    expect(h.popDue(clock.now())).toEqual(['a']);
  });

  it('a deleted key is never due', () => {
    const h = new DeadlineHeap<number>();
    for (let i = 0; i < 10; i++) h.set(i, i);
    expect(h.delete(3)).toBe(true);
    expect(h.delete(3)).toBe(false);
    expect(h.popDue(9)).toEqual([0, 1, 2, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps the heap order through many random moves and deletes', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const h = new DeadlineHeap<number>();
    const want = new Map<number, number>();
    for (let n = 0; n < 5_000; n++) {
      const key = Math.floor(rnd() * 500);
      if (rnd() < 0.2) {
        h.delete(key);
        want.delete(key);
      } else {
        const at = Math.floor(rnd() * 10_000);
        h.set(key, at);
        want.set(key, at);
      }
    }
    const due = h.popDue(5_000);
    const expected = [...want].filter(([, at]) => at <= 5_000).sort((a, b) => a[1] - b[1]).map(([k]) => k);
    expect(due.map((k) => want.get(k))).toEqual(expected.map((k) => want.get(k)));
    expect(new Set(due)).toEqual(new Set(expected));
    expect(h.size).toBe(want.size - expected.length);
  });

  it('moves later, earlier, deletes and pops at rising times agree with a plain map (heartbeats moving deadlines later)', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const clock = fakeClock(0);
    const h = new DeadlineHeap<number>();
    const want = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(rnd() * 300);
      const r = rnd();
      if (r < 0.7) {
        const at = clock.now() + 500 + Math.floor(rnd() * 1_500); // a heartbeat: mostly later than before
        h.set(key, at);
        want.set(key, at);
      } else if (r < 0.8) {
        const at = clock.now() + Math.floor(rnd() * 100); // a change that is due soon
        h.set(key, at);
        want.set(key, at);
      } else if (r < 0.85) {
        h.delete(key);
        want.delete(key);
      } else {
        clock.advance(Math.floor(rnd() * 50));
        const due = h.popDue(clock.now());
        const expected = [...want].filter(([, at]) => at <= clock.now());
        expect(new Set(due)).toEqual(new Set(expected.map(([k]) => k)));
        // Earliest first.
        expect(due.map((k) => want.get(k)!)).toEqual([...due.map((k) => want.get(k)!)].sort((a, b) => a - b));
        for (const k of due) want.delete(k);
        const first = h.peek();
        const min = Math.min(...want.values());
        expect(first?.at ?? Infinity).toBe(want.size ? min : Infinity);
      }
      if (want.has(key)) expect(h.get(key)).toBe(want.get(key));
      else expect(h.get(key)).toBeUndefined();
      expect(h.size).toBe(want.size);
    }
  });
});
