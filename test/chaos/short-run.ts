/** The short chaos run `npm test` makes: 20 bells, 4 presses a second, each fault held a few seconds unless `holds` says otherwise. */
import { expect } from 'vitest';
import type { FaultResult } from './measure.ts';
import { runChaos } from './run.ts';

export async function runShortFaults(faults: string[], holdMs: number, holds: Record<string, number> = {}): Promise<{ results: FaultResult[]; log: string }> {
  const lines: string[] = [];
  const results = await runChaos({
    bells: 20, perSecond: 4, faults, holdMs: holds, defaultHoldMs: holdMs, settleMs: 1_000, afterMs: 2_000, drainMs: 60_000,
    log: (line) => lines.push(line),
  });
  expect(results.map((r) => r.fault)).toHaveLength(faults.length);
  return { results, log: lines.join('\n') };
}

/** Every press of every fault received and stored exactly once, none lost (the fault's own judge included). */
export function expectNothingLost(results: FaultResult[], log: string, opts: { smsOnce?: boolean } = {}): void {
  for (const r of results) {
    expect(r.sent, r.fault).toBeGreaterThan(0);
    expect({ fault: r.fault, lost: r.lost, receivedNotStored: r.receivedNotStored, neverReceived: r.neverReceived, storedMoreThanOnce: r.storedMoreThanOnce }, log)
      .toEqual({ fault: r.fault, lost: false, receivedNotStored: 0, neverReceived: 0, storedMoreThanOnce: 0 });
    expect(r.stored, r.fault).toBe(r.sent);
    if (opts.smsOnce) expect(r.smsDuplicates, r.fault).toBe(0);
  }
}
