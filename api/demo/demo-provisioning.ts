/**
 * The demo district office seeded on an empty embedded database (or with `GUARDBELL_DEMO=1`; PROTOCOL.md §5), so
 * that a newcomer running `npm start` sees a working site at once: four counters, a bell at each, one account
 * per role. Everything here is public: the fixed passwords (used only while GUARDBELL_DEMO=1 is set) and the
 * bell key must never guard a real site; demo accounts stop working once one exists (api/auth/demo-accounts.ts).
 */
import type { ProvisioningDocument } from '../provisioning/document.ts';
import type { Role } from '../contract/index.ts';

export const DEMO_SITE_ID = 'demo-office';

/**
 * The one keyed bell, so that the MAC path (PROTOCOL.md §1) can be tried too: the hex of the ASCII text
 * "guardbell-demo-key-B-0104-public". The other bells have no key, so `mosquitto_pub` presses them by hand.
 */
export const DEMO_KEYED_BELL = {
  id: 'B-0104',
  keyHex: '677561726462656c6c2d64656d6f2d6b65792d422d303130342d7075626c6963',
} as const;

const MANAGER = 'manager-1';

/** The fixed demo password of a username: memorable, and at least 8 characters as provisioning asks. */
export const fixedDemoPassword = (username: string) => `${username}-demo`;

/** The demo site and people; `passwordOf` gives each demo login its password (the fixed ones by default). */
export function demoProvisioning(passwordOf: (username: string) => string = fixedDemoPassword): ProvisioningDocument {
  return {
    sites: [{
      id: DEMO_SITE_ID,
      name: 'Demo District Office',
      address: '서울특별시 중구 예시로 123 데모구청',
      timezone: 'Asia/Seoul',
      // Never the real 112: a demo run with real Twilio credentials must not text the police. A zero after
      // the country code is not a routable Korean number.
      police: { channel: 'sms', to: '+820000000112' },
      drillLiaison: ['+821099990000'],
      counters: [
        { id: 'passport-1', name: 'Passport counter 1', floor: '1F', managerIds: [MANAGER] },
        { id: 'civil-1', name: 'Civil affairs counter 1', floor: '1F', managerIds: [MANAGER] },
        { id: 'welfare-1', name: 'Welfare counter 1', floor: '2F', managerIds: [MANAGER] },
        { id: 'tax-1', name: 'Tax counter 1', floor: '2F', managerIds: [MANAGER] },
      ],
      bells: [
        { id: 'B-0101', counterId: 'passport-1', adapter: 'native' },
        { id: 'B-0102', counterId: 'civil-1', adapter: 'native' },
        { id: 'B-0103', counterId: 'welfare-1', adapter: 'native' },
        { id: DEMO_KEYED_BELL.id, counterId: 'tax-1', adapter: 'native', key: DEMO_KEYED_BELL.keyHex },
      ],
    }],
    people: [
      demoPerson('staff-1', '김지은', 'staff', 'staff1', '+821055500001', passwordOf),
      demoPerson('guard-1', '박준호', 'guard', 'guard1', '+821055500002', passwordOf),
      // One English-speaking account, so the console's second language is seen without changing settings.
      { ...demoPerson('guard-2', 'Lee Seoyeon', 'guard', 'guard2', '+821055500003', passwordOf), language: 'en' },
      demoPerson(MANAGER, '최도윤', 'manager', 'manager1', '+821055500004', passwordOf),
      demoPerson('legal-1', '정하은', 'legal', 'legal1', '+821055500005', passwordOf),
      demoPerson('counselor-1', '강민재', 'counselor', 'counselor1', '+821055500006', passwordOf),
      demoPerson('admin-1', '윤서준', 'admin', 'admin1', '+821055500007', passwordOf),
      demoPerson('auditor-1', '한지민', 'auditor', 'auditor1', '+821055500008', passwordOf),
    ],
  };
}

function demoPerson(id: string, name: string, role: Role, username: string, phone: string, passwordOf: (username: string) => string): ProvisioningDocument['people'][number] {
  return { id, name, roles: [role], siteIds: [DEMO_SITE_ID], phone, language: 'ko', username, password: passwordOf(username) };
}

/** The fixed logins (GUARDBELL_DEMO=1), printed at start so that the demo can be logged into at once. */
export const DEMO_LOGINS: readonly { username: string; password: string; roles: readonly Role[] }[] = demoProvisioning().people.flatMap(
  (person) => (person.username && person.password ? [{ username: person.username, password: person.password, roles: person.roles }] : []),
);
