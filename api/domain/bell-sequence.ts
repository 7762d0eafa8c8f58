/**
 * Judging a bell event's sequence number (PROTOCOL.md §1 `seq`, and the added `boot`): pure, no I/O.
 *
 * The pair that orders a bell's events is (boot, seq): `boot` is the bell's boot counter (absent: 0), raised
 * each time it starts counting again; `seq` rises within a boot. The gateway keeps, per bell, the last pair
 * it accepted and an `epoch` of its own that names the current run of counting, so that events stored under
 * an earlier run never answer for a new one: the store keys events by (bell, epoch, seq).
 *
 * Why it cannot be silenced: only a message the bell itself sent reaches this judgement (its own broker
 * credential, its MAC, its wire), and a bell that starts counting again is heard at once:
 * - a higher `boot` starts a new run (for a keyed bell the MAC covers `boot`, so a recording cannot);
 * - an unkeyed bell's seq that is not above the last and was never stored is its counter restarting
 *   (repaired, replaced, re-flashed): only its own credential can send it, so a new run starts;
 * - a keyed bell's old seq that was never stored is a replay of a recorded event: refused, until the bell
 *   raises its `boot` or an administrator resets its sequence (a new epoch with no last pair).
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
  /** Whether the event's origin is proven by a MAC (a keyed bell): then an unseen old seq is a replay. */
  signed: boolean;
}

export type SequenceVerdict =
  /** A new event in the current run. */
  | { kind: 'next'; state: SequenceState }
  /** A new event that starts a new run: stored under the new epoch; what was remembered of the old run is forgotten. */
  | { kind: 'restart'; state: SequenceState; why: 'boot' | 'counter' }
  /** Not above the last: a retransmission if the event is stored under the current epoch, else `ifUnseen`. */
  | { kind: 'old'; ifUnseen: 'replay' | 'restart' }
  /** From an earlier boot: a recording. */
  | { kind: 'replay'; detail: string };

export function judgeSequence(state: SequenceState, e: SequencedEvent): SequenceVerdict {
  const boot = e.boot ?? 0;
  const at = { boot, seq: e.seq };
  if (state.last === null) return { kind: 'next', state: { epoch: state.epoch, last: at } };
  if (boot > state.last.boot) return { kind: 'restart', state: { epoch: state.epoch + 1, last: at }, why: 'boot' };
  if (boot < state.last.boot) return { kind: 'replay', detail: `boot ${boot} is older than the bell's boot ${state.last.boot}` };
  if (e.seq > state.last.seq) return { kind: 'next', state: { epoch: state.epoch, last: at } };
  return { kind: 'old', ifUnseen: e.signed ? 'replay' : 'restart' };
}

/** The new run an unseen old seq of an unkeyed bell starts (see {@link judgeSequence}). */
export function restartCounting(state: SequenceState, e: SequencedEvent): SequenceState {
  return { epoch: state.epoch + 1, last: { boot: e.boot ?? 0, seq: e.seq } };
}

/** An administrator's reset: a new run that accepts the bell's next event whatever its (boot, seq). */
export function resetSequence(state: SequenceState): SequenceState {
  return { epoch: state.epoch + 1, last: null };
}
