/**
 * Bell intake (DESIGN.md principle 1): a valid bell event is judged against the bell's sequence memory, rung
 * from memory at once (bell-event-effects.ts), written in order through the WriteQueue (retrying while the
 * database is away), and only then is the bell told `received`. Retransmissions are answered from memory, or
 * from the database for events older than memory; replays are refused. A bell's sequence changed by another
 * process (`bell.sequence` on the bus) is forgotten here and read again.
 */
import type { Logger } from 'pino';
import type { Ack } from '../../firmware-bridge/protocol/index.ts';
import type { BellEventSignal, BellRecord } from '../../gateway/index.ts';
import { ackStateFor } from '../domain/index.ts';
import { judgeSequence, resetSequence, restartCounting, sameEvent, type SequenceState } from '../domain/bell-sequence.ts';
import { isStoreAway, type BellEventWrite, type BellEventWriteResult, type IncidentRecord, type IncidentStore } from '../store/index.ts';
import { BellMemories, type BellMemory, type SeenEvent } from './bell-memory.ts';
import type { BellEventEffects } from './bell-event-effects.ts';
import type { CoreMetrics } from './metrics.ts';
import type { OpenIncidents } from './open-incidents.ts';
import type { BellEventWrites, BellHealthHearing, BellLink, BusPort, FirstAlertPort, Now } from './ports.ts';
import { WriteQueue } from './write-queue.ts';

export interface BellIntakeDeps {
  store: BellEventWrites;
  incidents: OpenIncidents;
  effects: BellEventEffects;
  bus: BusPort;
  health: BellHealthHearing;
  metrics: Pick<CoreMetrics, 'retransmissions' | 'pressToStored' | 'storeFailures' | 'pendingWrites' | 'writesSetAside'>;
  logger: Logger;
  now: Now;
  firstAlert?: FirstAlertPort | undefined;
  /** The write queue's retry timing (tests shorten it). */
  retry?: { maxBatch: number; initialMs: number; maxMs: number };
}

export class BellIntake {
  private readonly memories: BellMemories;
  private readonly queue: WriteQueue<BellEventWrite, BellEventWriteResult>;
  private link: BellLink | undefined;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: BellIntakeDeps) {
    this.memories = new BellMemories({ store: deps.store, logger: deps.logger });
    this.queue = new WriteQueue(deps.logger, (writes) => deps.store.writeBellEvents(writes), {
      failed: () => deps.metrics.storeFailures.inc(),
      size: (n) => deps.metrics.pendingWrites.set(n),
      refusedItem: (err) => !isStoreAway(err),
    }, deps.retry);
  }

  attach(link: BellLink): void {
    this.link = link;
  }

  /** Loads each bell's last sequence number, so a restart resumes where it was. */
  async start(): Promise<void> {
    await this.memories.load();
    this.unsubscribe.push(this.deps.bus.on('bell.sequence', (e, meta) => {
      if (!meta.local) this.memories.forget(e.bellId, e.epoch);
    }));
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.queue.stop();
  }

  /** Reads every bell's sequence again, after the bus may have missed events. */
  reloadSequences(): Promise<void> {
    return this.memories.reloadAll();
  }

  /** Resolves when every event shown to consoles has been stored. */
  idle(timeoutMs?: number): Promise<boolean> {
    return this.queue.idle(timeoutMs);
  }

  get pendingWrites(): number {
    return this.queue.length;
  }

  onEvent(s: BellEventSignal, bell: BellRecord): void {
    this.handleEvent(s, bell).catch((err: unknown) => this.deps.logger.error({ err, bellId: s.bellId, seq: s.seq }, 'event handling failed'));
  }

  /** An administrator's "reset sequence" (audited by the caller): the bell's next event is heard whatever its seq. */
  async resetSequence(bellId: string): Promise<number> {
    const mem = await this.memories.get(bellId);
    const next = resetSequence(mem.seq);
    await this.deps.store.raiseSequenceEpoch(bellId, next.epoch);
    this.memories.newRun(mem, next);
    // The other processes' memory of this bell would refuse its next event: they read it again.
    this.deps.bus.emit('bell.sequence', { bellId, epoch: next.epoch, why: 'reset' });
    return next.epoch;
  }

  private async handleEvent(s: BellEventSignal, bell: BellRecord): Promise<void> {
    const got = this.memories.get(s.bellId);
    // Only a bell forgotten on another process's word waits (for its read); the rest keeps the arrival order.
    const mem = got instanceof Promise ? await got : got;
    const origin = bell.keyHex ? 'signed' : bell.ownCredential && s.transport === 'mqtt' ? 'own_credential' : 'unproven';
    const verdict = judgeSequence(mem.seq, { seq: s.seq, boot: s.boot, origin, at: s.at, receivedAt: s.receivedAt });
    if (verdict.kind === 'replay') return this.rejectReplay(s, verdict.detail);
    if (verdict.kind === 'old') {
      const seen = mem.events.get(s.seq);
      // A retransmission repeats its event; from the bell's own login, other content on the seq is a restarted counter.
      const counterMayRestart = origin === 'own_credential';
      const reused = counterMayRestart && seen?.said !== undefined && !sameEvent(seen.said, s);
      if (seen && !reused) {
        // A retransmission: answer the current state cheaply, or stay silent until it is stored.
        this.deps.metrics.retransmissions.inc({ state: seen.stored ? 'stored' : 'pending' });
        if (seen.stored) this.reply(s, seen.record);
        return;
      }
      const known = reused ? 'reused' : await this.answerOldSeq(s, mem, counterMayRestart);
      if (known === 'answered') return;
      if (verdict.ifUnseen === 'replay') return this.rejectReplay(s, `seq ${s.seq} is not above the last seq ${mem.seq.last?.seq} of bell ${s.bellId} and was never received`);
      // A late copy is stored in the current run and leaves the last pair where it is; a reused seq starts a run.
      if (verdict.ifUnseen === 'restart' || known === 'reused') this.newRun(mem, restartCounting(mem.seq, { seq: s.seq, boot: s.boot, origin }), s, 'counter');
    } else if (verdict.kind === 'restart') this.newRun(mem, verdict.state, s, verdict.why);
    else mem.seq = verdict.state;
    const entry: SeenEvent = { record: null, stored: false, said: { type: s.type, at: s.at, receivedAt: s.receivedAt } };
    this.memories.remember(mem, s.seq, entry);
    const late = verdict.kind === 'old' && verdict.ifUnseen === 'late' && mem.seq.last !== null && s.seq < mem.seq.last.seq;
    const { write, record, firstAlert } = this.deps.effects.apply(s, bell, { epoch: mem.seq.epoch, late });
    entry.record = record;
    let alertStored: (ids: ReadonlySet<string>) => void = () => undefined;
    const stored = new Promise<ReadonlySet<string>>((resolve) => (alertStored = resolve));
    this.queue.push({
      item: write,
      after: (result) => {
        alertStored(new Set(result.firstAlertStored ?? []));
        this.afterStored(s, mem, entry, write, result);
      },
      // Left pending in memory: its copies get no answer, so the bell keeps it lit and sending (never a false `received`).
      setAside: (reason) => {
        this.deps.metrics.writesSetAside.inc({ type: s.type });
        this.deps.logger.error({ bellId: s.bellId, seq: s.seq, type: s.type, reason: (reason as Error)?.message ?? String(reason) }, 'bell event set aside: the store refuses it');
      },
    });
    if (firstAlert && record) this.deps.firstAlert?.send(record, firstAlert, stored);
    this.deps.health.heardEvent(s);
  }

  /**
   * An old seq not in memory: answered when it is a retransmission of something stored long ago (or while the
   * database is away: no answer, the bell retransmits); `unseen` if never stored; `reused` if stored with other
   * content by a bell whose counter may restart.
   */
  private async answerOldSeq(s: BellEventSignal, mem: BellMemory, counterMayRestart: boolean): Promise<'answered' | 'unseen' | 'reused'> {
    let found: Awaited<ReturnType<IncidentStore['findStoredEvent']>>;
    try {
      found = await this.deps.store.findStoredEvent(s.bellId, s.seq, mem.seq.epoch);
    } catch {
      return 'answered';
    }
    if (!found) return 'unseen';
    if (counterMayRestart && !sameEvent({ type: found.type, at: found.bellAt ?? undefined, receivedAt: found.receivedAt }, s)) return 'reused';
    this.deps.metrics.retransmissions.inc({ state: 'stored' });
    const record = found.incidentId ? (this.deps.incidents.get(found.incidentId) ?? (await this.deps.incidents.refresh(found.incidentId))) : null;
    this.memories.remember(mem, s.seq, { record, stored: true });
    this.reply(s, record);
    return 'answered';
  }

  private rejectReplay(s: BellEventSignal, detail: string): void {
    this.link?.reject({ reason: 'replay', detail, transport: s.transport, bellId: s.bellId, at: s.receivedAt });
  }

  /** The bell started counting again: what was remembered of its old run answers nothing in the new one. */
  private newRun(mem: BellMemory, state: SequenceState, s: BellEventSignal, why: 'boot' | 'counter'): void {
    this.memories.newRun(mem, state);
    this.deps.logger.info({ bellId: s.bellId, seq: s.seq, boot: s.boot, epoch: state.epoch, why }, 'bell restarted its counting');
  }

  private afterStored(s: BellEventSignal, mem: BellMemory, entry: SeenEvent, write: BellEventWrite, result: BellEventWriteResult): void {
    this.deps.metrics.pressToStored.observe((this.deps.now().getTime() - s.receivedAt.getTime()) / 1000);
    if (result.outcome === 'stored') {
      entry.stored = true;
      this.deps.effects.stored(write, entry.record, result);
      this.reply(s, entry.record);
      return;
    }
    // The database decided otherwise (another process stored it first, or joined it elsewhere). Until its incident
    // is read, memory still names the one shown, perhaps an id that will never exist: copies get no answer meanwhile.
    const shown = entry.record;
    this.deps.effects.reconcile(s, write, shown, result)
      .then((record) => {
        entry.record = record;
        entry.stored = true;
        this.reply(s, record);
      })
      .catch((err: unknown) => {
        // Stored all the same: the next copy is answered from the database (answerOldSeq).
        if (mem.events.get(s.seq) === entry) mem.events.delete(s.seq);
        this.deps.logger.error({ err, bellId: s.bellId, seq: s.seq }, 'reconciling a duplicate event failed');
      });
  }

  private reply(s: BellEventSignal, record: IncidentRecord | null): void {
    const ack: Ack = record ? { seq: s.seq, incident: record.id, state: ackStateFor(record.status) } : { seq: s.seq, state: 'received' };
    s.reply(ack);
  }
}
