/** What each role may do in the console. The server enforces the same rules; this only hides buttons. */
import type { Me, Role } from '../../api/contract/index.ts';

function hasAny(me: Me, roles: readonly Role[]): boolean {
  return me.roles.some((role) => roles.includes(role));
}

/** Guards, managers and admins: the console rings for them; they acknowledge and record events. */
export function isResponder(me: Me): boolean {
  return hasAny(me, ['guard', 'manager', 'admin']);
}

export function canCloseIncidents(me: Me): boolean {
  return hasAny(me, ['manager', 'admin']);
}

export function canSeeBells(me: Me): boolean {
  return isResponder(me);
}

/** Who is told when a roster leaves nobody on duty: the people who answer alarms (the server allows the same). */
export function canSeeDutyWarnings(me: Me): boolean {
  return isResponder(me);
}

export function canRaiseAlarm(me: Me): boolean {
  return hasAny(me, ['staff']);
}

/** Counter staff without a responder role: they see only their own incidents, silently. */
export function isStaffOnly(me: Me): boolean {
  return hasAny(me, ['staff']) && !isResponder(me);
}
