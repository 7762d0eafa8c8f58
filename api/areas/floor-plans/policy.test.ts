import { describe, expect, it } from 'vitest';
import type { Role } from '../../contract/index.ts';
import { canEditFloorPlans, canSeeFloorPlans } from './policy.ts';

const user = (roles: Role[], siteIds: string[] = ['site-a']) => ({ roles, siteIds });

describe('floor plan policy', () => {
  it('guards and managers of the site see its plans; staff and counsellors do not', () => {
    expect(canSeeFloorPlans(user(['guard']), 'site-a')).toBe(true);
    expect(canSeeFloorPlans(user(['manager']), 'site-a')).toBe(true);
    expect(canSeeFloorPlans(user(['guard']), 'site-b')).toBe(false);
    expect(canSeeFloorPlans(user(['staff']), 'site-a')).toBe(false);
    expect(canSeeFloorPlans(user(['counselor']), 'site-a')).toBe(false);
    expect(canSeeFloorPlans(user(['admin'], []), 'site-b')).toBe(true);
    expect(canSeeFloorPlans(user(['legal'], []), 'site-b')).toBe(true);
  });
  it('only admins and the site\'s managers edit', () => {
    expect(canEditFloorPlans(user(['manager']), 'site-a')).toBe(true);
    expect(canEditFloorPlans(user(['manager']), 'site-b')).toBe(false);
    expect(canEditFloorPlans(user(['guard']), 'site-a')).toBe(false);
    expect(canEditFloorPlans(user(['legal'], []), 'site-a')).toBe(false);
    expect(canEditFloorPlans(user(['admin'], []), 'site-a')).toBe(true);
  });
});
