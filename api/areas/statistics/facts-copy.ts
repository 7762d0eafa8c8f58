/**
 * This process's copy of the incidents' statistics figures, brought up to date before every answer. Each incident row
 * carries the transaction that last wrote it (migration 0004); each read takes the rows written by transactions from
 * the previous read's snapshot xmin on: a write that snapshot could not see belongs to a transaction at or after it,
 * so nothing written by this or another process is missed, and what was already seen is only read again. A delete
 * (which leaves no row to read) makes the next read a whole one. Unused for a while, the copy is let go.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { factRecords, IncidentFacts, type IncidentFact } from './facts.ts';

export interface FactsSource {
  factsSince(sinceXid: number | null): Promise<{ xmin: number; removedXid: number | null; text: string | null }>;
}

/**
 * An hour: a manager's sitting with the board keeps it (reading it whole again costs 0.8 s at 100,000 incidents); an
 * idle process does not hold 23 MiB per 100,000 incidents for good.
 */
export const FACTS_IDLE_MS = 3_600_000;

/**
 * Incidents taken in at a time before the event loop is let go: 100,000 at once held it for 200–270 ms, during which
 * no press on this process would have rung. A slice is a few milliseconds.
 */
export const LOAD_SLICE = 2_000;

interface Held {
  facts: IncidentFacts;
  xmin: number;
  removedXid: number | null;
}

export class FactsCopy {
  private held: Held | undefined;
  private running: Promise<IncidentFacts> | null = null;
  private queued: Promise<IncidentFacts> | null = null;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly source: FactsSource, private readonly idleMs = FACTS_IDLE_MS) {}

  /**
   * The figures as of a read begun after this call: a caller that arrives while a read is under way waits for the
   * next one (which serves every caller that arrived meanwhile), so it sees what was committed before it asked.
   */
  current(): Promise<IncidentFacts> {
    this.keepFor(this.idleMs);
    if (!this.running) {
      this.running = this.read().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    this.queued ??= this.running.catch(() => undefined).then(() => {
      this.queued = null;
      return this.current();
    });
    return this.queued;
  }

  /** Lets the copy go now, and its timer. */
  release(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    this.held = undefined;
  }

  private keepFor(ms: number): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (!this.running && !this.queued) this.held = undefined;
    }, ms);
    this.idle.unref();
  }

  private async read(): Promise<IncidentFacts> {
    const held = this.held;
    if (held) {
      const since = await this.source.factsSince(held.xmin);
      if (since.removedXid === held.removedXid) {
        await putInSlices(held.facts, since.text);
        held.xmin = since.xmin;
        return held.facts;
      }
    }
    const whole = await this.source.factsSince(null);
    const facts = new IncidentFacts();
    await putInSlices(facts, whole.text);
    this.held = { facts, xmin: whole.xmin, removedXid: whole.removedXid };
    return facts;
  }
}

async function putInSlices(facts: IncidentFacts, text: string | null): Promise<void> {
  let slice: IncidentFact[] = [];
  for (const fact of factRecords(text)) {
    slice.push(fact);
    if (slice.length === LOAD_SLICE) {
      facts.put(slice);
      slice = [];
      await nextTurn();
    }
  }
  facts.put(slice);
}
