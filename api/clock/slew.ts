/**
 * How the steady clock closes the gap to its reference: never by a step, always by running a little fast or
 * slow, so durations measured on it stay true to within the rate and time never runs backwards.
 *
 * 1 %: a 30 s escalation step is off by at most 0.3 s while the clock slews, under the engine's poll of 250 ms to
 * 1 s, and a 60 s jump is off by at most 0.6 s over the minute. An hour's jump takes 100 hours to close; until then
 * the process keeps its own, consistent time and /health says it is slewing. Under half a second (sampling noise,
 * NTP's own corrections) the gap closes ten times faster, in at most 5 s.
 */
export interface SlewPolicy {
  /** Fraction of elapsed monotonic time by which a large gap is closed. */
  rate: number;
  /** The faster fraction for a gap of at most `smallMs`. */
  smallRate: number;
  smallMs: number;
}

export const SLEW: SlewPolicy = { rate: 0.01, smallRate: 0.1, smallMs: 500 };

/**
 * The part of `offsetMs` (reference minus clock) to apply after `elapsedMs` of monotonic time: same sign as the
 * offset, never more than the offset, never more than the rate allows.
 */
export function slewStep(offsetMs: number, elapsedMs: number, policy: SlewPolicy = SLEW): number {
  if (!(elapsedMs > 0) || offsetMs === 0) return 0;
  const rate = Math.abs(offsetMs) <= policy.smallMs ? policy.smallRate : policy.rate;
  return Math.sign(offsetMs) * Math.min(Math.abs(offsetMs), elapsedMs * rate);
}
