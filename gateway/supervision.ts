/**
 * Supervision: the bell that cannot call for help is the dangerous one. Pure functions of a bell's
 * health and the time; troubles are maintenance alerts, never emergencies, and clear themselves.
 */

export const LOW_BATTERY_PERCENT = 20;
export const MISSED_HEARTBEATS_OFFLINE = 3;
export const TEST_PRESS_EVERY_DAYS = 30;
/** PROTOCOL.md §1: a bell clock more than 5 minutes off is flagged on the bell, not trusted. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export const TROUBLES = ['offline', 'low_battery', 'tamper', 'clock_skew', 'no_test_30d'] as const;
export type Trouble = (typeof TROUBLES)[number];

export interface BellHealth {
  /** False after the bell's will message (or its own `{"online":false}`). */
  online: boolean;
  lastSeenAt: Date | null;
  heartbeatSeconds: number;
  battery: number | null;
  lastTestAt: Date | null;
  /** When the bell last reported tamper; cleared by the next test press (somebody checked the bell). */
  tamperAt: Date | null;
  /** How far the bell's clock was off on its last timed event, in ms. */
  clockSkewMs: number | null;
  /** When the bell was provisioned: the 30-day test window starts there for a bell never tested. */
  createdAt: Date;
  /**
   * False for bells that cannot heartbeat (a 433 MHz button transmits only when pressed): never offline
   * by silence; their receiver's port is what is supervised (health, serial trouble), and the monthly
   * test press (`no_test_30d`) shows the button itself still works.
   */
  heartbeats?: boolean;
}

/** When the bell is due to be declared offline if nothing more is heard. */
export function offlineDeadline(h: BellHealth): Date | null {
  if (h.heartbeats === false) return null;
  if (!h.lastSeenAt) return null;
  return new Date(h.lastSeenAt.getTime() + MISSED_HEARTBEATS_OFFLINE * h.heartbeatSeconds * 1000);
}

export function isOnline(h: BellHealth, now: Date): boolean {
  if (h.heartbeats === false) return true;
  const deadline = offlineDeadline(h);
  return h.online && deadline !== null && deadline.getTime() > now.getTime();
}

export function troublesOf(h: BellHealth, now: Date): Trouble[] {
  const out: Trouble[] = [];
  if (!isOnline(h, now)) out.push('offline');
  if (h.battery !== null && h.battery < LOW_BATTERY_PERCENT) out.push('low_battery');
  if (h.tamperAt && (!h.lastTestAt || h.lastTestAt < h.tamperAt)) out.push('tamper');
  if (h.clockSkewMs !== null && Math.abs(h.clockSkewMs) > CLOCK_SKEW_LIMIT_MS) out.push('clock_skew');
  const since = h.lastTestAt && h.lastTestAt > h.createdAt ? h.lastTestAt : h.createdAt;
  if (now.getTime() - since.getTime() > TEST_PRESS_EVERY_DAYS * 86_400_000) out.push('no_test_30d');
  return out;
}

/**
 * The next moment at which the bell's troubles change by time alone (nothing more heard): its offline deadline
 * while online, its 30-day test window; null when only something heard can change them. The supervisor keeps
 * these in a heap (deadline-heap.ts) and looks again at a bell only then.
 */
export function nextTimedChange(h: BellHealth, now: Date): Date | null {
  const t = now.getTime();
  const candidates: number[] = [];
  const offline = offlineDeadline(h);
  if (h.online && offline && offline.getTime() > t) candidates.push(offline.getTime());
  const since = h.lastTestAt && h.lastTestAt > h.createdAt ? h.lastTestAt : h.createdAt;
  // troublesOf raises no_test_30d once strictly more than the window has passed.
  const untested = since.getTime() + TEST_PRESS_EVERY_DAYS * 86_400_000 + 1;
  if (untested > t) candidates.push(untested);
  return candidates.length ? new Date(Math.min(...candidates)) : null;
}

/** The skew of a bell's clock against the receive time, or null when the event carried no time. */
export function clockSkewMs(bellAt: string | undefined, receivedAt: Date): number | null {
  if (!bellAt) return null;
  const t = Date.parse(bellAt);
  return Number.isNaN(t) ? null : t - receivedAt.getTime();
}
