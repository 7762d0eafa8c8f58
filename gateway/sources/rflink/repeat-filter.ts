/**
 * One press of a 433 MHz remote arrives as several identical frames, each with a new RFLink counter
 * (DEVICES.md §5.1: dedupe on Name;ID;SWITCH;CMD with the counter removed, over ~1–2 s, as Domoticz does).
 * The first frame is the press; copies within the window are dropped. One filter and one SeqAssigner are shared
 * by every RFLink port of a process: two receivers in one office hear the same press.
 */
import { SeqAssigner } from '../sia-dc09/seq-assigner.ts';

/**
 * Long enough for a remote's burst of copies (well under a second), short enough that a person's deliberate
 * second press (the confirmation rule, a re-press) is not taken for a copy.
 */
export const RFLINK_REPEAT_WINDOW_MS = 1_500;

export class RflinkRepeats {
  /** Frame key → when its first copy arrived; insertion order is time order. */
  private readonly firstSeen = new Map<string, number>();
  /** Guardbell sequence numbers for these devices, which carry none (the third-party sources' assigner). */
  private readonly seqs: SeqAssigner;

  /** `maxFrames` bounds memory on a busy band (every car key and weather station nearby is a frame). */
  constructor(private readonly windowMs = RFLINK_REPEAT_WINDOW_MS, private readonly maxFrames = 10_000) {
    // Window 0: copies never reach the assigner (the filter drops them), so it only numbers events.
    this.seqs = new SeqAssigner(0);
  }

  /** True for a copy of a frame first seen less than the window ago; the window runs from the first copy. */
  isRepeat(frameKey: string, nowMs: number): boolean {
    this.prune(nowMs);
    if (this.firstSeen.has(frameKey)) return true;
    this.firstSeen.set(frameKey, nowMs);
    if (this.firstSeen.size > this.maxFrames) this.firstSeen.delete(this.firstSeen.keys().next().value!);
    return false;
  }

  /** A new sequence number for an event of a bell, strictly increasing per bell across restarts. */
  seq(bellId: string, eventKey: string, nowMs: number): number {
    return this.seqs.assign(bellId, eventKey, nowMs);
  }

  private prune(nowMs: number): void {
    for (const [key, at] of this.firstSeen) {
      if (nowMs - at < this.windowMs) break;
      this.firstSeen.delete(key);
    }
  }
}
