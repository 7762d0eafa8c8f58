/**
 * A frozen process must not hold escalation steps or presses hostage: the other process takes over. Read from
 * the database after a SIGSTOP of one of two processes: the steps that came due during the freeze and when they
 * fired, and when the presses sent during it were stored and acknowledged.
 */
import type { FaultWindow, Judgement } from './measure.ts';
import type { Rig } from './rig.ts';

/**
 * How late a step or a press may be and still count as taken over: the other process looks for steps armed
 * elsewhere once a second, and a bell sends its press again every 2 s (a copy the broker hands to the frozen
 * process waits with it; the next copy may go there too).
 */
export const TAKEOVER_GRACE_MS = 10_000;

export async function judgeTakeover(rig: Rig, keys: string[], w: FaultWindow): Promise<Judgement> {
  const from = new Date(w.injectedAt).toISOString();
  const to = new Date(w.healedAt).toISOString();
  const steps = await rig.read<{ due: Date; fired: Date | null; status: string }>(
    `select due_at as due, fired_at as fired, status from escalation_steps
     where due_at >= '${from}' and due_at < '${to}' and status <> 'skipped'`,
  );
  const now = Date.now();
  const late = steps.map((s) => ({ due: new Date(s.due).getTime(), lateMs: (s.fired ? new Date(s.fired).getTime() : now) - new Date(s.due).getTime(), fired: s.fired ? new Date(s.fired).getTime() : null }));
  // Held until the thaw: due well before it, fired only after it (or not at all).
  const stepsHostage = late.filter((s) => s.due < w.healedAt - TAKEOVER_GRACE_MS && (s.fired === null || s.fired >= w.healedAt)).length;

  const inHold = keys.filter((k) => {
    const sent = rig.presses.sent.get(k)!;
    return sent >= w.injectedAt && sent < w.healedAt - TAKEOVER_GRACE_MS;
  });
  const storedAt = await receivedAtByPress(rig);
  const takenOver = inHold.filter((k) => (storedAt.get(k) ?? Infinity) < w.healedAt).length;
  const pressesHostage = inHold.filter((k) => (rig.presses.received.get(k) ?? Infinity) >= w.healedAt).length;
  return {
    figures: {
      stepsDueInHold: steps.length,
      stepsLateMaxMs: late.length > 0 ? Math.max(...late.map((s) => s.lateMs)) : null,
      stepsHostage,
      pressesSentInHold: inHold.length,
      pressesTakenOverInHold: takenOver,
      pressesHostage,
    },
    failed: stepsHostage > 0 || pressesHostage > 0,
  };
}

/** When a Guardbell process received each press (bell_events.received_at): before the thaw, it was the other one. */
async function receivedAtByPress(rig: Rig): Promise<Map<string, number>> {
  const rows = await rig.read<{ k: string; at: Date }>("select bell_id || '#' || seq as k, received_at as at from bell_events where bell_id like 'CH-%'");
  return new Map(rows.map((r) => [r.k, new Date(r.at).getTime()]));
}
