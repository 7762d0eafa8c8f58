/**
 * Each bell's sequence memory: its counting state (api/domain/bell-sequence.ts) and its recent events, so that
 * retransmissions are answered without the database. Loaded at start; a bell whose sequence another process
 * changed (an administrator's reset served there) is forgotten and read again from the database on next use.
 */
import type { Logger } from 'pino';
import type { EventContent, SequenceState } from '../domain/bell-sequence.ts';
import type { IncidentRecord } from '../store/index.ts';
import type { BellEventWrites } from './ports.ts';

export interface SeenEvent {
  record: IncidentRecord | null;
  stored: boolean;
  /** What the event said, to tell a retransmission from a restarted counter reusing the seq. */
  said?: EventContent;
}

export interface BellMemory {
  seq: SequenceState;
  events: Map<number, SeenEvent>;
}

/** Recent events remembered per bell, so retransmissions are answered without the database. */
export const REMEMBERED_PER_BELL = 64;

export class BellMemories {
  private readonly bells = new Map<string, BellMemory>();
  /** Bells to read again before their next event: the epoch another process announced, as the fallback. */
  private readonly stale = new Map<string, number>();
  private readonly reloading = new Map<string, Promise<BellMemory>>();

  constructor(private readonly deps: { store: Pick<BellEventWrites, 'sequenceStates'>; logger: Logger }) {}

  async load(): Promise<void> {
    for (const [bellId, state] of await this.deps.store.sequenceStates()) this.of(bellId).seq = state;
  }

  /**
   * Reads every bell's sequence again (the bus may have missed another process's change): a later epoch in the
   * database replaces memory, a higher last seq in the same run advances it; memory ahead of the database
   * (events not yet stored) is kept.
   */
  async reloadAll(): Promise<void> {
    for (const [bellId, state] of await this.deps.store.sequenceStates()) {
      const mem = this.of(bellId);
      if (state.epoch > mem.seq.epoch) this.newRun(mem, state);
      else if (state.epoch === mem.seq.epoch && state.last && (!mem.seq.last || isAfter(state.last, mem.seq.last))) mem.seq = state;
    }
  }

  /** The bell's memory (a new bell's is empty); a forgotten bell is read again first (only then a promise). */
  get(bellId: string): BellMemory | Promise<BellMemory> {
    return this.stale.has(bellId) ? this.reload(bellId) : this.of(bellId);
  }

  /** Another process changed the bell's sequence: what this process remembers of it may lie. */
  forget(bellId: string, epoch: number): void {
    this.stale.set(bellId, Math.max(epoch, this.stale.get(bellId) ?? 0));
  }

  /** This process changed the bell's run (new epoch): its remembered events answer nothing in the new one. */
  newRun(mem: BellMemory, state: SequenceState): void {
    mem.seq = state;
    mem.events.clear();
  }

  remember(mem: BellMemory, seq: number, entry: SeenEvent): void {
    mem.events.set(seq, entry);
    if (mem.events.size > REMEMBERED_PER_BELL) {
      const oldest = mem.events.keys().next().value;
      if (oldest !== undefined) mem.events.delete(oldest);
    }
  }

  private of(bellId: string): BellMemory {
    let m = this.bells.get(bellId);
    if (!m) {
      m = { seq: { epoch: 0, last: null }, events: new Map() };
      this.bells.set(bellId, m);
    }
    return m;
  }

  /** One read per forgotten bell, however many of its events wait on it. */
  private reload(bellId: string): Promise<BellMemory> {
    let pending = this.reloading.get(bellId);
    if (!pending) {
      pending = this.read(bellId).finally(() => this.reloading.delete(bellId));
      this.reloading.set(bellId, pending);
    }
    return pending;
  }

  private async read(bellId: string): Promise<BellMemory> {
    const announced = this.stale.get(bellId) ?? 0;
    const mem = this.of(bellId);
    let state: SequenceState;
    try {
      state = (await this.deps.store.sequenceStates()).get(bellId) ?? { epoch: announced, last: null };
    } catch (err) {
      // Database away: the announced reset hears the bell's next event (it rings; the write retries).
      this.deps.logger.warn({ err, bellId }, 'bell sequence not read again; taking the announced epoch');
      state = { epoch: announced, last: null };
    }
    // Announced again while reading: read once more on the next event.
    if (this.stale.get(bellId) === announced) this.stale.delete(bellId);
    this.newRun(mem, state.epoch >= announced ? state : { epoch: announced, last: null });
    return mem;
  }
}

const isAfter = (a: { boot: number; seq: number }, b: { boot: number; seq: number }) => a.boot > b.boot || (a.boot === b.boot && a.seq > b.seq);
