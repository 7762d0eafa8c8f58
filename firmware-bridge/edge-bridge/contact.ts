/**
 * One dry contact as a bell button. A change counts only once the contact has stayed in its new state for
 * `debounceMs` (contact bounce, and a closure shorter than that, is noise). A closed contact released before
 * `longPressMs` is a `press`; held that long it is a `long_press`, sent at once without waiting for the
 * release (violence in progress: the person may not let go), and its release then sends nothing.
 */
export type Gesture = 'press' | 'long_press';

export interface ContactTiming {
  debounceMs: number;
  /** PROTOCOL.md §1: held 3 s or more is a long_press. */
  longPressMs: number;
}

export class Contact {
  private raw = false;
  private stable = false;
  private longSent = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private holdTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timing: ContactTiming,
    private readonly onGesture: (gesture: Gesture) => void,
  ) {}

  /** A report from the board; repeats of the current state change nothing. */
  input(closed: boolean): void {
    if (closed === this.raw) return;
    this.raw = closed;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.settle(), this.timing.debounceMs);
  }

  /** The board is gone: whatever the contact was doing is unknown, so it ends without a gesture. */
  reset(): void {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.holdTimer);
    this.raw = false;
    this.stable = false;
    this.longSent = false;
  }

  private settle(): void {
    if (this.raw === this.stable) return; // bounced back: nothing happened
    this.stable = this.raw;
    if (this.stable) {
      this.longSent = false;
      // Counted from the first edge: the debounce already used part of the hold.
      this.holdTimer = setTimeout(() => {
        this.longSent = true;
        this.onGesture('long_press');
      }, Math.max(0, this.timing.longPressMs - this.timing.debounceMs));
      return;
    }
    clearTimeout(this.holdTimer);
    if (!this.longSent) this.onGesture('press');
  }
}
