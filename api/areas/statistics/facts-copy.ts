/**
 * This process's copy of the incidents' statistics figures, brought up to date before every answer. Each incident row
 * carries the transaction that last wrote it (migration 0004); each read takes the rows written by transactions from
 * the previous read's snapshot xmin on: a write that snapshot could not see belongs to a transaction at or after it,
 * so nothing written by this or another process is missed, and what was already seen is only read again. A delete
 * (which leaves no row to read) makes the next read a whole one. Unused for a while, the copy is let go.
 */
import { IncidentFacts, parseFacts } from './facts.ts';

export interface FactsSource {
  factsSince(sinceXid: number | null): Promise<{ xmin: number; removedXid: number | null; text: string | null }>;
}

/** Ten minutes: a manager paging through the board keeps it; an idle process does not hold 23 MiB per 100,000 incidents. */
export const FACTS_IDLE_MS = 600_000;

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

  /** Lets the copy go now (the area stops). */
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
        held.facts.put(parseFacts(since.text));
        held.xmin = since.xmin;
        return held.facts;
      }
    }
    const whole = await this.source.factsSince(null);
    const facts = new IncidentFacts();
    facts.put(parseFacts(whole.text));
    this.held = { facts, xmin: whole.xmin, removedXid: whole.removedXid };
    return facts;
  }
}
