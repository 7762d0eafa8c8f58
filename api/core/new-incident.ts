/**
 * What every new incident gets, whoever opens it (a bell's press in bell-intake.ts, the console's panic button in
 * incident-actions.ts): its escalation policy frozen, and its first alert planned.
 */
import type { Logger } from 'pino';
import { policyOf, type EscalationPolicy } from '../domain/index.ts';
import type { IncidentRecord } from '../store/index.ts';
import type { FirstAlertPlan, FirstAlertPort, PlaceBook } from './ports.ts';

/**
 * The policy a new incident runs by, resolved now (the site's own, or the default of this version) and kept
 * on the incident: a later edit or a deployment with another default does not change a running escalation.
 */
export function frozenPolicy(places: Pick<PlaceBook, 'site'>, siteId: string): EscalationPolicy {
  return policyOf({ escalationPolicy: places.site(siteId)?.escalationPolicy ?? null });
}

/** The first alert's plan, or null; a failure here leaves it to the escalation engine once the incident is stored. */
export function planFirstAlert(firstAlert: FirstAlertPort | undefined, record: IncidentRecord, logger: Logger): FirstAlertPlan | null {
  try {
    return firstAlert?.plan(record) ?? null;
  } catch (err) {
    logger.error({ err, incidentId: record.id }, 'first alert not planned; the escalation engine sends it once stored');
    return null;
  }
}
