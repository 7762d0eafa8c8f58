import { describe, expect, it } from 'vitest';
import { separationData } from './separation.ts';

const people = [
  { id: 'staff-a', name: 'Lee Staff', roles: ['staff'], siteIds: ['site-a'] },
  { id: 'staff-b', name: 'Park Staff', roles: ['staff'], siteIds: ['site-b'] },
  { id: 'guard-a', name: 'Kim Guard', roles: ['guard'], siteIds: ['site-a'] },
];

describe('separation data', () => {
  it('keeps the old contract: nothing added, nothing stored', () => {
    expect(separationData({}, 'guard-a', 'site-a', people)).toEqual({ ok: true, data: {} });
  });

  it('records several victims, one unknown by name, where to and by whom', () => {
    const r = separationData({ victims: [{ personId: 'staff-a' }, { name: 'a visitor' }], separatedTo: 'Room 2' }, 'guard-a', 'site-a', people);
    expect(r).toEqual({
      ok: true,
      data: {
        victims: [{ personId: 'staff-a', name: 'Lee Staff' }, { personId: null, name: 'a visitor' }],
        victimIds: ['staff-a'], separatedTo: 'Room 2', separatedBy: 'guard-a', separatedByName: 'Kim Guard',
      },
    });
  });

  it('names every bad victim: unknown, not staff, another site, twice; and an unknown separatedBy', () => {
    const r = separationData({
      victims: [{ personId: 'nobody' }, { personId: 'guard-a' }, { personId: 'staff-b' }, { personId: 'staff-a' }, { personId: 'staff-a' }],
      separatedBy: 'ghost',
    }, 'guard-a', 'site-a', people);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['victims.0.personId', 'victims.1.personId', 'victims.2.personId', 'victims.4.personId', 'separatedBy']);
  });
});
