import { describe, expect, it } from 'vitest';
import { SLEW, slewStep } from './slew.ts';

describe('slewStep: how much of the gap to the reference to close', () => {
  it('closes a large gap at 1 % of the elapsed time, either way', () => {
    expect(slewStep(3_600_000, 1_000)).toBeCloseTo(10);
    expect(slewStep(-3_600_000, 1_000)).toBeCloseTo(-10);
    expect(slewStep(60_000, 60_000)).toBeCloseTo(600);
  });

  it('closes a gap under half a second ten times faster, and never overshoots', () => {
    expect(slewStep(400, 1_000)).toBeCloseTo(100);
    expect(slewStep(-400, 1_000)).toBeCloseTo(-100);
    expect(slewStep(50, 1_000)).toBe(50);
    expect(slewStep(-50, 10_000)).toBe(-50);
    expect(slewStep(SLEW.smallMs + 1, 1_000)).toBeCloseTo(10);
  });

  it('does nothing without elapsed time or without a gap', () => {
    expect(slewStep(1_000, 0)).toBe(0);
    expect(slewStep(1_000, -5)).toBe(0);
    expect(slewStep(0, 1_000)).toBe(0);
  });

  it('keeps the clock running forward: the step is always smaller than the elapsed time', () => {
    for (const offset of [-3_600_000, -1_000, -400, -1]) {
      for (const elapsed of [1, 10, 1_000, 100_000]) expect(elapsed + slewStep(offset, elapsed)).toBeGreaterThan(0);
    }
  });
});
