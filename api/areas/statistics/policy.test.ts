import { describe, expect, it } from 'vitest';
import type { Role } from '../../contract/index.ts';
import { canImport, canImportAt, statisticsScope } from './policy.ts';

const u = (roles: Role[], siteIds: string[] = ['site-a']) => ({ roles, siteIds });

describe('statistics and import roles', () => {
  it.each([
    [['admin'], 'all', true, true],
    [['auditor'], 'all', false, false],
    [['legal'], 'all', false, false],
    [['manager'], ['site-a'], true, true],
    [['guard'], null, false, false],
    [['staff'], null, false, false],
    [['counselor'], null, false, false],
  ] as [Role[], unknown, boolean, boolean][])('%j', (roles, scope, importAnywhere, importHere) => {
    expect(statisticsScope(u(roles))).toEqual(scope);
    expect(canImport(u(roles))).toBe(importAnywhere);
    expect(canImportAt(u(roles), 'site-a')).toBe(importHere);
  });

  it('a manager imports only at their own sites', () => {
    expect(canImportAt(u(['manager']), 'site-b')).toBe(false);
    expect(canImportAt(u(['admin'], []), 'site-b')).toBe(true);
  });
});
