/**
 * One steady clock per process: anchored to a reference at start, then advanced by the monotonic clock, which
 * nobody can set. When the reference moves away from it (the wall clock stepped by an hour, NTP's correction, the
 * shared PostgreSQL's clock) it slews toward it at a bounded rate (slew.ts) instead of following the step, so a
 * step due in 30 s fires in 30 s, neither at once nor an hour late.
 */
import type { Clock } from './clock.ts';
import { SLEW, slewStep, type SlewPolicy } from './slew.ts';

export interface ClockSources {
  /** Milliseconds from any origin, never stepped (`performance.now()`). */
  monotonicMs(): number;
  /** The reference time (ms since the epoch); a rejection skips the sample. */
  referenceMs(): Promise<number>;
}

export interface ClockReport {
  /** `slewing` while the clock is more than half a second from its reference. */
  state: 'ok' | 'slewing';
  /** Reference minus this clock, still to be closed by slewing. */
  offsetMs: number;
}

export interface SteadyClockOptions {
  policy?: SlewPolicy;
  /** A change of the offset at least this large between samples is a jump (reported once, by `onJump`). */
  jumpMs?: number;
  /** A sample whose round trip took longer says too little about when the reference was read: skipped. */
  maxRoundTripMs?: number;
  /**
   * Reads per sample, of which the one with the shortest round trip is kept: a read is off by up to half its round
   * trip, and on a busy machine one read in a few waits for the scheduler (processes on one machine then disagree).
   */
  burst?: number;
  /** The anchor when the first sample fails (a later sample slews from it). */
  fallbackMs?: () => number;
  /**
   * A time the clock must not start before (the last one stored): a reference set back while the process was down
   * would otherwise stall what is due for as long, so the clock starts here and slews back instead.
   */
  notBeforeMs?: number | undefined;
  /** `jumpMs`: how far the reference moved since the last sample; `offsetMs`: how far it now is from this clock. */
  onJump?(jumpMs: number, offsetMs: number): void;
  onSkipped?(why: unknown): void;
}

export class SteadyClock implements Clock {
  private readonly policy: SlewPolicy;
  private baseMs: number;
  private baseMono: number;
  /** Reference minus clock, at the last sample, less what has been slewed since. */
  private pendingMs = 0;
  private anchored = false;
  private sampling: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sources: ClockSources, private readonly opts: SteadyClockOptions = {}) {
    this.policy = opts.policy ?? SLEW;
    this.baseMono = sources.monotonicMs();
    this.baseMs = (opts.fallbackMs ?? Date.now)();
  }

  /** A clock anchored to the reference (or the fallback, when the reference does not answer), sampling every `everyMs`. */
  static async start(sources: ClockSources, everyMs: number, opts: SteadyClockOptions = {}): Promise<SteadyClock> {
    const clock = new SteadyClock(sources, opts);
    await clock.sample();
    // Anchored, or on the fallback when the reference did not answer: from here on it only slews.
    clock.anchored = true;
    if (opts.notBeforeMs !== undefined) clock.holdAtLeast(opts.notBeforeMs);
    clock.timer = setInterval(() => void clock.sample(), everyMs);
    clock.timer.unref();
    return clock;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  now(): Date {
    return new Date(this.advance());
  }

  report(): ClockReport {
    this.advance();
    return { state: Math.abs(this.pendingMs) > this.policy.smallMs ? 'slewing' : 'ok', offsetMs: Math.round(this.pendingMs) };
  }

  /** Reads the reference once; concurrent callers share the read. */
  sample(): Promise<void> {
    this.sampling ??= this.takeSample().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private holdAtLeast(floorMs: number): void {
    const clockMs = this.advance();
    if (clockMs >= floorMs) return;
    this.baseMs = floorMs;
    this.pendingMs -= floorMs - clockMs;
    if (floorMs - clockMs >= (this.opts.jumpMs ?? 1_000)) this.opts.onJump?.(clockMs - floorMs, this.pendingMs);
  }

  private advance(): number {
    const mono = this.sources.monotonicMs();
    const elapsed = mono - this.baseMono;
    if (elapsed > 0) {
      const step = slewStep(this.pendingMs, elapsed, this.policy);
      this.baseMs += elapsed + step;
      this.pendingMs -= step;
      this.baseMono = mono;
    }
    return this.baseMs;
  }

  private async takeSample(): Promise<void> {
    const read = await this.bestRead();
    if (!read) return;
    const { referenceMs, before, after } = read;
    const clockMs = this.advance();
    // The reference was read about halfway through the round trip; it has moved on since by as much as we have.
    const offset = referenceMs + (this.baseMono - (before + after) / 2) - clockMs;
    if (!this.anchored) {
      // The one step this clock ever takes: the first sample, before anyone has read it.
      this.anchored = true;
      this.baseMs += offset;
      return;
    }
    if (Math.abs(offset - this.pendingMs) >= (this.opts.jumpMs ?? 1_000)) this.opts.onJump?.(offset - this.pendingMs, offset);
    this.pendingMs = offset;
  }

  /** The read with the shortest round trip of a burst, or none when every read failed or took too long (skipped, once). */
  private async bestRead(): Promise<{ referenceMs: number; before: number; after: number } | undefined> {
    let best: { referenceMs: number; before: number; after: number } | undefined;
    let why: unknown;
    for (let i = 0; i < Math.max(1, this.opts.burst ?? 3); i++) {
      const before = this.sources.monotonicMs();
      try {
        const referenceMs = await this.sources.referenceMs();
        const after = this.sources.monotonicMs();
        if (!Number.isFinite(referenceMs) || after - before > (this.opts.maxRoundTripMs ?? 500)) {
          why = new Error(`clock sample not usable (round trip ${Math.round(after - before)} ms)`);
        } else if (!best || after - before < best.after - best.before) best = { referenceMs, before, after };
      } catch (err) {
        // No answer: the next read in the burst would only wait as long again.
        why = err;
        break;
      }
    }
    if (!best) this.opts.onSkipped?.(why);
    return best;
  }
}
