import { afterEach, describe, expect, it, vi } from 'vitest';
import { FactsCopy, LOAD_SLICE, type FactsSource } from './facts-copy.ts';
import { FIELD, RECORD } from './facts.ts';
import { countTurns } from '../../../test/support/event-loop.ts';

const record = (id: string, opened = 1_000) => [id, 'live', 'open', 'bell', 'S-001', 'C-01', String(opened), '2026-01', '', '', '', '', '[]'].join(FIELD);

/** A database that answers each read when told to, and records what was asked. */
class Source implements FactsSource {
  readonly asked: (number | null)[] = [];
  private readonly answers: ((a: { xmin: number; removedXid: number | null; text: string | null }) => void)[] = [];
  factsSince(sinceXid: number | null) {
    this.asked.push(sinceXid);
    return new Promise<{ xmin: number; removedXid: number | null; text: string | null }>((resolve) => this.answers.push(resolve));
  }
  async answer(xmin: number, ids: string[], removedXid: number | null = null) {
    await vi.waitFor(() => expect(this.answers.length).toBeGreaterThan(0));
    this.answers.shift()!({ xmin, removedXid, text: ids.length ? ids.map((id) => record(id)).join(RECORD) : null });
  }
}

const total = (facts: { summary(f: { mode: 'all' }): { dim: string; n: number }[] }) => facts.summary({ mode: 'all' }).find((r) => r.dim === 'total')?.n ?? 0;

describe("this process's copy of the statistics figures", () => {
  afterEach(() => vi.useRealTimers());

  it('reads everything first, then only what was written from the last snapshot xmin on', async () => {
    const source = new Source();
    const copy = new FactsCopy(source);
    const first = copy.current();
    await source.answer(100, ['a', 'b']);
    expect(total(await first)).toBe(2);
    const second = copy.current();
    await source.answer(105, ['b', 'c']);
    expect(total(await second)).toBe(3);
    const third = copy.current();
    await source.answer(105, []);
    expect(total(await third)).toBe(3);
    expect(source.asked).toEqual([null, 100, 105]);
    copy.release();
  });

  it('makes a caller who asks during a read wait for the next read, which serves every such caller once', async () => {
    const source = new Source();
    const copy = new FactsCopy(source);
    const early = copy.current();
    const late1 = copy.current();
    const late2 = copy.current();
    await source.answer(100, ['a']);
    expect(total(await early)).toBe(1);
    // The read under way began before late1 and late2 asked: what was committed just before them may be missing.
    await source.answer(101, ['b']);
    expect(total(await late1)).toBe(2);
    expect(await late2).toBe(await late1);
    expect(source.asked).toEqual([null, 100]);
    copy.release();
  });

  it('reads everything again after a delete, and after a failed read tries again', async () => {
    const source = new Source();
    const copy = new FactsCopy(source);
    const first = copy.current();
    await source.answer(100, ['a', 'b']);
    await first;
    const afterDelete = copy.current();
    await source.answer(110, [], 107);
    await source.answer(110, ['b'], 107);
    expect(total(await afterDelete)).toBe(1);
    expect(source.asked).toEqual([null, 100, null]);

    const failing = new FactsCopy({ factsSince: () => Promise.reject(new Error('database gone')) });
    await expect(failing.current()).rejects.toThrow('database gone');
    await expect(failing.current()).rejects.toThrow('database gone');
    failing.release();
    copy.release();
  });

  it('lets the copy go when unused for the idle time, and reads everything at the next request', async () => {
    vi.useFakeTimers();
    const source = new Source();
    const copy = new FactsCopy(source, 60_000);
    const first = copy.current();
    await source.answer(100, ['a']);
    await first;
    vi.advanceTimersByTime(59_000);
    const kept = copy.current();
    await source.answer(100, []);
    await kept;
    vi.advanceTimersByTime(60_001);
    const again = copy.current();
    await source.answer(120, ['a', 'b']);
    expect(total(await again)).toBe(2);
    expect(source.asked).toEqual([null, 100, null]);
    copy.release();
  });
});

describe('reading every incident into the copy', () => {
  it('lets the event loop go between slices, so a press arriving meanwhile is not held up by it', async () => {
    const ids = Array.from({ length: 5 * LOAD_SLICE + 17 }, (_, k) => `inc_${k}`);
    const text = ids.map((id) => record(id)).join(RECORD);
    const copy = new FactsCopy({ factsSince: () => Promise.resolve({ xmin: 1, removedXid: null, text }) });
    const loop = countTurns();
    const facts = await copy.current();
    loop.stop();
    expect(facts.count).toBe(ids.length);
    expect(loop.turns).toBeGreaterThanOrEqual(5);
    copy.release();
  });
});
