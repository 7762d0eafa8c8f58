import { describe, expect, it } from 'vitest';
import type { PersonRow } from '../store/index.ts';
import { siteAdmins } from './maintenance-alerts.ts';
import { maintenanceText } from './maintenance-text.ts';

describe('maintenance alert text', () => {
  const changes = [
    { bellId: 'B-0301', counterName: 'Passport counter 3', raised: ['offline'], cleared: [] },
    { bellId: 'B-0302', counterName: 'Welfare counter 1', raised: [], cleared: ['low_battery'] },
  ];

  it('lists every change of the batch in one message, saying it is not an emergency (Korean)', () => {
    expect(maintenanceText('Nowon-gu Office', changes, 'ko')).toBe(
      '[Guardbell 점검] Nowon-gu Office 비상벨 상태 변경 (긴급 상황 아님):\nB-0301 (Passport counter 3): 오프라인\nB-0302 (Welfare counter 1): 배터리 부족 해제',
    );
  });

  it('in English for admins whose language is English', () => {
    expect(maintenanceText('Nowon-gu Office', changes, 'en')).toBe(
      '[Guardbell maintenance] Nowon-gu Office bell status changed (not an emergency):\nB-0301 (Passport counter 3): offline\nB-0302 (Welfare counter 1): low battery cleared',
    );
  });

  it('goes to the admins of the site and to admins of every site, never to inactive people or other roles', () => {
    const person = (id: string, roles: string[], siteIds: string[], active = true) => ({ id, roles, siteIds, active }) as unknown as PersonRow;
    const everyone = [
      person('all-sites', ['admin'], []),
      person('site-a-admin', ['admin'], ['site-a']),
      person('site-b-admin', ['admin'], ['site-b']),
      person('gone', ['admin'], ['site-a'], false),
      person('guard', ['guard'], ['site-a']),
    ];
    expect(siteAdmins(everyone, 'site-a').map((p) => p.id)).toEqual(['all-sites', 'site-a-admin']);
  });
});
