import { describe, expect, it } from 'vitest';
import { inScope, managerScope } from './policy.ts';

describe('managers board policy', () => {
  it('admins see every site, managers their own, others nothing', () => {
    expect(managerScope({ roles: ['admin'], siteIds: [] })).toBe('all');
    expect(managerScope({ roles: ['manager'], siteIds: ['site-a'] })).toEqual(['site-a']);
    expect(managerScope({ roles: ['guard'], siteIds: ['site-a'] })).toBeNull();
    expect(managerScope({ roles: ['staff'], siteIds: ['site-a'] })).toBeNull();
    expect(managerScope({ roles: ['legal'], siteIds: [] })).toBeNull();
    expect(inScope(['site-a'], 'site-b')).toBe(false);
    expect(inScope('all', 'site-b')).toBe(true);
  });
});
