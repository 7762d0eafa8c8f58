import { describe, expect, it } from 'vitest';
import { nextLookMs } from './next-look.ts';

describe('when the escalation engine looks next', () => {
  const now = 1_000_000;
  it('at the earliest due time it knows of, when that comes before the tick', () => {
    expect(nextLookMs([now + 900, now + 120, now + 5_000], now, 250, 25)).toBe(120);
  });
  it('at the tick when nothing it knows of is due sooner, or it knows of nothing', () => {
    expect(nextLookMs([now + 5_000], now, 250, 25)).toBe(250);
    expect(nextLookMs([], now, 250, 25)).toBe(250);
  });
  it('not sooner than the gap, even for a due time already passed or a moment away', () => {
    expect(nextLookMs([now + 3], now, 250, 25)).toBe(25);
    expect(nextLookMs([now - 40], now, 250, 25)).toBe(25);
  });
  it('rounds up, so that it never wakes just before the due time', () => {
    expect(nextLookMs([now + 100.2], now, 250, 25)).toBe(101);
  });
});
