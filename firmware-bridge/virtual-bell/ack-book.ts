import { ACK_STATES, type AckState } from '../protocol/index.ts';

/** One ack as the gateway sent it. */
export interface BellAck {
  seq: number;
  incident: string | undefined;
  state: AckState;
}

export interface WaitForStateOptions {
  incident?: string | undefined;
  /** Also matches states of the incident this seq joined: person-driven states carry the opening seq. */
  seq?: number | undefined;
  timeoutMs: number;
}

export class BellTimeoutError extends Error {
  override readonly name = 'BellTimeoutError';
  constructor(
    readonly bellId: string,
    readonly states: readonly AckState[],
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`bell ${bellId} got no ${states.map((s) => `'${s}'`).join(' or ')} for ${subject} within ${timeoutMs} ms`);
  }
}

export class BellStoppedError extends Error {
  override readonly name = 'BellStoppedError';
}

// Later states imply the earlier ones; a late answer to an old copy must not move an incident backwards.
const RANK: Record<AckState, number> = { received: 0, acknowledged: 1, cancelled: 2, closed: 3 };
// A long-running bell must not grow without bound; old seqs only serve waitForState lookups.
const MAX_SEQS_KEPT = 1_000;

interface Waiter {
  states: ReadonlySet<AckState>;
  filter: WaitForStateOptions;
  resolve(ack: BellAck): void;
  reject(err: Error): void;
  timer?: NodeJS.Timeout | undefined;
}

/** What the gateway has told one bell, by seq and by incident, and who is waiting for which state. */
export class AckBook {
  private readonly waiters = new Set<Waiter>();
  private closed = false;
  private readonly byIncident = new Map<string, { latest: BellAck; seen: Map<AckState, BellAck> }>();
  private readonly bySeq = new Map<number, { incident: string | undefined; seen: Map<AckState, BellAck> }>();

  constructor(private readonly bellId: string) {}

  latestState(incident: string): BellAck | undefined {
    return this.byIncident.get(incident)?.latest;
  }

  incidentOf(seq: number): string | undefined {
    return this.bySeq.get(seq)?.incident;
  }

  /** Records an ack and releases the waiters it satisfies. */
  record(ack: BellAck): void {
    let s = this.bySeq.get(ack.seq);
    if (!s) {
      s = { incident: ack.incident, seen: new Map() };
      this.bySeq.set(ack.seq, s);
      if (this.bySeq.size > MAX_SEQS_KEPT) this.bySeq.delete(this.bySeq.keys().next().value as number);
    }
    s.incident ??= ack.incident;
    s.seen.set(ack.state, ack);
    if (ack.incident !== undefined) {
      const i = this.byIncident.get(ack.incident);
      if (!i) this.byIncident.set(ack.incident, { latest: ack, seen: new Map([[ack.state, ack]]) });
      else {
        i.seen.set(ack.state, ack);
        if (RANK[ack.state] >= RANK[i.latest.state]) i.latest = ack;
      }
    }
    for (const w of [...this.waiters]) {
      if (w.states.has(ack.state) && this.matches(ack, w.filter)) {
        clearTimeout(w.timer);
        this.waiters.delete(w);
        w.resolve(ack);
      }
    }
  }

  wait(state: AckState | readonly AckState[], filter: WaitForStateOptions): Promise<BellAck> {
    const states = new Set<AckState>(typeof state === 'string' ? [state] : state);
    for (const s of states) if (!ACK_STATES.includes(s)) return Promise.reject(new Error(`unknown ack state ${JSON.stringify(s)}`));
    const already = this.seen(states, filter);
    if (already) return Promise.resolve(already);
    if (this.closed) return Promise.reject(new BellStoppedError(`bell ${this.bellId} is stopped`));
    return new Promise<BellAck>((resolve, reject) => {
      const waiter: Waiter = { states, filter, resolve, reject };
      if (Number.isFinite(filter.timeoutMs)) {
        const subject = filter.incident !== undefined ? `incident ${filter.incident}` : filter.seq !== undefined ? `seq ${filter.seq}` : 'any event';
        waiter.timer = setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new BellTimeoutError(this.bellId, [...states], subject, filter.timeoutMs));
        }, Math.max(0, filter.timeoutMs));
      }
      this.waiters.add(waiter);
    });
  }

  /** The bell stops: rejects every waiter, clears their timers, and refuses new waits for what has not arrived. */
  close(): void {
    this.closed = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new BellStoppedError(`bell ${this.bellId} stopped while waiting for ${[...w.states].join(' or ')}`));
    }
    this.waiters.clear();
  }

  private matches(ack: BellAck, f: WaitForStateOptions): boolean {
    if (f.incident === undefined && f.seq === undefined) return true;
    if (f.incident !== undefined && ack.incident === f.incident) return true;
    if (f.seq === undefined) return false;
    const incidentOfSeq = this.bySeq.get(f.seq)?.incident;
    return ack.seq === f.seq || (incidentOfSeq !== undefined && ack.incident === incidentOfSeq);
  }

  private seen(states: ReadonlySet<AckState>, f: WaitForStateOptions): BellAck | undefined {
    const pools: Map<AckState, BellAck>[] = [];
    if (f.incident !== undefined) pools.push(this.byIncident.get(f.incident)?.seen ?? new Map());
    if (f.seq !== undefined) {
      const s = this.bySeq.get(f.seq);
      if (s) pools.push(s.seen, this.byIncident.get(s.incident ?? '')?.seen ?? new Map());
    }
    if (f.incident === undefined && f.seq === undefined) pools.push(...[...this.bySeq.values()].map((s) => s.seen));
    for (const pool of pools) for (const s of states) if (pool.has(s)) return pool.get(s);
    return undefined;
  }
}
