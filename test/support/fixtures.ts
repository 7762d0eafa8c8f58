import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { PasswordHasher } from '../../api/auth/passwords.ts';

/** scrypt at 2^14 instead of OWASP's 2^17 (isolatedEnv's PASSWORD_HASH_COST): fixtures hash many passwords. */
export const TEST_HASH_COST = 14;
export const testHasher = new PasswordHasher({ log2N: TEST_HASH_COST });

export const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
export const PASSWORD = 'correct-horse';
/** The site's live police reporting number (never a real one) and its drill liaison. */
export const POLICE = '+820000000112';
export const LIAISON = '+821099990000';

/** One site with three counters and bells (one keyed), one person per role, and a guard of another site. */
export function testProvisioning(): ProvisioningDocument {
  return {
    sites: [
      {
        id: 'site-a',
        name: 'Nowon-gu Office',
        address: '437 Nohae-ro, Nowon-gu, Seoul',
        timezone: 'Asia/Seoul',
        police: { channel: 'sms', to: POLICE },
        drillLiaison: [LIAISON],
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
      { id: 'staff-a', phone: '+821000000011', name: 'Lee Staff', roles: ['staff'], siteIds: ['site-a'], language: 'ko', username: 'staff', password: PASSWORD },
      { id: 'staff-a2', phone: '+821000000012', name: 'Park Staff', roles: ['staff'], siteIds: ['site-a'], language: 'ko', username: 'staff2', password: PASSWORD },
      { id: 'guard-a', phone: '+821000000021', name: 'Kim Guard', roles: ['guard'], siteIds: ['site-a'], language: 'ko', username: 'guard', password: PASSWORD },
      { id: 'guard-b', phone: '+821000000022', name: 'Choi Guard', roles: ['guard'], siteIds: ['site-b'], language: 'en', username: 'guardb', password: PASSWORD },
      { id: 'manager-a', phone: '+821000000031', name: 'Jung Manager', roles: ['manager'], siteIds: ['site-a'], language: 'ko', username: 'manager', password: PASSWORD },
      { id: 'guard-a2', phone: '+821000000023', name: 'Seo Guard', roles: ['guard'], siteIds: ['site-a'], language: 'en', username: 'guard2', password: PASSWORD },
      { id: 'manager-a2', phone: '+821000000032', name: 'Kang Manager', roles: ['manager'], siteIds: ['site-a'], language: 'ko', username: 'manager2', password: PASSWORD },
      { id: 'legal-1', phone: '+821000000041', name: 'Han Legal', roles: ['legal'], siteIds: [], language: 'ko', username: 'legal', password: PASSWORD },
      { id: 'admin-1', phone: '+821000000051', name: 'Yoon Admin', roles: ['admin'], siteIds: [], language: 'en', username: 'admin1', password: PASSWORD },
    ],
  };
}
