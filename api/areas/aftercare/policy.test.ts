import { describe, expect, it } from 'vitest';
import type { Role } from '../../contract/index.ts';
import { aftercareView, canAddStatement, canOpenRecord, canSeeRepeatTargeting, canWriteCare, type Viewer } from './policy.ts';

const record = { personId: 'victim', siteId: 'site-a' };
const viewer = (id: string, roles: Role[], siteIds: string[] = ['site-a']): Viewer => ({ id, roles, siteIds });

describe('aftercare need-to-know', () => {
  const cases: [string, Viewer, ReturnType<typeof aftercareView>, boolean, boolean, boolean][] = [
    // name, viewer, view, write care, open record, add statement
    ['counsellor', viewer('c', ['counselor'], []), 'full', true, true, false],
    ['the victim', viewer('victim', ['staff']), 'self', false, false, true],
    ['another staff member', viewer('other', ['staff']), null, false, false, false],
    ['manager of the site', viewer('m', ['manager']), 'status', false, true, false],
    ['manager of another site', viewer('m2', ['manager'], ['site-b']), null, false, false, false],
    ['auditor', viewer('au', ['auditor'], []), 'status', false, false, false],
    ['admin', viewer('ad', ['admin'], []), null, false, false, false],
    ['legal', viewer('l', ['legal'], []), null, false, false, false],
    ['guard', viewer('g', ['guard']), null, false, false, false],
  ];
  it.each(cases)('%s', (_name, u, view, write, open, statement) => {
    expect(aftercareView(u, record)).toBe(view);
    expect(canWriteCare(u)).toBe(write);
    expect(canOpenRecord(u, record.siteId)).toBe(open);
    expect(canAddStatement(u, record)).toBe(statement);
  });

  it('an admin who is also the victim sees their own record, without notes', () => {
    expect(aftercareView(viewer('victim', ['admin', 'staff']), record)).toBe('self');
  });

  it('repeat targeting is shown to counsellors and the site managers only', () => {
    expect(canSeeRepeatTargeting(viewer('c', ['counselor'], []), 'site-a')).toBe(true);
    expect(canSeeRepeatTargeting(viewer('m', ['manager']), 'site-a')).toBe(true);
    expect(canSeeRepeatTargeting(viewer('m', ['manager'], ['site-b']), 'site-a')).toBe(false);
    expect(canSeeRepeatTargeting(viewer('ad', ['admin'], []), 'site-a')).toBe(false);
  });
});
