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
  const hostage = inHold.filter((k) => (rig.presses.received.get(k) ?? Infinity) >= w.healedAt);
  const pressesHostage = hostage.length;
  const locks = lockWatch.get(rig);
  lockWatch.delete(rig);
  locks?.stop();
  return {
    figures: {
      stepsDueInHold: steps.length,
      stepsLateMaxMs: late.length > 0 ? Math.max(...late.map((s) => s.lateMs)) : null,
      stepsHostage,
      pressesSentInHold: inHold.length,
      pressesTakenOverInHold: takenOver,
      pressesHostage,
      // Why a press was held: no copy reached the live process before the thaw (the broker kept handing them to
      // the frozen subscriber), or one did and its write waited (a row lock the frozen process held).
      hostageFirstHeardAfterThaw: hostage.filter((k) => (storedAt.get(k) ?? Infinity) >= w.healedAt).length,
      ...(locks ? { lockWaitersMaxInHold: locks.maxWaiting, idleInTransactionMaxInHold: locks.maxIdleInTransaction, lockSessionsInHold: [...locks.apps].sort().join(' ') || 'none' } : {}),
    },
    failed: stepsHostage > 0 || pressesHostage > 0,
  };
}

/**
 * One of two processes killed: the takeover's figures, and the bells pressed while it was down that the
 * survivor's console never showed (every console of a live process must keep ringing).
 */
export async function judgeSurvivor(rig: Rig, keys: string[], w: FaultWindow): Promise<Judgement> {
  const takeover = await judgeTakeover(rig, keys, w);
  const survivor = rig.rung[1] ?? new Set<string>();
  const pressedInHold = new Set(keys.filter((k) => {
    const sent = rig.presses.sent.get(k)!;
    return sent >= w.injectedAt && sent < w.healedAt;
  }).map((k) => k.split('#')[0]!));
  const survivorSilentBells = [...pressedInHold].filter((b) => !survivor.has(b)).length;
  return { figures: { ...takeover.figures, survivorSilentBells }, failed: takeover.failed || survivorSilentBells > 0 };
}

/** When a Guardbell process received each press (bell_events.received_at): before the thaw, it was the other one. */
async function receivedAtByPress(rig: Rig): Promise<Map<string, number>> {
  const rows = await rig.read<{ k: string; at: Date }>("select bell_id || '#' || seq as k, received_at as at from bell_events where bell_id like 'CH-%'");
  return new Map(rows.map((r) => [r.k, new Date(r.at).getTime()]));
}

const lockWatch = new WeakMap<Rig, { maxWaiting: number; maxIdleInTransaction: number; apps: Set<string>; stop(): void }>();

/**
 * Samples the database every second while a process is frozen: sessions waiting for a lock, and sessions idle in
 * a transaction for over 2 s (a frozen process's, holding its row locks). Read by judgeTakeover.
 */
export function watchLocks(rig: Rig): void {
  const watch = { maxWaiting: 0, maxIdleInTransaction: 0, apps: new Set<string>(), stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    rig.read<{ waiting: string; idle: string; apps: string | null }>(
      `select count(*) filter (where wait_event_type = 'Lock') as waiting,
              count(*) filter (where state like 'idle in transaction%' and state_change < now() - interval '2 seconds') as idle,
              string_agg(distinct case when wait_event_type = 'Lock' then 'waiting:' || application_name
                when state like 'idle in transaction%' and state_change < now() - interval '2 seconds' then 'idle:' || application_name end, ',') as apps
       from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    ).then(([r]) => {
      watch.maxWaiting = Math.max(watch.maxWaiting, Number(r?.waiting ?? 0));
      watch.maxIdleInTransaction = Math.max(watch.maxIdleInTransaction, Number(r?.idle ?? 0));
      for (const app of r?.apps?.split(',') ?? []) watch.apps.add(app || '(none)');
    }, () => undefined);
  }, 1_000);
  lockWatch.set(rig, watch);
}
