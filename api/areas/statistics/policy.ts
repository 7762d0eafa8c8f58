/**
 * Who sees statistics and who imports incidents. Pure.
 * Statistics are counts and times, no names: managers for their sites; auditors, legal and admins for every
 * site. Imports add incidents: admins anywhere, managers at their sites. Everyone else is refused.
 */
import type { Role } from '../../contract/index.ts';

export interface StatViewer {
  roles: readonly Role[];
  siteIds: readonly string[];
}

/** The sites a person's statistics cover: 'all', their own, or null (refused). */
export function statisticsScope(u: StatViewer): 'all' | readonly string[] | null {
  if (u.roles.some((r) => r === 'admin' || r === 'auditor' || r === 'legal')) return 'all';
  if (u.roles.includes('manager')) return u.siteIds;
  return null;
}

export function canImportAt(u: StatViewer, siteId: string): boolean {
  return u.roles.includes('admin') || (u.roles.includes('manager') && u.siteIds.includes(siteId));
}

export function canImport(u: StatViewer): boolean {
  return u.roles.includes('admin') || u.roles.includes('manager');
}
