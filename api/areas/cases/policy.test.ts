import { describe, expect, it } from 'vitest';
import type { Role } from '../../contract/index.ts';
import {
  canListCases, canReadAuditLog, canReadCase, canReadComplainants, canSeeComplainantWarning, canWriteCases, canWriteComplainants, caseAccess, type Viewer,
} from './policy.ts';

const v = (roles: Role[], siteIds: string[] = ['site-a']): Viewer => ({ id: 'p', roles, siteIds });
const caseAtA = { siteIds: ['site-a'] };
const caseAtB = { siteIds: ['site-b'] };

describe('case file policy: each role × each kind of record', () => {
  // role, access to a case at their site, read content, write, complainants read/write, warning at own site, audit log
  const matrix: [string, Viewer, ReturnType<typeof caseAccess>, boolean, boolean, boolean, boolean, boolean, boolean][] = [
    ['legal', v(['legal'], []), 'write', true, true, true, true, true, false],
    ['auditor', v(['auditor'], []), 'read', true, false, true, false, true, true],
    ['manager', v(['manager']), 'exists', false, false, false, false, true, false],
    ['counselor', v(['counselor']), null, false, false, false, false, false, false],
    ['guard', v(['guard']), null, false, false, false, false, false, false],
    ['staff', v(['staff']), null, false, false, false, false, false, false],
    ['admin', v(['admin']), null, false, false, false, false, false, false],
  ];
  it.each(matrix)('%s', (_name, u, access, read, write, cRead, cWrite, warning, audit) => {
    expect(caseAccess(u, caseAtA)).toBe(access);
    expect(canReadCase(u, caseAtA)).toBe(read);
    expect(canWriteCases(u)).toBe(write);
    expect(canReadComplainants(u)).toBe(cRead);
    expect(canWriteComplainants(u)).toBe(cWrite);
    expect(canSeeComplainantWarning(u, 'site-a')).toBe(warning);
    expect(canReadAuditLog(u)).toBe(audit);
  });

  it("a manager sees only their own sites' cases, and only that they exist", () => {
    expect(caseAccess(v(['manager'], ['site-a']), caseAtB)).toBeNull();
    expect(caseAccess(v(['manager'], ['site-b']), { siteIds: ['site-a', 'site-b'] })).toBe('exists');
    expect(canSeeComplainantWarning(v(['manager'], ['site-a']), 'site-b')).toBe(false);
    expect(canListCases(v(['manager'], []))).toBe(true);
  });

  it('roles add up; admin adds nothing', () => {
    expect(caseAccess(v(['admin', 'legal']), caseAtB)).toBe('write');
    expect(caseAccess(v(['admin', 'manager']), caseAtA)).toBe('exists');
    expect(canListCases(v(['admin', 'counselor', 'staff', 'guard']))).toBe(false);
  });
});
