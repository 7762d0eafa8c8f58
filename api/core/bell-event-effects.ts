/**
 * What a bell event does to incidents (api/domain/bell-event-policy.ts decides it): from memory at once — a new
 * incident shown to consoles, a re-press joined, a cancel at the counter — and the write that makes it durable.
 * Once the write is done, the effect is confirmed to consoles and the other processes, or, where the database
 * decided otherwise (another process opened or closed the incident meanwhile), corrected.
 */
import type { Logger } from 'pino';
import type { BellEventSignal, BellRecord } from '../../gateway/index.ts';
import type { Mode } from '../contract/index.ts';
import {
  awaitingConfirmation, confirmationBy, decideBellEvent, isActive, newIncidentState, opensUnconfirmed, transition,
  type IncidentAction, type TimelineDraft,
} from '../domain/index.ts';
import type { BellEventWrite, BellEventWriteResult, IncidentRecord } from '../store/index.ts';
import type { CoreMetrics } from './metrics.ts';
import { frozenPolicy, planFirstAlert } from './new-incident.ts';
import type { OpenIncidents } from './open-incidents.ts';
import type { DrillModeDecision, DrillModePort, FirstAlertPlan, FirstAlertPort, Now, PlaceBook } from './ports.ts';

export interface BellEventEffectsDeps {
  incidents: OpenIncidents;
  places: PlaceBook;
  metrics: Pick<CoreMetrics, 'incidentsOpened' | 'pressToConsole'>;
  logger: Logger;
  now: Now;
  newIncidentId: () => string;
  firstAlert?: FirstAlertPort | undefined;
  drills?: DrillModePort | undefined;
}

export interface BellEventEffect {
  write: BellEventWrite;
  /** The incident the event belongs to in memory (what the bell is answered with), null for none. */
  record: IncidentRecord | null;
  /** A new incident's first alert, sent as soon as the write is queued. */
  firstAlert?: FirstAlertPlan | null;
}

export class BellEventEffects {
  constructor(private readonly deps: BellEventEffectsDeps) {}

  /** Decides the event's effect in memory, tells the consoles, and returns the write that makes it durable. */
  apply(s: BellEventSignal, bell: BellRecord, run: { epoch: number; late: boolean }): BellEventEffect {
    const { incidents } = this.deps;
    const { epoch } = run;
    const drill = this.drillRoute(s, bell);
    const mode: Mode = drill ? 'drill' : 'live';
    const open = incidents.ofBell(s.bellId, mode);
    const decision = decideBellEvent(s.type, open, { late: run.late });
    const event = {
      bellId: s.bellId, epoch, seq: s.seq, boot: s.boot ?? null, type: s.type, receivedAt: s.receivedAt, bellAt: s.at ?? null,
      battery: s.battery ?? null, transport: s.transport,
    };
    const data = { seq: s.seq, transport: s.transport, ...(s.at ? { bellAt: s.at } : {}), ...(s.battery !== undefined ? { battery: s.battery } : {}) };
    switch (decision.kind) {
      case 'open': {
        const record: IncidentRecord = {
          ...newIncidentState({ mode, violence: decision.violence, openedAt: s.receivedAt }),
          id: this.deps.newIncidentId(),
          siteId: bell.siteId,
          counterId: bell.counterId,
          bellId: s.bellId,
          openingSeq: s.seq,
          source: drill?.virtual ? 'drill' : 'bell',
          raisedBy: null,
          escalationPolicy: frozenPolicy(this.deps.places, bell.siteId),
          jointPoliceDrill: drill?.jointPoliceDrill ?? false,
          unconfirmed: opensUnconfirmed(bell.confirm, s.type),
        };
        if (drill) this.deps.drills?.opened(drill, record.id);
        incidents.openedUnstored(record);
        // Every process's consoles ring from memory, not only this one's: the others would otherwise wait for the
        // write (a batch commit) before they ring. The stored event follows under the same id.
        incidents.tell('incident.opened', record, { scope: 'cluster', stored: false });
        this.deps.metrics.pressToConsole.observe((this.deps.now().getTime() - s.receivedAt.getTime()) / 1000);
        this.deps.metrics.incidentsOpened.inc({ mode, source: 'bell' });
        const awaiting = awaitingConfirmation(bell.confirm, s.type, s.receivedAt);
        const entries: TimelineDraft[] = [{ kind: s.type, at: s.receivedAt, actorId: null, data }, ...(awaiting ? [awaiting] : [])];
        const firstAlert = planFirstAlert(this.deps.firstAlert, record, this.deps.logger);
        return {
          write: { event, incident: { kind: 'insert', record: { ...record } }, entries: [...entries, ...(firstAlert?.entries ?? [])], firstAlert: firstAlert?.rows },
          record,
          firstAlert,
        };
      }
      case 'join':
      case 'cancel': {
        const record = open!;
        const wasViolent = record.violence;
        const action: IncidentAction =
          decision.kind === 'join' ? { type: 're_press', seq: s.seq, longPress: decision.longPress } : { type: 'bell_cancel', seq: s.seq };
        const { state, entries } = transition(record, action, s.receivedAt);
        Object.assign(record, state);
        let confirmed: TimelineDraft | null = null;
        if (decision.kind === 'join') {
          const previous = incidents.pressed(record, s.receivedAt);
          confirmed = confirmationBy(record, bell.confirm, previous, { type: s.type, seq: s.seq, receivedAt: s.receivedAt });
          if (confirmed) {
            record.unconfirmed = false;
            entries.push(confirmed);
          }
        }
        if (!isActive(record.status)) incidents.forget(record);
        incidents.tell(isActive(record.status) ? 'incident.changed' : 'incident.closed', record, { scope: 'process', stored: !incidents.isUnstored(record.id) });
        const change: BellEventWrite['incident'] =
          decision.kind === 'join'
            ? { kind: 'raise', id: record.id, violence: record.violence && !wasViolent, confirm: confirmed !== null }
            : record.status === 'cancelled'
              ? { kind: 'cancel_at_counter', id: record.id, at: s.receivedAt }
              : { kind: 'link', id: record.id };
        const fallback: IncidentRecord | undefined =
          decision.kind === 'join'
            ? {
                ...record, ...newIncidentState({ mode, violence: decision.longPress, openedAt: s.receivedAt }), id: this.deps.newIncidentId(), openingSeq: s.seq,
                unconfirmed: false, escalationPolicy: frozenPolicy(this.deps.places, record.siteId), revision: 0,
              }
            : undefined;
        return { write: { event, incident: change, entries: entries.map((e) => ({ ...e, data: { ...data, ...e.data } })), fallback }, record };
      }
      case 'late_cancel': {
        const record = open!;
        return { write: { event, incident: { kind: 'link', id: record.id }, entries: [{ kind: 'cancel_pressed_late', at: s.receivedAt, actorId: null, data: { ...data, late: true } }] }, record };
      }
      case 'record_only':
        return { write: { event, entries: [] }, record: null };
    }
  }

  /** The write went as memory decided: consoles and the other processes hear it as stored. */
  stored(write: BellEventWrite, record: IncidentRecord | null, result: Extract<BellEventWriteResult, { outcome: 'stored' }>): void {
    const { incidents } = this.deps;
    const change = write.incident;
    const provisional = change?.kind === 'insert' ? change.record.id : null;
    if (record && result.revision !== undefined) record.revision = Math.max(record.revision ?? 0, result.revision);
    if (record && result.reference) record.reference = result.reference;
    // Escalation re-reads an incident only when something it depends on changed: a plain re-press is not that.
    // A new incident stored with its steps (the first alert's plan) is armed already.
    const escalation = (change?.kind === 'insert' && !write.firstAlert) || change?.kind === 'cancel_at_counter' || (change?.kind === 'raise' && (change.violence || change.confirm === true));
    if (provisional && record) incidents.settled(provisional);
    if (record && change) {
      const type = provisional ? 'incident.opened' : isActive(record.status) ? 'incident.changed' : 'incident.closed';
      incidents.tell(type, record, { scope: 'cluster', escalation });
    }
    if (change?.kind === 'cancel_at_counter' && !result.cancelApplied && record) {
      incidents.refresh(record.id).then((r) => r && incidents.tell('incident.changed', r, { scope: 'cluster' }))
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'refreshing a cancelled incident failed'));
    }
  }

  /**
   * The database decided otherwise than memory: stored before (a retransmission another process took), joined
   * to an incident another process opened, or a new incident because the one memory named was closed. Consoles
   * are corrected; resolves with the incident the event belongs to.
   */
  async reconcile(s: BellEventSignal, write: BellEventWrite, shown: IncidentRecord | null, result: BellEventWriteResult): Promise<IncidentRecord | null> {
    const { incidents } = this.deps;
    const change = write.incident;
    const provisional = change?.kind === 'insert' ? change.record.id : null;
    if (provisional) {
      const mine = incidents.get(provisional);
      if (mine) incidents.forget(mine);
      incidents.settled(provisional);
    }
    if (provisional && shown) {
      // Consoles on every process were shown an incident that will never exist: withdraw it at once.
      incidents.tell('incident.closed', { ...shown, status: 'cancelled', closedAt: s.receivedAt, outcome: `joined ${result.incidentId ?? ''}`.trim() }, { scope: 'cluster', stored: false });
    } else if (shown && shown.id !== result.incidentId) {
      const truth = await incidents.refresh(shown.id);
      if (truth) incidents.tell(isActive(truth.status) ? 'incident.changed' : 'incident.closed', truth, { scope: 'cluster' });
    }
    const record = result.incidentId ? await incidents.refresh(result.incidentId) : null;
    if (record && result.outcome === 'joined_existing') incidents.tell(shown?.id === record.id ? 'incident.changed' : 'incident.opened', record, { scope: 'cluster', escalation: true });
    return record;
  }

  /** Asks the drills whether this event is theirs; any failure there leaves the press live (the safe side). */
  private drillRoute(s: BellEventSignal, bell: BellRecord): DrillModeDecision | null {
    if (!this.deps.drills) return null;
    try {
      const liveOpenAtSite = () => this.deps.incidents.all().some((i) => i.mode === 'live' && i.siteId === bell.siteId);
      return this.deps.drills.route({ bellId: s.bellId, deviceId: bell.deviceId, siteId: bell.siteId, counterId: bell.counterId, type: s.type, receivedAt: s.receivedAt }, liveOpenAtSite);
    } catch (err) {
      this.deps.logger.error({ err, bellId: s.bellId }, 'drill routing failed; the event is live');
      return null;
    }
  }
}
