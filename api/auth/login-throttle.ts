/**
 * Login throttling per username and per client address: after a few free failures each further attempt must
 * wait, the wait doubling up to a cap. A delay rather than a lockout: an attacker who knows a guard's username
 * can make that guard wait at most `cap` (a minute by default), never lock them out of a ringing console.
 * Pure apart from the map it keeps; the time is passed in. One process's memory: several API processes each
 * throttle on their own (see the README).
 */

export interface ThrottleRule {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait; each further failure doubles it. */
  baseMs: number;
  capMs: number;
  /** Failures are forgotten this long after the last one. */
  forgetMs: number;
}

export const USERNAME_RULE: ThrottleRule = { free: 5, baseMs: 1_000, capMs: 60_000, forgetMs: 15 * 60_000 };
/** An address tries many usernames: more free attempts (a shared office NAT), a longer cap. */
export const ADDRESS_RULE: ThrottleRule = { free: 20, baseMs: 1_000, capMs: 15 * 60_000, forgetMs: 15 * 60_000 };

interface Failures {
  count: number;
  lastAt: number;
}

/** Bounds the memory an attacker can make us keep by trying many usernames or addresses. */
const MAX_KEYS = 50_000;

export class FailureCounter {
  private readonly keys = new Map<string, Failures>();

  constructor(private readonly rule: ThrottleRule) {}

  /** Milliseconds until `key` may try again (0: now). */
  waitMs(key: string, now: number): number {
    const f = this.live(key, now);
    if (!f || f.count < this.rule.free) return 0;
    const wait = Math.min(this.rule.capMs, this.rule.baseMs * 2 ** (f.count - this.rule.free));
    return Math.max(0, f.lastAt + wait - now);
  }

  failed(key: string, now: number): void {
    const f = this.live(key, now);
    this.keys.delete(key); // re-inserted last: the map stays in order of last failure, oldest first
    this.keys.set(key, { count: (f?.count ?? 0) + 1, lastAt: now });
    if (this.keys.size > MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
  }

  forget(key: string): void {
    this.keys.delete(key);
  }

  private live(key: string, now: number): Failures | undefined {
    const f = this.keys.get(key);
    if (f && now - f.lastAt > this.rule.forgetMs) {
      this.keys.delete(key);
      return undefined;
    }
    return f;
  }
}

export class LoginThrottle {
  private readonly usernames: FailureCounter;
  private readonly addresses: FailureCounter;

  constructor(rules: { username?: ThrottleRule; address?: ThrottleRule } = {}) {
    this.usernames = new FailureCounter(rules.username ?? USERNAME_RULE);
    this.addresses = new FailureCounter(rules.address ?? ADDRESS_RULE);
  }

  /** How long this attempt must wait before it is even checked (0: go ahead). */
  waitMs(username: string, address: string, now: number): number {
    return Math.max(this.usernames.waitMs(userKey(username), now), this.addresses.waitMs(address, now));
  }

  failed(username: string, address: string, now: number): void {
    this.usernames.failed(userKey(username), now);
    this.addresses.failed(address, now);
  }

  /** A right password clears the username's failures (not the address's: it may be guessing several). */
  succeeded(username: string): void {
    this.usernames.forget(userKey(username));
  }
}

const userKey = (username: string) => username.trim().toLowerCase();
