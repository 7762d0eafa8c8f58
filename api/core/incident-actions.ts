/**
 * People's actions on incidents (acknowledge, respond, close, cancel, notes: api/domain/incident.ts `transition`)
 * and the console's panic button. Each is one transaction in the database, taken before anyone is told: a person
 * is waiting on the answer. Then consoles hear it on the bus, and a bell whose incident changed state is told.
 */
import type { Logger } from 'pino';
import { ulid } from '../ids.ts';
import type { Mode } from '../contract/index.ts';
import { ackStateFor, isActive, newIncidentState, type IncidentAction, type TimelineDraft } from '../domain/index.ts';
import type { IncidentRecord } from '../store/index.ts';
import type { CoreMetrics } from './metrics.ts';
import { frozenPolicy, planFirstAlert } from './new-incident.ts';
import type { OpenIncidents } from './open-incidents.ts';
import type { BellLink, FirstAlertPort, IncidentWrites, Now, PlaceBook } from './ports.ts';

export class NotFoundError extends Error {}

export interface ConsoleAlarm {
  siteId: string;
  counterId: string;
  violence: boolean;
  by: string;
  note?: string | undefined;
  mode?: Mode;
  jointPoliceDrill?: boolean;
}

export interface IncidentActionsDeps {
  store: IncidentWrites;
  incidents: OpenIncidents;
  places: PlaceBook;
  metrics: Pick<CoreMetrics, 'incidentsOpened'>;
  logger: Logger;
  now: Now;
  newIncidentId?: () => string;
  firstAlert?: FirstAlertPort | undefined;
}

export class IncidentActions {
  private link: BellLink | undefined;
  private readonly newId: () => string;

  constructor(private readonly deps: IncidentActionsDeps) {
    this.newId = deps.newIncidentId ?? (() => `inc_${ulid()}`);
  }

  attach(link: BellLink): void {
    this.link = link;
  }

  /** A person's action, under a row lock in the database; then consoles and the bell are told. */
  async act(incidentId: string, action: IncidentAction): Promise<IncidentRecord> {
    const { incidents } = this.deps;
    await incidents.written(incidentId);
    const result = await this.deps.store.applyAction(incidentId, action, this.deps.now());
    if (!result) throw new NotFoundError(`incident ${incidentId} does not exist`);
    const before = incidents.get(incidentId)?.status;
    const record = incidents.adopt(result.record);
    incidents.tell(isActive(record.status) ? 'incident.changed' : 'incident.closed', record, { scope: 'cluster', escalation: true });
    const state = ackStateFor(record.status);
    if (record.bellId && record.openingSeq !== null && (!before || ackStateFor(before) !== state)) {
      this.link?.sendAck(record.bellId, { seq: record.openingSeq, incident: record.id, state });
    }
    return record;
  }

  /** The software panic button: stored first (a person is waiting on the answer), then rung. */
  async raiseFromConsole(opts: ConsoleAlarm): Promise<IncidentRecord> {
    const openedAt = this.deps.now();
    const mode = opts.mode ?? 'live';
    const record: IncidentRecord = {
      ...newIncidentState({ mode, violence: opts.violence, openedAt }),
      id: this.newId(),
      siteId: opts.siteId,
      counterId: opts.counterId,
      bellId: null,
      openingSeq: null,
      source: 'console',
      raisedBy: opts.by,
      // A person at a console raised it: nothing to confirm.
      unconfirmed: false,
      escalationPolicy: frozenPolicy(this.deps.places, opts.siteId),
      // Only a drill can be a joint police drill.
      jointPoliceDrill: mode === 'drill' && (opts.jointPoliceDrill ?? false),
    };
    const entries: TimelineDraft[] = [
      { kind: 'console_alarm', at: openedAt, actorId: opts.by, data: { violence: opts.violence, ...(opts.note ? { note: opts.note } : {}) } },
    ];
    const firstAlert = planFirstAlert(this.deps.firstAlert, record, this.deps.logger);
    const stored = await this.deps.store.insertIncident(record, [...entries, ...(firstAlert?.entries ?? [])], firstAlert?.rows);
    if (firstAlert) this.deps.firstAlert?.send(record, firstAlert, Promise.resolve(new Set(stored)));
    record.revision = 0;
    this.deps.incidents.remember(record);
    this.deps.incidents.tell('incident.opened', record, { scope: 'cluster', escalation: !firstAlert });
    this.deps.metrics.incidentsOpened.inc({ mode, source: 'console' });
    return record;
  }
}
