/**
 * The process's sense of "now", as a port: production reads the steady clock (steady-clock.ts), which a wall
 * clock set forward or back does not move; tests move a clock of their own instead of racing real seconds, so a
 * step due at 4 s is due when the test says so, however loaded the machine is.
 */
export interface Clock {
  now(): Date;
}

/** The wall clock as it is: for tests and tools, never the alarm path (a step of the wall clock moves it). */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move (tests). */
export class ManualClock implements Clock {
  private ms: number;

  constructor(start: Date = new Date()) {
    this.ms = start.getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  /** Moves to `at`; never backwards unless `allowBackwards` (a wall clock set back by an hour, say). */
  set(at: Date, opts: { allowBackwards?: boolean } = {}): void {
    if (at.getTime() < this.ms && !opts.allowBackwards) return;
    this.ms = at.getTime();
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
