import { describe, expect, it } from 'vitest';
import type { FloorPlanView } from '../../../api/contract/floor-plans.ts';
import { PLANS_MAX_AGE_MS, placementOf, plansDue } from './plans.ts';

const plan = (siteId: string, floor: string, counters: FloorPlanView['counters']): FloorPlanView => ({
  siteId, floor, counters, contentType: 'image/png', byteSize: 1, sha256: 'x', updatedAt: '', imageUrl: `/p/${siteId}/${floor}`,
});

describe('which plan shows a counter', () => {
  const plans = [
    plan('site-a', '1F', [{ counterId: 'passport-3', x: 0.3, y: 0.25 }]),
    plan('site-a', '2F', [{ counterId: 'welfare-1', x: 0.7, y: 0.75 }]),
    plan('site-b', '1F', [{ counterId: 'passport-3', x: 0.9, y: 0.9 }]),
  ];
  it('finds the counter on its own site\'s plan, never another site\'s counter of the same id', () => {
    expect(placementOf(plans, 'site-a', 'passport-3')).toMatchObject({ plan: { siteId: 'site-a', floor: '1F' }, at: { x: 0.3, y: 0.25 } });
    expect(placementOf(plans, 'site-b', 'passport-3')?.at).toEqual({ counterId: 'passport-3', x: 0.9, y: 0.9 });
    expect(placementOf(plans, 'site-a', 'welfare-1')?.plan.floor).toBe('2F');
  });
  it('nothing for a counter not placed', () => {
    expect(placementOf(plans, 'site-b', 'welfare-1')).toBeNull();
    expect(placementOf([], 'site-a', 'passport-3')).toBeNull();
  });
});

describe('when the plans are read again', () => {
  const now = 1_000_000;
  it('never read: at once', () => {
    expect(plansDue({ loadedAt: 0, error: null }, now)).toBe(true);
  });
  it('read a moment ago: not yet; older than the age allowed: again', () => {
    expect(plansDue({ loadedAt: now - 1_000, error: null }, now)).toBe(false);
    expect(plansDue({ loadedAt: now - PLANS_MAX_AGE_MS - 1, error: null }, now)).toBe(true);
    expect(plansDue({ loadedAt: now - PLANS_MAX_AGE_MS - 1, error: null }, now, 5 * PLANS_MAX_AGE_MS)).toBe(false);
  });
  it('the last read failed: again, however fresh the plans read before it', () => {
    expect(plansDue({ loadedAt: now - 1_000, error: new Error('offline') }, now)).toBe(true);
    expect(plansDue({ loadedAt: 0, error: new TypeError('Failed to fetch') }, now, 5 * PLANS_MAX_AGE_MS)).toBe(true);
  });
});
