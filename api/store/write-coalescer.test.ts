import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteCoalescer } from './write-coalescer.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('WriteCoalescer', () => {
  it('writes a lone item at once, and those arriving meanwhile together in the next write, in order', async () => {
    const calls: { items: number[]; done: ReturnType<typeof deferred<void>> }[] = [];
    const c = new WriteCoalescer<number, string>(async (items) => {
      const done = deferred<void>();
      calls.push({ items, done });
      await done.promise;
      return items.map((i) => `w${i}`);
    });
    const first = c.add(1);
    expect(calls.map((x) => x.items)).toEqual([[1]]);
    const rest = [c.add(2), c.add(3), c.add(4)];
    expect(calls).toHaveLength(1);
    calls[0]!.done.resolve();
    expect(await first).toBe('w1');
    await new Promise((r) => setImmediate(r));
    expect(calls.map((x) => x.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.done.resolve();
    expect(await Promise.all(rest)).toEqual(['w2', 'w3', 'w4']);
  });

  it('keeps batches within maxBatch and runs up to `parallel` of them side by side', async () => {
    const batches: number[][] = [];
    const gate = deferred<void>();
    const c = new WriteCoalescer<number, number>(async (items) => {
      batches.push(items);
      await gate.promise;
      return items;
    }, { maxBatch: 2, parallel: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((i) => c.add(i));
    expect(batches).toEqual([[1], [2]]);
    gate.resolve();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
  });

  it('rejects every item of a failed batch with its error and goes on with the next', async () => {
    let fail = true;
    const gate = deferred<void>();
    const c = new WriteCoalescer<number, number>(async (items) => {
      await gate.promise;
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      return items;
    });
    const a = c.add(1);
    const b = c.add(2);
    gate.resolve();
    await expect(a).rejects.toThrow('database away');
    expect(await b).toBe(2);
  });

  it('rejects a batch whose write answered the wrong number of results', async () => {
    const c = new WriteCoalescer<number, number>(async () => []);
    await expect(c.add(1)).rejects.toThrow('0 results for 1 items');
  });

  describe('with gatherMs', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a lone item waits gatherMs for others, then they go in one write', async () => {
      vi.useFakeTimers();
      const batches: number[][] = [];
      const c = new WriteCoalescer<number, number>(async (items) => {
        batches.push(items);
        return items;
      }, { maxBatch: 10, parallel: 1, gatherMs: 25 });
      const first = c.add(1);
      await vi.advanceTimersByTimeAsync(24);
      expect(batches).toEqual([]);
      const second = c.add(2);
      await vi.advanceTimersByTimeAsync(1);
      expect(batches).toEqual([[1, 2]]);
      expect(await Promise.all([first, second])).toEqual([1, 2]);
    });

    it('a full batch goes at once, and items that came during a write go right after it, without waiting again', async () => {
      vi.useFakeTimers();
      const batches: number[][] = [];
      const gate = deferred<void>();
      const c = new WriteCoalescer<number, number>(async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate.promise;
        return items;
      }, { maxBatch: 3, parallel: 1, gatherMs: 25 });
      const all = [1, 2, 3].map((i) => c.add(i));
      expect(batches).toEqual([[1, 2, 3]]);
      all.push(c.add(4), c.add(5));
      gate.resolve();
      await vi.advanceTimersByTimeAsync(0);
      expect(batches).toEqual([[1, 2, 3], [4, 5]]);
      expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
    });
  });
});
