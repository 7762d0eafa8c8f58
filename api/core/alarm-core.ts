import type { Logger } from 'pino';
import { ulid } from 'ulidx';
import type { Ack } from '../../firmware-bridge/protocol/index.ts';
import type {
  BellEventSignal, BellHeartbeatSignal, BellRecord, BellSignalSink, BellStatusSignal, Rejection,
} from '../../gateway/index.ts';
import { clockSkewMs, isSecurityRejection, LOW_BATTERY_PERCENT } from '../../gateway/index.ts';
import type { BellSupervisor } from './bell-supervisor.ts';
import type { Mode } from '../contract/index.ts';
import {
  ackStateFor, decideBellEvent, isActive, newIncidentState, policyOf, transition, type EscalationPolicy, type IncidentAction, type TimelineDraft,
} from '../domain/index.ts';
import type { BellEventWrite, BellEventWriteResult, DirectoryStore, FirstAlertRows, IncidentRecord, IncidentStore } from '../store/index.ts';
import type { BusEvents, BusMeta, BusPort, BusScope } from '../bus/index.ts';
import type { Incident } from '../contract/index.ts';
import type { CoreMetrics } from './metrics.ts';
import type { Places } from './places.ts';
import { mergeIncidentView, presentIncident } from './present.ts';
import { WriteQueue } from './write-queue.ts';
import { judgeSequence, resetSequence, restartCounting, sameEvent, type EventContent, type SequenceState } from '../domain/bell-sequence.ts';

/** The way back to bells: acks and rejections go out through the gateway. */
export interface BellLink {
  sendAck(bellId: string, ack: Ack): void;
  reject(r: Rejection): void;
}

export interface AlarmCoreDeps {
  incidents: IncidentStore;
  directory: DirectoryStore;
  places: Places;
  /** Consoles, escalation, drills and the other processes hear of every change through the bus. */
  bus: BusPort;
  metrics: CoreMetrics;
  logger: Logger;
  now?: () => Date;
  newIncidentId?: () => string;
  supervisor: BellSupervisor;
  /** Sends a new incident's at-once escalation steps from memory (principle 1); without it the engine does, once stored. */
  firstAlert?: FirstAlertPort;
  /** Decides, from memory, whether a bell event belongs to a running drill (drills/routing.ts); without it every press is live. */
  drills?: DrillModePort;
}

/** Principle 2 at the edge: the drill a bell event belongs to, or null (live, the safe side). Must not throw or wait. */
export interface DrillModePort {
  route(ev: { bellId: string; deviceId?: string | null | undefined; siteId: string; counterId: string; type: string; receivedAt: Date }, liveOpenAtSite: () => boolean): DrillModeDecision | null;
  /** A drill's press opened this incident. */
  opened(decision: DrillModeDecision, incidentId: string): void;
}

export interface DrillModeDecision {
  drillId: string;
  jointPoliceDrill: boolean;
  /** Pressed by the drill's own virtual bell: source `drill`. */
  virtual: boolean;
}

/** A new incident's at-once steps: rows stored with the incident, and their timeline entries. */
export interface FirstAlertPlan {
  rows: FirstAlertRows;
  entries: TimelineDraft[];
}

export interface FirstAlertPort {
  plan(record: IncidentRecord): FirstAlertPlan | null;
  /** Starts sending; `stored` resolves with the ids of the notification rows once they are in the database. */
  send(record: IncidentRecord, plan: FirstAlertPlan, stored: Promise<ReadonlySet<string>>): void;
}

interface SeenEvent {
  record: IncidentRecord | null;
  stored: boolean;
  /** What the event said, to tell a retransmission from a restarted counter reusing the seq. */
  said?: EventContent;
}

interface BellMemory {
  seq: SequenceState;
  events: Map<number, SeenEvent>;
}

/** Recent events remembered per bell, so retransmissions are answered without the database. */
const REMEMBERED_PER_BELL = 64;

export class NotFoundError extends Error {}

/**
 * The alarm core (DESIGN.md principle 1): a valid press reaches the consoles at once, is stored in order
 * (retrying while the database is away), and only then is the bell told `received`.
 */
export class AlarmCore implements BellSignalSink {
  private readonly open = new Map<string, IncidentRecord>();
  private readonly openByBell = new Map<string, IncidentRecord>();
  private readonly bells = new Map<string, BellMemory>();
  /** Incidents shown to consoles but not yet stored; a person's action on one waits for its write. */
  /** When the last press of each open incident came, for the confirmation rule's window. */
  private readonly lastPressAt = new Map<string, Date>();
  private readonly unstored = new Map<string, { done: Promise<void>; settle: () => void }>();
  private readonly queue: WriteQueue<BellEventWrite, BellEventWriteResult>;
  private link: BellLink | undefined;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: AlarmCoreDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newIncidentId ?? (() => `inc_${ulid()}`);
    this.queue = new WriteQueue(deps.logger, (writes) => deps.incidents.writeBellEvents(writes), {
      failed: () => deps.metrics.storeFailures.inc(),
      size: (n) => deps.metrics.pendingWrites.set(n),
    });
  }

  attach(link: BellLink): void {
    this.link = link;
  }

  private unsubscribe: (() => void)[] = [];

  /** Loads open incidents and each bell's last sequence number, so a restart resumes where it was. */
  async start(): Promise<void> {
    await this.reloadOpen();
    for (const [bellId, state] of await this.deps.incidents.sequenceStates()) this.memory(bellId).seq = state;
    // Other processes' changes keep the open-incident memory true (it is still only a proposal: the write decides).
    for (const type of ['incident.opened', 'incident.changed', 'incident.closed'] as const) {
      this.unsubscribe.push(this.deps.bus.on(type, (e, meta) => this.heard(e, meta)));
    }
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.queue.stop();
  }

  /** Reads the open incidents again (after the bus may have missed events). */
  async reloadOpen(): Promise<void> {
    const stored = await this.deps.incidents.openIncidents();
    const ids = new Set(stored.map((r) => r.id));
    for (const r of [...this.open.values()]) if (!ids.has(r.id) && !this.unstored.has(r.id)) this.forget(r);
    for (const r of stored) this.adopt(r);
  }

  private readonly refreshing = new Set<string>();

  /** Another process changed an incident: closed ones are forgotten, open ones merged or read. */
  private heard(e: BusEvents['incident.changed'], meta: BusMeta): void {
    if (meta.local) return;
    const view = e.incident as Incident;
    const known = this.open.get(view.id);
    if (known) {
      if ((known.revision ?? 0) > (view.revision ?? 0)) return;
      mergeIncidentView(known, view);
      if (!isActive(known.status)) this.forget(known);
      return;
    }
    if (!isActive(view.status as IncidentRecord['status']) || this.refreshing.has(view.id)) return;
    this.refreshing.add(view.id);
    this.refresh(view.id)
      .catch((err: unknown) => this.deps.logger.warn({ err, incidentId: view.id }, 'incident of another process not read'))
      .finally(() => this.refreshing.delete(view.id));
  }

  /** Resolves when every event shown to consoles has been stored. */
  idle(timeoutMs?: number): Promise<boolean> {
    return this.queue.idle(timeoutMs);
  }

  get pendingWrites(): number {
    return this.queue.length;
  }

  openIncidentsInMemory(): IncidentRecord[] {
    return [...this.open.values()];
  }

  onEvent(s: BellEventSignal, bell: BellRecord): void {
    this.handleEvent(s, bell).catch((err: unknown) => this.deps.logger.error({ err, bellId: s.bellId, seq: s.seq }, 'event handling failed'));
  }

  private async handleEvent(s: BellEventSignal, bell: BellRecord): Promise<void> {
    const mem = this.memory(s.bellId);
    const origin = bell.keyHex ? 'signed' : bell.ownCredential && s.transport === 'mqtt' ? 'own_credential' : 'unproven';
    const verdict = judgeSequence(mem.seq, { seq: s.seq, boot: s.boot, origin });
    if (verdict.kind === 'replay') return this.rejectReplay(s, verdict.detail);
    if (verdict.kind === 'old') {
      const seen = mem.events.get(s.seq);
      // A retransmission repeats its event; from the bell's own login, other content on the seq is a restarted counter.
      const reused = verdict.ifUnseen === 'restart' && seen?.said !== undefined && !sameEvent(seen.said, s);
      if (seen && !reused) {
        // A retransmission: answer the current state cheaply, or stay silent until it is stored.
        this.deps.metrics.retransmissions.inc({ state: seen.stored ? 'stored' : 'pending' });
        if (seen.stored) this.reply(s, seen.record);
        return;
      }
      if (!reused && (await this.answerOldSeq(s, mem.seq.epoch, verdict.ifUnseen))) return;
      if (verdict.ifUnseen === 'replay') return this.rejectReplay(s, `seq ${s.seq} is not above the last seq ${mem.seq.last?.seq} of bell ${s.bellId} and was never received`);
      this.newRun(mem, restartCounting(mem.seq, { seq: s.seq, boot: s.boot, origin }), s, 'counter');
    } else if (verdict.kind === 'restart') this.newRun(mem, verdict.state, s, verdict.why);
    else mem.seq = verdict.state;
    const entry: SeenEvent = { record: null, stored: false, said: { type: s.type, at: s.at, receivedAt: s.receivedAt } };
    remember(mem, s.seq, entry);
    const { write, firstAlert } = this.applyBellEvent(s, bell, entry);
    let alertStored: (ids: ReadonlySet<string>) => void = () => undefined;
    const stored = new Promise<ReadonlySet<string>>((resolve) => (alertStored = resolve));
    this.queue.push({
      item: write,
      after: (result) => {
        alertStored(new Set(result.firstAlertStored ?? []));
        this.afterStored(s, entry, write, result);
      },
    });
    if (firstAlert && entry.record) this.deps.firstAlert?.send(entry.record, firstAlert, stored);
    this.updateBellAfterEvent(s);
  }

  /** An old seq not in memory: answers it when it is a retransmission of something stored long ago (true). */
  private async answerOldSeq(s: BellEventSignal, epoch: number, ifUnseen: 'replay' | 'restart'): Promise<boolean> {
    let found: Awaited<ReturnType<IncidentStore['findStoredEvent']>>;
    try {
      found = await this.deps.incidents.findStoredEvent(s.bellId, s.seq, epoch);
    } catch {
      return true; // database away: no answer, the bell retransmits
    }
    if (!found || (ifUnseen === 'restart' && !sameEvent({ type: found.type, at: found.bellAt ?? undefined, receivedAt: found.receivedAt }, s))) return false;
    this.deps.metrics.retransmissions.inc({ state: 'stored' });
    const record = found.incidentId ? (this.open.get(found.incidentId) ?? (await this.deps.incidents.get(found.incidentId))) : null;
    remember(this.memory(s.bellId), s.seq, { record, stored: true });
    this.reply(s, record);
    return true;
  }

  private rejectReplay(s: BellEventSignal, detail: string): void {
    this.link?.reject({ reason: 'replay', detail, transport: s.transport, bellId: s.bellId, at: s.receivedAt });
  }

  /** The bell started counting again: what was remembered of its old run answers nothing in the new one. */
  private newRun(mem: BellMemory, state: SequenceState, s: BellEventSignal, why: 'boot' | 'counter'): void {
    mem.seq = state;
    mem.events.clear();
    this.deps.logger.info({ bellId: s.bellId, seq: s.seq, boot: s.boot, epoch: state.epoch, why }, 'bell restarted its counting');
  }

  /** An administrator's "reset sequence" (audited by the caller): the bell's next event is heard whatever its seq. */
  async resetSequence(bellId: string): Promise<number> {
    const mem = this.memory(bellId);
    const next = resetSequence(mem.seq);
    await this.deps.incidents.raiseSequenceEpoch(bellId, next.epoch);
    mem.seq = next;
    mem.events.clear();
    return next.epoch;
  }

  /**
   * Decides the event's effect in memory, tells the consoles, and returns the write that makes it durable
   * (with a new incident's first alert, sent as soon as the write is queued).
   */
  private applyBellEvent(s: BellEventSignal, bell: BellRecord, entry: SeenEvent): { write: BellEventWrite; firstAlert?: FirstAlertPlan | null } {
    const drill = this.drillRoute(s, bell);
    const mode: Mode = drill ? 'drill' : 'live';
    const open = this.openByBell.get(`${s.bellId}|${mode}`) ?? null;
    const decision = decideBellEvent(s.type, open);
    const event = {
      bellId: s.bellId,
      epoch: this.memory(s.bellId).seq.epoch,
      seq: s.seq,
      boot: s.boot ?? null,
      type: s.type,
      receivedAt: s.receivedAt,
      bellAt: s.at ?? null,
      battery: s.battery ?? null,
      transport: s.transport,
    };
    const data = { seq: s.seq, transport: s.transport, ...(s.at ? { bellAt: s.at } : {}), ...(s.battery !== undefined ? { battery: s.battery } : {}) };
    switch (decision.kind) {
      case 'open': {
        // The confirmation rule (bell `confirm`): a first short press opens the incident unconfirmed, a hold is
        // confirmed at once.
        const unconfirmed = Boolean(bell.confirm) && s.type !== 'long_press';
        const record: IncidentRecord = {
          ...newIncidentState({ mode, violence: decision.violence, openedAt: s.receivedAt }),
          id: this.newId(),
          siteId: bell.siteId,
          counterId: bell.counterId,
          bellId: s.bellId,
          openingSeq: s.seq,
          source: drill?.virtual ? 'drill' : 'bell',
          raisedBy: null,
          escalationPolicy: this.frozenPolicy(bell.siteId),
          jointPoliceDrill: drill?.jointPoliceDrill ?? false,
          unconfirmed,
        };
        entry.record = record;
        if (drill) this.deps.drills?.opened(drill, record.id);
        this.lastPressAt.set(record.id, s.receivedAt);
        this.remember(record);
        this.markUnstored(record.id);
        this.tell('incident.opened', record, { scope: 'process', stored: false });
        this.deps.metrics.pressToConsole.observe((this.now().getTime() - s.receivedAt.getTime()) / 1000);
        this.deps.metrics.incidentsOpened.inc({ mode, source: 'bell' });
        const entries: TimelineDraft[] = [{ kind: s.type, at: s.receivedAt, actorId: null, data }];
        if (unconfirmed) entries.push({ kind: 'awaiting_confirmation', at: s.receivedAt, actorId: null, data: { within: bell.confirm!.within } });
        const firstAlert = this.planFirstAlert(record);
        return {
          write: { event, incident: { kind: 'insert', record: { ...record } }, entries: [...entries, ...(firstAlert?.entries ?? [])], firstAlert: firstAlert?.rows },
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
        entry.record = record;
        const confirmed = decision.kind === 'join' && this.confirmation(record, bell, s);
        if (confirmed) entries.push(confirmed);
        if (!isActive(record.status)) this.forget(record);
        this.tell(isActive(record.status) ? 'incident.changed' : 'incident.closed', record, { scope: 'process', stored: !this.unstored.has(record.id) });
        const change: BellEventWrite['incident'] =
          decision.kind === 'join'
            ? { kind: 'raise', id: record.id, violence: record.violence && !wasViolent, confirm: confirmed !== null }
            : record.status === 'cancelled'
              ? { kind: 'cancel_at_counter', id: record.id, at: s.receivedAt }
              : { kind: 'link', id: record.id };
        const fallback: IncidentRecord | undefined =
          decision.kind === 'join'
            ? { ...record, ...newIncidentState({ mode, violence: decision.longPress, openedAt: s.receivedAt }), id: this.newId(), openingSeq: s.seq, unconfirmed: false, escalationPolicy: this.frozenPolicy(record.siteId), revision: 0 }
            : undefined;
        return { write: { event, incident: change, entries: entries.map((e) => ({ ...e, data: { ...data, ...e.data } })), fallback } };
      }
      case 'record_only':
        return { write: { event, entries: [] } };
    }
  }

  /**
   * The policy a new incident runs by, resolved now (the site's own, or the default of this version) and kept
   * on the incident: a later edit or a deployment with another default does not change a running escalation.
   */
  private frozenPolicy(siteId: string): EscalationPolicy {
    return policyOf({ escalationPolicy: this.deps.places.site(siteId)?.escalationPolicy ?? null });
  }

  /** Asks the drills whether this event is theirs; any failure there leaves the press live (the safe side). */
  private drillRoute(s: BellEventSignal, bell: BellRecord): DrillModeDecision | null {
    if (!this.deps.drills) return null;
    try {
      const liveOpenAtSite = () => [...this.open.values()].some((i) => i.mode === 'live' && i.siteId === bell.siteId);
      return this.deps.drills.route({ bellId: s.bellId, deviceId: bell.deviceId, siteId: bell.siteId, counterId: bell.counterId, type: s.type, receivedAt: s.receivedAt }, liveOpenAtSite);
    } catch (err) {
      this.deps.logger.error({ err, bellId: s.bellId }, 'drill routing failed; the event is live');
      return null;
    }
  }

  private planFirstAlert(record: IncidentRecord): FirstAlertPlan | null {
    try {
      return this.deps.firstAlert?.plan(record) ?? null;
    } catch (err) {
      // The engine still fires the steps once the incident is stored.
      this.deps.logger.error({ err, incidentId: record.id }, 'first alert not planned; the escalation engine sends it once stored');
      return null;
    }
  }

  /**
   * A press that joins an unconfirmed incident confirms it when it is a hold, or comes within the bell's
   * `confirm.within` seconds of the previous press. Otherwise the incident stays open, unconfirmed, for the
   * guards to check: it is never cancelled for want of a second press, since it may be a real emergency
   * whose second press did not come (the person could not press again).
   */
  private confirmation(record: IncidentRecord, bell: BellRecord, s: BellEventSignal): TimelineDraft | null {
    const previous = this.lastPressAt.get(record.id) ?? record.openedAt;
    this.lastPressAt.set(record.id, s.receivedAt);
    if (!record.unconfirmed) return null;
    const afterMs = s.receivedAt.getTime() - previous.getTime();
    const withinMs = (bell.confirm?.within ?? 0) * 1000;
    // A bell whose rule was removed meanwhile: its next press confirms.
    const by = s.type === 'long_press' ? 'long_press' : !bell.confirm || afterMs <= withinMs ? 'second_press' : null;
    if (!by) return null;
    record.unconfirmed = false;
    return { kind: 'confirmed', at: s.receivedAt, actorId: null, data: { by, seq: s.seq, afterMs } };
  }

  private afterStored(s: BellEventSignal, entry: SeenEvent, write: BellEventWrite, result: BellEventWriteResult): void {
    this.deps.metrics.pressToStored.observe((this.now().getTime() - s.receivedAt.getTime()) / 1000);
    // Escalation re-reads an incident only when something it depends on changed: a plain re-press is not that.
    const change = write.incident;
    const provisional = change?.kind === 'insert' ? change.record.id : null;
    if (result.outcome === 'stored') {
      entry.stored = true;
      const record = entry.record;
      if (record && result.revision !== undefined) record.revision = Math.max(record.revision ?? 0, result.revision);
      if (record && result.reference) record.reference = result.reference;
      // A new incident stored with its steps (the first alert's plan) is armed already.
      const escalation = (change?.kind === 'insert' && !write.firstAlert) || change?.kind === 'cancel_at_counter' || (change?.kind === 'raise' && (change.violence || change.confirm === true));
      if (provisional && record) this.settleUnstored(provisional);
      if (record && change) {
        const type = provisional ? 'incident.opened' : isActive(record.status) ? 'incident.changed' : 'incident.closed';
        this.tell(type, record, { scope: 'cluster', escalation });
      }
      if (change?.kind === 'cancel_at_counter' && !result.cancelApplied && record) {
        this.refresh(record.id).then((r) => r && this.tell('incident.changed', r, { scope: 'cluster' }))
          .catch((err: unknown) => this.deps.logger.warn({ err }, 'refreshing a cancelled incident failed'));
      }
      this.reply(s, record);
      return;
    }
    // The database decided otherwise than memory: stored before (a retransmission another process took), joined
    // to an incident another process opened, or a new incident because the one memory named was closed.
    const shown = entry.record;
    if (provisional) {
      const mine = this.open.get(provisional);
      if (mine) this.forget(mine);
      this.settleUnstored(provisional);
    }
    entry.stored = true;
    void (async () => {
      if (provisional && shown) {
        // Consoles here were shown an incident that will never exist: withdraw it at once.
        this.tell('incident.closed', { ...shown, status: 'cancelled', closedAt: s.receivedAt, outcome: `joined ${result.incidentId ?? ''}`.trim() }, { scope: 'process', stored: false });
      } else if (shown && shown.id !== result.incidentId) {
        const truth = await this.refresh(shown.id);
        if (truth) this.tell(isActive(truth.status) ? 'incident.changed' : 'incident.closed', truth, { scope: 'cluster' });
      }
      const record = result.incidentId ? await this.refresh(result.incidentId) : null;
      if (record && result.outcome === 'joined_existing') this.tell(shown?.id === record.id ? 'incident.changed' : 'incident.opened', record, { scope: 'cluster', escalation: true });
      entry.record = record;
      this.reply(s, record);
    })().catch((err: unknown) => this.deps.logger.error({ err }, 'reconciling a duplicate event failed'));
  }

  /** A person's action, under a row lock in the database; then consoles and the bell are told. */
  async act(incidentId: string, action: IncidentAction): Promise<IncidentRecord> {
    await this.unstored.get(incidentId)?.done;
    const result = await this.deps.incidents.applyAction(incidentId, action, this.now());
    if (!result) throw new NotFoundError(`incident ${incidentId} does not exist`);
    const before = this.open.get(incidentId)?.status;
    const record = this.adopt(result.record);
    this.tell(isActive(record.status) ? 'incident.changed' : 'incident.closed', record, { scope: 'cluster', escalation: true });
    const state = ackStateFor(record.status);
    if (record.bellId && record.openingSeq !== null && (!before || ackStateFor(before) !== state)) {
      this.link?.sendAck(record.bellId, { seq: record.openingSeq, incident: record.id, state });
    }
    return record;
  }

  /** The software panic button: stored first (a person is waiting on the answer), then rung. */
  async raiseFromConsole(opts: {
    siteId: string; counterId: string; violence: boolean; by: string; note?: string | undefined; mode?: Mode; jointPoliceDrill?: boolean;
  }): Promise<IncidentRecord> {
    const openedAt = this.now();
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
      escalationPolicy: this.frozenPolicy(opts.siteId),
      // Only a drill can be a joint police drill.
      jointPoliceDrill: mode === 'drill' && (opts.jointPoliceDrill ?? false),
    };
    const entries: TimelineDraft[] = [
      { kind: 'console_alarm', at: openedAt, actorId: opts.by, data: { violence: opts.violence, ...(opts.note ? { note: opts.note } : {}) } },
    ];
    const firstAlert = this.planFirstAlert(record);
    const stored = await this.deps.incidents.insertIncident(record, [...entries, ...(firstAlert?.entries ?? [])], firstAlert?.rows);
    if (firstAlert) this.deps.firstAlert?.send(record, firstAlert, Promise.resolve(new Set(stored)));
    record.revision = 0;
    this.remember(record);
    this.tell('incident.opened', record, { scope: 'cluster', escalation: !firstAlert });
    this.deps.metrics.incidentsOpened.inc({ mode, source: 'console' });
    return record;
  }

  onHeartbeat(s: BellHeartbeatSignal): void {
    this.deps.supervisor.observe(s.bellId, {
      online: true,
      lastSeenAt: s.receivedAt,
      ...(s.battery !== undefined ? { battery: s.battery } : {}),
      ...(s.rssi !== undefined ? { rssi: s.rssi } : {}),
      ...(s.fw !== undefined ? { fw: s.fw } : {}),
    });
  }

  onStatus(s: BellStatusSignal): void {
    this.deps.supervisor.observe(s.bellId, s.online ? { online: true, lastSeenAt: s.receivedAt } : { online: false });
  }

  onRejected(r: Rejection, bell: BellRecord | undefined): void {
    if (!isSecurityRejection(r.reason) || !r.bellId) return;
    const alert = { bellId: r.bellId, siteId: bell?.siteId ?? null, reason: r.reason, detail: r.detail, at: r.at };
    this.deps.bus.emit('security.alert', { alert: { ...alert, at: r.at.toISOString() } });
    this.deps.directory.addSecurityAlert(alert).catch((err: unknown) => this.deps.logger.warn({ err }, 'security alert not stored'));
  }

  private updateBellAfterEvent(s: BellEventSignal): void {
    const skew = clockSkewMs(s.at, s.receivedAt);
    this.deps.supervisor.observe(s.bellId, {
      online: true,
      lastSeenAt: s.receivedAt,
      ...(s.battery !== undefined ? { battery: s.battery } : {}),
      // A low-battery report without a level still means "low": record it just under the threshold.
      ...(s.type === 'low_battery' && s.battery === undefined ? { battery: LOW_BATTERY_PERCENT - 1 } : {}),
      ...(s.type === 'test' ? { lastTestAt: s.receivedAt } : {}),
      ...(s.type === 'tamper' ? { tamperAt: s.receivedAt } : {}),
      ...(skew !== null ? { clockSkewMs: skew } : {}),
    });
  }

  /** Tells consoles, escalation, drills and (scope) the other processes about an incident. */
  private tell(type: 'incident.opened' | 'incident.changed' | 'incident.closed', record: IncidentRecord, opts: { scope: BusScope; stored?: boolean; escalation?: boolean }): void {
    this.deps.bus.emit(type, { incident: presentIncident(record, this.deps.places, opts.stored ?? true), raisedBy: record.raisedBy, escalation: opts.escalation ?? false }, { scope: opts.scope });
  }

  private reply(s: BellEventSignal, record: IncidentRecord | null): void {
    const ack: Ack = record ? { seq: s.seq, incident: record.id, state: ackStateFor(record.status) } : { seq: s.seq, state: 'received' };
    s.reply(ack);
  }

  private async refresh(id: string): Promise<IncidentRecord | null> {
    const fresh = await this.deps.incidents.get(id);
    return fresh ? this.adopt(fresh) : null;
  }

  /** Updates the cached record in place, so every reference (remembered events) sees the new state. */
  private adopt(fresh: IncidentRecord): IncidentRecord {
    const cached = this.open.get(fresh.id);
    const record = cached ? Object.assign(cached, fresh) : fresh;
    if (isActive(record.status)) this.remember(record);
    else this.forget(record);
    return record;
  }

  private remember(r: IncidentRecord): void {
    this.open.set(r.id, r);
    if (r.bellId) this.openByBell.set(`${r.bellId}|${r.mode}`, r);
  }

  private forget(r: IncidentRecord): void {
    this.open.delete(r.id);
    this.lastPressAt.delete(r.id);
    const key = `${r.bellId}|${r.mode}`;
    if (r.bellId && this.openByBell.get(key) === r) this.openByBell.delete(key);
  }

  private markUnstored(id: string): void {
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.unstored.set(id, { done, settle });
  }

  private settleUnstored(id: string): void {
    this.unstored.get(id)?.settle();
    this.unstored.delete(id);
  }

  private memory(bellId: string): BellMemory {
    let m = this.bells.get(bellId);
    if (!m) {
      m = { seq: { epoch: 0, last: null }, events: new Map() };
      this.bells.set(bellId, m);
    }
    return m;
  }
}

function remember(mem: BellMemory, seq: number, entry: SeenEvent): void {
  mem.events.set(seq, entry);
  if (mem.events.size > REMEMBERED_PER_BELL) {
    const oldest = mem.events.keys().next().value;
    if (oldest !== undefined) mem.events.delete(oldest);
  }
}
