/**
 * Guardbell sequence numbers for panel events (DC-09 carries none of ours), strictly increasing per bell
 * across restarts without storage: tenths of a second since 2025 (fits 32 bits until 2038), or one more
 * than the last. A panel retransmission (same account, DC-09 sequence and content within the window) gets
 * the same number, so the alarm core answers it as a retransmission instead of opening a second incident.
 */
export const SEQ_EPOCH_MS = Date.UTC(2025, 0, 1);
export const RETRANSMISSION_WINDOW_MS = 60_000;

export class SeqAssigner {
  private readonly last = new Map<string, number>();
  private readonly recent = new Map<string, { seq: number; at: number }>();

  constructor(private readonly windowMs = RETRANSMISSION_WINDOW_MS) {}

  /** `key` names the transmission (account, DC-09 sequence, content; not the timestamp, which a retry may renew). */
  assign(bellId: string, key: string, nowMs: number): number {
    this.prune(nowMs);
    const k = `${bellId}\u0000${key}`;
    const seen = this.recent.get(k);
    if (seen) return seen.seq;
    const seq = Math.max((this.last.get(bellId) ?? -1) + 1, Math.floor((nowMs - SEQ_EPOCH_MS) / 100));
    this.last.set(bellId, seq);
    this.recent.set(k, { seq, at: nowMs });
    return seq;
  }

  get remembered(): number {
    return this.recent.size;
  }

  private prune(nowMs: number): void {
    // Insertion order is time order: stop at the first entry still inside the window.
    for (const [k, v] of this.recent) {
      if (nowMs - v.at <= this.windowMs) break;
      this.recent.delete(k);
    }
  }
}
