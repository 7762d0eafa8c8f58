/**
 * Judging a bell event's sequence number (PROTOCOL.md §1 `seq`, and the added `boot`): pure, no I/O.
 *
 * The pair that orders a bell's events is (boot, seq): `boot` is the bell's boot counter (absent: 0), raised
 * each time it starts counting again; `seq` rises within a boot. The gateway keeps, per bell, the last pair
 * it accepted and an `epoch` of its own that names the current run of counting, so that events stored under
 * an earlier run never answer for a new one: the store keys events by (bell, epoch, seq).
 *
 * Why it cannot be silenced: a bell with its own broker credential or key is the only one who can reach this
 * judgement in its name, and a bell that starts counting again is heard at once:
 * - a higher `boot` starts a new run (for a keyed bell the MAC covers `boot`, so a recording cannot);
 * - an old seq that was never stored, a little below the last (within {@link LATE_COPY_WINDOW}, same boot) and
 *   whose bell time is within {@link RETRANSMISSION_HORIZON_MS} of now is a **late copy**: a real press the bell
 *   is still retransmitting, arriving out of order (after Guardbell restarted, a bell's unanswered presses come
 *   back in any order: seq 6 before 5). It is stored in the current run without moving the last pair, so it
 *   silences nothing, and the store's key (bell, epoch, seq) keeps it exactly once. For a keyed bell the MAC
 *   covers `at`: a recording cannot pass for a late copy, its signed time is old; a recent signed event that
 *   was never stored can only be the bell's own unanswered press. From an unproven origin it gives nothing
 *   away: whoever can publish there can already send the next seq;
 * - otherwise an old seq that was never stored, from a bell proven by its own broker credential and without a
 *   key, is its counter restarting (repaired, replaced, re-flashed): a new run starts;
 * - the same from a keyed bell is a replay of a recorded event (anyone who overheard it can send it again),
 *   and from an unproven origin (a lab's anonymous client, a serial line) it may be anyone's: refused, until
 *   the bell raises its `boot` or an administrator resets its sequence (a new epoch with no last pair).
 */

export interface SequenceState {
  /** The gateway's run of counting for this bell; events are stored under it. */
  epoch: number;
  /** The last accepted (boot, seq), or null when the run has heard nothing yet (new bell, after a reset). */
  last: { boot: number; seq: number } | null;
}

export interface SequencedEvent {
  seq: number;
  boot?: number | undefined;
  /**
   * How the event's origin is known: `signed` (a MAC: a recording of it is still valid), `own_credential`
   * (only the bell's own broker login can publish it), `unproven` (anything else).
   */
  origin: 'signed' | 'own_credential' | 'unproven';
  /** The bell's own time (PROTOCOL.md §1 `at`; covered by the MAC of a signed event), to tell a late copy. */
  at?: string | undefined;
  /** When the gateway received the event. */
  receivedAt?: Date | undefined;
}

/** How far below the last seq an unseen event may be a late copy: a bell keeps no more presses unanswered. */
export const LATE_COPY_WINDOW = 64;

/** What an old seq that was never stored is: a replay, a restarted counter, or a late copy of a real press. */
export type UnseenOldSeq = 'replay' | 'restart' | 'late';

export type SequenceVerdict =
  /** A new event in the current run. */
  | { kind: 'next'; state: SequenceState }
  /** A new event that starts a new run: stored under the new epoch; what was remembered of the old run is forgotten. */
  | { kind: 'restart'; state: SequenceState; why: 'boot' | 'counter' }
  /** Not above the last: a retransmission if the event is stored under the current epoch, else `ifUnseen`. */
  | { kind: 'old'; ifUnseen: UnseenOldSeq }
  /** From an earlier boot: a recording. */
  | { kind: 'replay'; detail: string };

export function judgeSequence(state: SequenceState, e: SequencedEvent): SequenceVerdict {
  const boot = e.boot ?? 0;
  const at = { boot, seq: e.seq };
  if (state.last === null) return { kind: 'next', state: { epoch: state.epoch, last: at } };
  if (boot > state.last.boot) return { kind: 'restart', state: { epoch: state.epoch + 1, last: at }, why: 'boot' };
  if (boot < state.last.boot) return { kind: 'replay', detail: `boot ${boot} is older than the bell's boot ${state.last.boot}` };
  if (e.seq > state.last.seq) return { kind: 'next', state: { epoch: state.epoch, last: at } };
  if (state.last.seq - e.seq <= LATE_COPY_WINDOW && recentBellTime(e)) return { kind: 'old', ifUnseen: 'late' };
  return { kind: 'old', ifUnseen: e.origin === 'own_credential' ? 'restart' : 'replay' };
}

/** The event's bell time lies within the retransmission horizon of its receipt (a bell without `at` has none). */
function recentBellTime(e: SequencedEvent): boolean {
  if (!e.at || !e.receivedAt) return false;
  const bellTime = Date.parse(e.at);
  return Number.isFinite(bellTime) && Math.abs(e.receivedAt.getTime() - bellTime) < RETRANSMISSION_HORIZON_MS;
}

/** The new run an unseen old seq of an unkeyed bell starts (see {@link judgeSequence}). */
export function restartCounting(state: SequenceState, e: SequencedEvent): SequenceState {
  return { epoch: state.epoch + 1, last: { boot: e.boot ?? 0, seq: e.seq } };
}

/** An administrator's reset: a new run that accepts the bell's next event whatever its (boot, seq). */
export function resetSequence(state: SequenceState): SequenceState {
  return { epoch: state.epoch + 1, last: null };
}

/** What identifies an event beyond its seq: a retransmission repeats it. */
export interface EventContent {
  type: string;
  at?: string | undefined;
  receivedAt: Date;
}

/** A bell retransmits every 2 s only until it is answered: a copy later than this is not a retransmission. */
export const RETRANSMISSION_HORIZON_MS = 10 * 60_000;

/**
 * Whether an event on a seq already seen is that event again (a retransmission) rather than a new one on a
 * counter that started again: the same type, and the same bell time or soon after (a firmware that renews `at`
 * on each copy is still retransmitting within minutes; a restarted counter reaching an old seq is not).
 */
export function sameEvent(seen: EventContent, now: EventContent): boolean {
  if (seen.type !== now.type) return false;
  return (seen.at ?? '') === (now.at ?? '') || now.receivedAt.getTime() - seen.receivedAt.getTime() < RETRANSMISSION_HORIZON_MS;
}
