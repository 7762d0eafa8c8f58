/**
 * The floor plans the user may see, held once for the whole console (the alarm banner, the incident detail and
 * the floor-plan view share them). Loaded on first use, read again when older than a minute or after an edit,
 * and a read that failed (the connection dropped) is tried again within seconds: an alarm must not show without
 * its plan for a minute because the console was offline once.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { FloorPlanView, PlacedCounter } from '../../../api/contract/floor-plans.ts';
import { placesApi } from './api.ts';

export const PLANS_MAX_AGE_MS = 60_000;
/** How soon the console tries again after a read failed. */
export const PLANS_RETRY_MS = 5_000;

interface PlansState {
  plans: FloorPlanView[];
  /** When the plans were last read successfully (0: never). */
  loadedAt: number;
  /** The last read's failure, until a read succeeds. */
  error: unknown;
}

/** Whether the plans are to be read again: the last read failed, or the last good one is older than `maxAgeMs`. */
export function plansDue(s: Pick<PlansState, 'loadedAt' | 'error'>, nowMs: number, maxAgeMs = PLANS_MAX_AGE_MS): boolean {
  return s.error != null || nowMs - s.loadedAt > maxAgeMs;
}

let state: PlansState = { plans: [], loadedAt: 0, error: null };
let inFlight: Promise<void> | null = null;
const listeners = new Set<() => void>();

function set(next: PlansState): void {
  state = next;
  for (const l of listeners) l();
}

export function refreshPlans(): Promise<void> {
  inFlight ??= placesApi.floorPlans().then(
    (plans) => set({ plans, loadedAt: Date.now(), error: null }),
    (error: unknown) => set({ ...state, error: error ?? new Error('the floor plans could not be read') }),
  ).finally(() => {
    inFlight = null;
  });
  return inFlight;
}

/** Forgets every plan (a new session). */
export function resetPlans(): void {
  set({ plans: [], loadedAt: 0, error: null });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useFloorPlans(): PlansState {
  const current = useSyncExternalStore(subscribe, () => state);
  useEffect(() => {
    if (plansDue(state, Date.now())) void refreshPlans();
  }, []);
  return current;
}

/** The plan a counter is placed on, with its place. */
export function placementOf(plans: readonly FloorPlanView[], siteId: string, counterId: string): { plan: FloorPlanView; at: PlacedCounter } | null {
  for (const plan of plans) {
    if (plan.siteId !== siteId) continue;
    const at = plan.counters.find((c) => c.counterId === counterId);
    if (at) return { plan, at };
  }
  return null;
}

/** Whose plans these are: a new sign-in in the same tab never sees the last user's. */
let owner: string | null = null;

/**
 * Rendered once by the console: forgets another user's plans, and (for those who may see plans) reads them before
 * the first alarm rings and keeps them fresh.
 */
export function PlansPreload({ userId, enabled }: { userId: string; enabled: boolean }): null {
  useEffect(() => {
    if (owner !== userId) {
      owner = userId;
      resetPlans();
    }
    if (!enabled) return;
    if (plansDue(state, Date.now())) void refreshPlans();
    // Fresh every five minutes; after a failed read, again within seconds.
    const timer = setInterval(() => {
      if (plansDue(state, Date.now(), 5 * PLANS_MAX_AGE_MS)) void refreshPlans();
    }, PLANS_RETRY_MS);
    return () => clearInterval(timer);
  }, [userId, enabled]);
  return null;
}
