/**
 * When the escalation engine looks for due steps next: at the earliest due time it knows of, so that a step fires
 * when it is due rather than at the next tick; no sooner than `minGapMs` after this look (steps falling due a few
 * milliseconds apart are one claim, not one each), and no later than the tick (steps armed by other processes, and
 * due times this process was not told of). No I/O.
 */
export function nextLookMs(knownDue: readonly number[], now: number, tickMs: number, minGapMs: number): number {
  let next = Infinity;
  for (const due of knownDue) if (due < next) next = due;
  return Math.min(tickMs, Math.max(minGapMs, Math.ceil(next - now)));
}
