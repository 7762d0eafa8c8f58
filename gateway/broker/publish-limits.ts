/**
 * A token bucket per MQTT client: a bell heartbeats once a minute and retransmits every 2 s, so a client
 * publishing far faster is broken or hostile, and must not crowd out the bells' presses.
 */
export interface RateLimit {
  /** Publishes per second, sustained. */
  perSecond: number;
  /** Publishes allowed at once above the sustained rate. */
  burst: number;
}

export class PublishBuckets<K extends object> {
  private readonly buckets = new WeakMap<K, { tokens: number; at: number }>();

  constructor(private readonly now: () => number) {}

  /** Takes one token; false when the client is over its limit. */
  take(client: K, limit: RateLimit): boolean {
    const now = this.now();
    const b = this.buckets.get(client) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.perSecond);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
