/**
 * One security alert per burst: a replayed or forged event is retransmitted every 2 s like any other (PROTOCOL.md
 * §1), and a console that rang for each copy would teach guards to ignore the alert. A burst is a run of
 * rejections of one bell for one reason with no gap longer than `quietMs`; only its first is passed on (every
 * one is still counted and logged). Pure apart from the map it keeps.
 */
export const ALERT_BURST_QUIET_MS = 60_000;
const REMEMBERED = 10_000;

export class AlertBursts {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly quietMs = ALERT_BURST_QUIET_MS) {}

  /** Whether a rejection at `at` starts a new burst for (bellId, reason). */
  startsBurst(bellId: string, reason: string, at: Date): boolean {
    const key = `${bellId}|${reason}`;
    const last = this.lastSeen.get(key);
    const t = at.getTime();
    this.lastSeen.delete(key);
    this.lastSeen.set(key, t);
    if (this.lastSeen.size > REMEMBERED) this.lastSeen.delete(this.lastSeen.keys().next().value!);
    return last === undefined || t - last > this.quietMs;
  }
}
