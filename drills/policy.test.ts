import { describe, expect, it } from 'vitest';
import type { User } from '../api/auth/policy.ts';
import { canPlanDrills, canSeeDrills, canWriteScenarios, drillSiteScope } from './policy.ts';

const user = (roles: User['roles'], siteIds: string[] = ['a']): User => ({ id: 'u', name: 'U', username: 'u', roles, siteIds, language: 'ko' });

describe('drill policy', () => {
  it('admins everywhere, managers at their sites, nobody else', () => {
    expect(canPlanDrills(user(['admin'], []), 'z')).toBe(true);
    expect(canPlanDrills(user(['manager']), 'a')).toBe(true);
    expect(canPlanDrills(user(['manager']), 'b')).toBe(false);
    for (const r of ['guard', 'staff', 'legal', 'counselor', 'auditor'] as const) {
      expect(canPlanDrills(user([r]), 'a'), r).toBe(false);
      expect(canSeeDrills(user([r]), 'a'), r).toBe(false);
      expect(canWriteScenarios(user([r])), r).toBe(false);
      expect(drillSiteScope(user([r]))).toEqual([]);
    }
    expect(canWriteScenarios(user(['manager']))).toBe(true);
    expect(drillSiteScope(user(['admin'], []))).toBeUndefined();
    expect(drillSiteScope(user(['manager'], ['a', 'b']))).toEqual(['a', 'b']);
  });
});
