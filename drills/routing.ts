/**
 * Which presses belong to a running drill (DESIGN.md principle 2: mode is decided once, at the edge).
 *
 * The alarm core asks, for every bell event, synchronously and from memory, whether it is a drill event.
 * The safe side is always live:
 * - a drill's own virtual bell (a bell id that exists only while its drill runs) is always a drill: no person
 *   stands behind it;
 * - a real bell of the drilled counter is a drill only for a `real_bell` drill that is running (not paused),
 *   armed (before `armedUntil`), and only for the FIRST short `press` while no live incident is open at the
 *   site. A hold (`long_press`, "violence in progress"), a second press once the drill incident is open, any
 *   press after the window, while paused or after the end, is live. A real emergency at the counter during a
 *   drill therefore rings as live, at worst beside the drill.
 */
import type { BusPort } from '../api/bus/index.ts';

export interface DrillRoute {
  drillId: string;
  siteId: string;
  counterId: string;
  trigger: 'virtual_bell' | 'real_bell';
  virtualBellId: string | null;
  jointPolice: boolean;
  paused: boolean;
  /** Real-bell drills: presses are taken until then (and only one). */
  armedUntil: Date | null;
  armUsed: boolean;
}

export interface BellEventFacts {
  bellId: string;
  /** The bell's directory device id: `drill:{drillId}` marks a drill's own bell. */
  deviceId?: string | null | undefined;
  siteId: string;
  counterId: string;
  type: string;
  receivedAt: Date;
}

export interface DrillDecision {
  drillId: string;
  jointPoliceDrill: boolean;
  /** The press came from the drill's own virtual bell (incident source `drill`), not a person at a real bell. */
  virtual: boolean;
}

/** Device id of a drill's own virtual bell (provisioning refuses it for any other bell). */
export const DRILL_DEVICE_PREFIX = 'drill:';

/**
 * The drill an event belongs to, or null: live. `liveOpenAtSite` is asked only when a real bell could be taken.
 * A drill bell (its directory record says so) is a drill even before this process has read its drill: then
 * it is not a joint police drill, so it reaches no police number at all.
 */
export function routeBellEvent(routes: readonly DrillRoute[], ev: BellEventFacts, liveOpenAtSite: () => boolean): DrillDecision | null {
  const own = routes.find((r) => r.virtualBellId !== null && r.virtualBellId === ev.bellId);
  if (own) return { drillId: own.drillId, jointPoliceDrill: own.jointPolice, virtual: true };
  if (ev.deviceId?.startsWith(DRILL_DEVICE_PREFIX)) return { drillId: ev.deviceId.slice(DRILL_DEVICE_PREFIX.length), jointPoliceDrill: false, virtual: true };
  if (ev.type !== 'press') return null;
  const armed = routes.find((r) =>
    r.trigger === 'real_bell' && !r.paused && !r.armUsed && r.armedUntil !== null && ev.receivedAt.getTime() <= r.armedUntil.getTime()
    && r.siteId === ev.siteId && r.counterId === ev.counterId);
  if (!armed || liveOpenAtSite()) return null;
  return { drillId: armed.drillId, jointPoliceDrill: armed.jointPolice, virtual: false };
}

/** The port the alarm core uses (api/core/alarm-core.ts `DrillModePort`). */
export class DrillRouting {
  private routes: DrillRoute[] = [];
  /** A real bell's press taken by a drill goes out as `drill.pressTaken` (the drill service links its incident). */
  constructor(private readonly bus?: Pick<BusPort, 'emit'>) {}

  set(routes: DrillRoute[]): void {
    // An arm used in this process stays used even if the database has not recorded it yet.
    const used = new Set(this.routes.filter((r) => r.armUsed).map((r) => r.drillId));
    const paused = new Set(this.routes.filter((r) => r.paused).map((r) => r.drillId));
    this.routes = routes.map((r) => ({ ...r, armUsed: r.armUsed || used.has(r.drillId), paused: r.paused || (paused.has(r.drillId) && this.pausing.has(r.drillId)) }));
  }

  /** Drills being paused right now (before the database says so): their real bells are live at once. */
  private readonly pausing = new Set<string>();

  pauseNow(drillId: string): void {
    this.pausing.add(drillId);
    for (const r of this.routes) if (r.drillId === drillId) r.paused = true;
  }

  settled(drillId: string): void {
    this.pausing.delete(drillId);
  }

  all(): readonly DrillRoute[] {
    return this.routes;
  }

  route(ev: BellEventFacts, liveOpenAtSite: () => boolean): DrillDecision | null {
    if (this.routes.length === 0 && !ev.deviceId?.startsWith(DRILL_DEVICE_PREFIX)) return null;
    const d = routeBellEvent(this.routes, ev, liveOpenAtSite);
    if (d && !d.virtual) for (const r of this.routes) if (r.drillId === d.drillId) r.armUsed = true;
    return d;
  }

  opened(decision: DrillDecision, incidentId: string): void {
    this.bus?.emit('drill.pressTaken', { drillId: decision.drillId, incidentId }, { scope: 'process' });
  }
}
