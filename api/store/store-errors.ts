/**
 * Telling a database that is away (unreachable, restarting, overloaded, timing out: write the same batch again
 * later) from a write it refuses for what the write holds (look for the one bad item). When unsure, "away": a
 * batch retried is slow, an alarm set aside is worse.
 */

/** SQLSTATE classes of a database away or overloaded: connection (08), transaction rollback (40), resources (53), operator intervention (57: statement timeout, shutdown), system (58). */
const AWAY_CLASSES = new Set(['08', '40', '53', '57', '58']);
/** Single states: idle-in-transaction timeout, lock not available. */
const AWAY_STATES = new Set(['25P03', '55P03']);
const AWAY_MESSAGES = /connection terminated|connection error|timeout exceeded|econnrefused|econnreset|etimedout|epipe|restarting|not queryable|pool after calling end|terminating connection/i;

export function isStoreAway(err: unknown): boolean {
  let sawState = false;
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (/^[0-9A-Z]{5}$/.test(code)) {
      sawState = true;
      if (AWAY_STATES.has(code) || AWAY_CLASSES.has(code.slice(0, 2))) return true;
    } else if (code.startsWith('E')) return true; // a Node socket error: ECONNREFUSED, EPIPE, …
    if (AWAY_MESSAGES.test(String(e.message ?? ''))) return true;
  }
  // A refusal with a state (a constraint, a bad value) is the write's; an error with none at all is not known to be.
  return !sawState && !(err instanceof TypeError || err instanceof RangeError);
}
