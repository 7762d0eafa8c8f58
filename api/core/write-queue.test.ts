import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { WriteQueue } from './write-queue.ts';
import { countTurns } from '../../test/support/event-loop.ts';

const logger = pino({ level: 'silent' });

describe('the write queue', () => {
  it('writes in arrival order, in batches, and runs each after-step once', async () => {
    const batches: number[][] = [];
    const done: number[] = [];
    const q = new WriteQueue<number, string>(logger, async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return { results: items.map((i) => `ok ${i}`) };
    }, { failed: () => undefined, size: () => undefined }, { maxBatch: 3, initialMs: 5, maxMs: 20 });
    for (let i = 1; i <= 7; i++) q.push({ item: i, after: (r) => done.push(Number(r.slice(3))) });
    expect(await q.idle(2_000)).toBe(true);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
  });

  it('keeps what was written before a failure, and writes the rest again (never the same item twice)', async () => {
    const stored: number[] = [];
    const failures: unknown[] = [];
    let failOnce = true;
    const q = new WriteQueue<number, number>(logger, async (items) => {
      const results: number[] = [];
      for (const i of items) {
        if (i === 3 && failOnce) {
          failOnce = false;
          return { results, error: new Error('database away') };
        }
        stored.push(i);
        results.push(i);
      }
      return { results };
    }, { failed: (e) => failures.push(e), size: () => undefined }, { maxBatch: 10, initialMs: 5, maxMs: 20 });
    const after: number[] = [];
    for (let i = 1; i <= 5; i++) q.push({ item: i, after: (r) => after.push(r) });
    expect(await q.idle(2_000)).toBe(true);
    expect(stored).toEqual([1, 2, 3, 4, 5]);
    expect(after).toEqual([1, 2, 3, 4, 5]);
    expect(failures).toHaveLength(1);
  });

  it('retries a batch whose store call throws, with backoff, until it succeeds', async () => {
    let calls = 0;
    const q = new WriteQueue<string, string>(logger, async (items) => {
      calls++;
      if (calls < 3) throw new Error('connection refused');
      return { results: items };
    }, { failed: () => undefined, size: () => undefined }, { maxBatch: 10, initialMs: 5, maxMs: 10 });
    const after: string[] = [];
    q.push({ item: 'press', after: (r) => after.push(r) });
    expect(await q.idle(2_000)).toBe(true);
    expect(calls).toBe(3);
    expect(after).toEqual(['press']);
  });

  it('sets aside an item the store refuses for what it holds once the items after it are written without it', async () => {
    const refused = new Error('null value in column "type"');
    const aside: unknown[] = [];
    const q = new WriteQueue<number, number>(logger, async (items) => {
      const results: number[] = [];
      for (const i of items) {
        if (i === 2) return { results, error: refused };
        results.push(i);
      }
      return { results };
    }, { failed: () => undefined, size: () => undefined, refusedItem: (e) => e === refused }, { maxBatch: 10, initialMs: 5, maxMs: 20 });
    const after: number[] = [];
    for (let i = 1; i <= 4; i++) q.push({ item: i, after: (r) => after.push(r), setAside: (reason) => aside.push([i, reason]) });
    expect(await q.idle(2_000)).toBe(true);
    expect(after).toEqual([1, 3, 4]);
    expect(aside).toEqual([[2, refused]]);
  });

  it('sets nothing aside while the items after a refused one fail too (the database, not the item): all wait', async () => {
    const refused = new Error('relation "bell_events" does not exist');
    let broken = true;
    const q = new WriteQueue<number, number>(logger, async (items) => (broken ? { results: [], error: refused } : { results: items }),
      { failed: () => undefined, size: () => undefined, refusedItem: (e) => e === refused }, { maxBatch: 10, initialMs: 5, maxMs: 10 });
    const after: number[] = [];
    const aside: number[] = [];
    for (let i = 1; i <= 3; i++) q.push({ item: i, after: (r) => after.push(r), setAside: () => aside.push(i) });
    expect(await q.idle(100)).toBe(false);
    broken = false;
    expect(await q.idle(2_000)).toBe(true);
    expect(after).toEqual([1, 2, 3]);
    expect(aside).toEqual([]);
  });

  it('runs a large batch\'s after-steps without giving every one its own event-loop turn', async () => {
    const q = new WriteQueue<number, number>(logger, async (items) => ({ results: items }), { failed: () => undefined, size: () => undefined });
    const loop = countTurns();
    const done: number[] = [];
    let turnsDuringAfter = 0;
    let firstAt = -1;
    for (let i = 0; i < 500; i++) {
      q.push({
        item: i,
        after: (r) => {
          if (done.length === 0) firstAt = loop.turns;
          done.push(r);
          if (done.length === 500) turnsDuringAfter = loop.turns - firstAt;
        },
      });
    }
    expect(await q.idle(2_000)).toBe(true);
    loop.stop();
    expect(done).toEqual(Array.from({ length: 500 }, (_, i) => i));
    // One turn per step would be about 500; trivial steps fit in a slice or a few.
    expect(turnsDuringAfter).toBeLessThan(50);
  });

  it('still gives the event loop a turn while long after-steps run, so a press that arrives meanwhile rings', async () => {
    const q = new WriteQueue<number, number>(logger, async (items) => ({ results: items }), { failed: () => undefined, size: () => undefined }, { afterSliceMs: 5 });
    const loop = countTurns();
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until) { /* an after-step that takes 1 ms */ }
    };
    let firstAt = -1;
    let lastAt = -1;
    for (let i = 0; i < 100; i++) {
      q.push({ item: i, after: () => {
        if (firstAt < 0) firstAt = loop.turns;
        busy(1);
        lastAt = loop.turns;
      } });
    }
    expect(await q.idle(5_000)).toBe(true);
    loop.stop();
    // 100 ms of steps in slices of 5 ms: other work ran about every 5 ms, not once at the end.
    expect(lastAt - firstAt).toBeGreaterThanOrEqual(10);
  });
});
