import type { ProvisioningDocument } from '../../api/provisioning/index.ts';

export const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const PASSWORD = 'correct-horse';

/** One site with three counters and bells (one keyed), one person per role, and a guard of another site. */
export function testProvisioning(): ProvisioningDocument {
  return {
    sites: [
      {
        id: 'site-a',
        name: 'Nowon-gu Office',
        address: '437 Nohae-ro, Nowon-gu, Seoul',
        timezone: 'Asia/Seoul',
        police: { channel: 'sms', to: '+820000000112' },
        drillLiaison: [],
        counters: [
          { id: 'passport-3', name: 'Passport counter 3', floor: '1F', managerIds: ['manager-a'] },
          { id: 'welfare-1', name: 'Welfare counter 1', floor: '2F' },
        ],
        bells: [
          { id: 'B-0301', counterId: 'passport-3', adapter: 'native' },
          { id: 'B-0302', counterId: 'welfare-1', adapter: 'native' },
          { id: 'B-K1', counterId: 'welfare-1', adapter: 'native', key: KEY },
        ],
      },
      {
        id: 'site-b',
        name: 'Other Office',
        address: '1 Other-ro, Seoul',
        timezone: 'Asia/Seoul',
        counters: [{ id: 'civil-1', name: 'Civil counter 1', floor: '1F' }],
        bells: [{ id: 'B-0901', counterId: 'civil-1', adapter: 'native' }],
      },
    ],
    people: [
      { id: 'staff-a', name: 'Lee Staff', roles: ['staff'], siteIds: ['site-a'], language: 'ko', username: 'staff', password: PASSWORD },
      { id: 'staff-a2', name: 'Park Staff', roles: ['staff'], siteIds: ['site-a'], language: 'ko', username: 'staff2', password: PASSWORD },
      { id: 'guard-a', name: 'Kim Guard', roles: ['guard'], siteIds: ['site-a'], language: 'ko', username: 'guard', password: PASSWORD },
      { id: 'guard-b', name: 'Choi Guard', roles: ['guard'], siteIds: ['site-b'], language: 'en', username: 'guardb', password: PASSWORD },
      { id: 'manager-a', name: 'Jung Manager', roles: ['manager'], siteIds: ['site-a'], language: 'ko', username: 'manager', password: PASSWORD },
      { id: 'legal-1', name: 'Han Legal', roles: ['legal'], siteIds: [], language: 'ko', username: 'legal', password: PASSWORD },
      { id: 'admin-1', name: 'Yoon Admin', roles: ['admin'], siteIds: [], language: 'en', username: 'admin1', password: PASSWORD },
    ],
  };
}
