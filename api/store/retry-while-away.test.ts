import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../test/support/core-fakes.ts';
import { RetryWhileAway } from './retry-while-away.ts';

const away = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const refused = () => Object.assign(new Error('new row violates check constraint'), { code: '23514' });

describe('a write that must reach the database, kept while it is away', () => {
  afterEach(() => vi.useRealTimers());

  it('is tried again with backoff until the database answers, and counted', async () => {
    vi.useFakeTimers();
    const outcomes: string[] = [];
    const retry = new RetryWhileAway({ logger: silentLogger, counted: (o) => outcomes.push(o) });
    let calls = 0;
    const write = async () => {
      calls++;
      if (calls < 4) throw away();
    };
    await retry.write('report', write);
    expect([calls, retry.waiting]).toEqual([1, 1]);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // 1 s
    await vi.advanceTimersByTimeAsync(2_000); // then 2 s
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(4_000); // then 4 s: written
    expect([calls, retry.waiting]).toEqual([4, 0]);
    expect(outcomes).toEqual(['kept']);
  });

  it('a refusal for what the write holds is the caller’s at once; giving up is counted; stop() drops what waits', async () => {
    vi.useFakeTimers();
    const outcomes: string[] = [];
    const retry = new RetryWhileAway({ logger: silentLogger, retries: 2, counted: (o) => outcomes.push(o) });
    await expect(retry.write('bad', async () => Promise.reject(refused()))).rejects.toThrow(/check constraint/);
    let calls = 0;
    await retry.write('never', async () => {
      calls++;
      throw away();
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect([calls, outcomes]).toEqual([3, ['kept', 'lost']]);
    await retry.write('stopped', async () => Promise.reject(away()));
    retry.stop();
    expect(retry.waiting).toBe(0);
  });
});
