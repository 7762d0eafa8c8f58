/**
 * Which counter the panic button sends guards to. A hurried press must never go to a guessed counter: the
 * person's own counters from provisioning come first, then the counter this device remembers; with neither,
 * nothing is chosen and the button asks first.
 */
import type { Me, Site } from '../../../api/contract/index.ts';

export interface CounterChoice {
  key: string;
  siteId: string;
  counterId: string;
  label: string;
}

const STORAGE_PREFIX = 'guardbell.panicCounter.';

export function countersOf(me: Me, sites: readonly Site[]): CounterChoice[] {
  const mine = sites.filter((site) => me.siteIds.includes(site.id));
  const usable = mine.length > 0 ? mine : sites;
  return usable.flatMap((site) =>
    site.counters.map((counter) => ({
      key: `${site.id}/${counter.id}`,
      siteId: site.id,
      counterId: counter.id,
      label: `${counter.name}${counter.floor ? ` (${counter.floor})` : ''}${usable.length > 1 ? ` — ${site.name}` : ''}`,
    })),
  );
}

/** The person's own counters (provisioning's counterIds), in the list's order. */
export function ownCounters(me: Me, choices: readonly CounterChoice[]): CounterChoice[] {
  const ids = me.counterIds ?? [];
  return choices.filter((c) => ids.includes(c.counterId));
}

export function rememberedCounter(userId: string): string | null {
  try {
    return window.localStorage.getItem(STORAGE_PREFIX + userId);
  } catch {
    return null;
  }
}

export function rememberCounter(userId: string, key: string): void {
  try {
    window.localStorage.setItem(STORAGE_PREFIX + userId, key);
  } catch {
    // Storage off: the person chooses after each reload.
  }
}

/** The counter to preselect: the only own counter, else the remembered one (if still offered), else none. */
export function initialCounter(me: Me, choices: readonly CounterChoice[], remembered: string | null): string {
  const own = ownCounters(me, choices);
  if (own.length === 1) return own[0]!.key;
  const pool = own.length > 1 ? own : choices;
  if (remembered && pool.some((c) => c.key === remembered)) return remembered;
  if (choices.length === 1) return choices[0]!.key;
  return '';
}
