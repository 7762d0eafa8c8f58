import { describe, expect, it } from 'vitest';
import type { FloorPlanView } from '../../../api/contract/floor-plans.ts';
import { placementOf } from './plans.ts';

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
