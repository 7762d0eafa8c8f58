/** What each role may do in the console. The server enforces the same rules; this only hides buttons. */
import { canRaiseAlarmAt, hasRole, type Me } from '../../api/contract/index.ts';

/** Guards, managers and admins: the console rings for them; they acknowledge and record events. */
export function isResponder(me: Me): boolean {
  return hasRole(me, 'guard', 'manager', 'admin');
}

export function canCloseIncidents(me: Me): boolean {
  return hasRole(me, 'manager', 'admin');
}

export function canSeeBells(me: Me): boolean {
  return isResponder(me);
}

/** Who is told when a roster leaves nobody on duty: the people who answer alarms (the server allows the same). */
export function canSeeDutyWarnings(me: Me): boolean {
  return isResponder(me);
}

/**
 * The panic button is the counter staff's, at a site where the server lets them raise (canRaiseAlarmAt). The server
 * lets guards, managers and admins raise too, but on the guards' wall a large panic button would push the open
 * incidents down, so their screens keep the incidents first.
 */
export function canRaiseAlarm(me: Me): boolean {
  return hasRole(me, 'staff') && me.siteIds.some((siteId) => canRaiseAlarmAt(me, siteId));
}

/** Counter staff without a responder role: they see only their own incidents, silently. */
export function isStaffOnly(me: Me): boolean {
  return hasRole(me, 'staff') && !isResponder(me);
}
