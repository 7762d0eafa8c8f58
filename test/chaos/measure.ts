/** One fault's run and its figures: presses sent, received, stored exactly once, rung on every console, SMS, recovery. */
import type { Fault } from './faults.ts';
import type { Rig } from './rig.ts';

export interface FaultResult {
  fault: string;
  holdMs: number;
  sent: number;
  received: number;
  /** Sent presses found in bell_events (each exactly once: the primary key allows no other). */
  stored: number;
  storedMoreThanOnce: number;
  /** Told `received` but not in the database: the promise broken. */
  receivedNotStored: number;
  /** Never told `received` by the end of the drain. */
  neverReceived: number;
  /** Pressed bells shown on every console / on at least one. */
  rungOnEveryConsole: number;
  rungOnSomeConsole: number;
  pressedBells: number;
  smsSent: number;
  /** SMS sent again for a notification already sent (one row, two messages). */
  smsDuplicates: number;
  /** SMS sent for a notification that was never stored (a first alert from memory whose incident another process stored). */
  smsUnstored: number;
  /** The bells' maintenance notices among the SMS (no notification row; not judged). */
  smsMaintenance: number;
  /** From the mend until every press sent before it was received. */
  recoverMs: number | null;
  lost: boolean;
  /** Two processes, one frozen: escalation steps due during the hold, the latest's lateness (fired, or now if still pending, minus due), and those held until the thaw. */
  stepsDueInHold?: number;
  stepsLateMaxMs?: number | null;
  stepsHostage?: number;
  /** Presses sent during the hold (up to a grace before the thaw), those the other process stored during the hold, and those acknowledged only after the thaw. */
  pressesSentInHold?: number;
  pressesTakenOverInHold?: number;
  pressesHostage?: number;
  /** Of the presses held hostage: those no copy of which reached the live process before the thaw (stored only after it). */
  hostageFirstHeardAfterThaw?: number;
  /** Sampled each second of the freeze: sessions waiting for a lock, and sessions idle in a transaction over 2 s. */
  lockWaitersMaxInHold?: number;
  idleInTransactionMaxInHold?: number;
  /** One of two processes killed: bells pressed while it was down that the survivor's console never showed. */
  survivorSilentBells?: number;
  /** The application names of those sessions (`waiting:name`, `idle:name`). */
  lockSessionsInHold?: string;
  /** A restore mid-run: how long the backup and the downtime took, the presses in the backup and those of them missing afterwards. */
  backupMs?: number;
  downtimeMs?: number;
  /** Of the downtime: reading the old database, `guardbell restore`, verifying the restored audit chain (the rest is Guardbell's start). */
  restoreMs?: number;
  pressesInBackup?: number;
  backupPressesMissing?: number;
  /** Stored after the backup's instant and told `received`: gone with the old database (what a restore means). */
  lostByRestore?: number;
  /** Stored after the backup's instant but not yet told `received`: sent again by the bell and stored again. */
  storedAfterBackupResent?: number;
  auditChainOk?: boolean;
}

/** The fault's own verdict beside the press counts: its figures, presses it expects to lose (counted, not failed on), and whether it failed. */
export interface Judgement {
  figures: Partial<FaultResult>;
  excused?: ReadonlySet<string>;
  failed: boolean;
}

export interface FaultWindow {
  injectedAt: number;
  healedAt: number;
}

export interface PhaseTiming {
  settleMs: number;
  holdMs: number;
  afterMs: number;
  drainMs: number;
  perSecond: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runFault(rig: Rig, fault: Fault, t: PhaseTiming): Promise<FaultResult> {
  const sentBefore = new Set(rig.presses.sent.keys());
  const smsBefore = rig.twilio.requests.filter((r) => r.kind === 'sms').length;
  for (const r of rig.rung) r.clear();
  rig.command({ type: 'press', perSecond: t.perSecond });
  await sleep(Math.max(t.settleMs, fault.settleMs ?? 0));
  const injectedAt = Date.now();
  await fault.inject(rig);
  await sleep(t.holdMs);
  await fault.heal(rig);
  const healedAt = Date.now();
  await sleep(t.afterMs);
  rig.command({ type: 'pause' });
  const mine = () => [...rig.presses.sent.keys()].filter((k) => !sentBefore.has(k));
  const beforeHeal = mine().filter((k) => rig.presses.sent.get(k)! <= healedAt);
  const drainUntil = Date.now() + t.drainMs;
  while (Date.now() < drainUntil && mine().some((k) => !rig.presses.received.has(k))) await sleep(200);
  const keys = mine();
  const lastBeforeHeal = Math.max(healedAt, ...beforeHeal.map((k) => rig.presses.received.get(k) ?? Infinity));
  // The consoles get a moment to show the last presses stored.
  await sleep(1_000);
  const counted = await countPresses(rig, keys);
  const judged = await fault.judge?.(rig, keys, { injectedAt, healedAt });
  const smsSent = rig.twilio.requests.filter((r) => r.kind === 'sms').length - smsBefore;
  const sms = await rig.smsOf(rig.twilio.requests.filter((r) => r.kind === 'sms').slice(smsBefore));
  const result: FaultResult = {
    fault: fault.name,
    holdMs: t.holdMs,
    ...counted,
    smsSent,
    smsDuplicates: sms.again,
    smsUnstored: sms.unstored,
    smsMaintenance: sms.maintenance,
    recoverMs: Number.isFinite(lastBeforeHeal) ? lastBeforeHeal - healedAt : null,
    lost: false,
    ...judged?.figures,
  };
  const excused = judged?.excused ?? new Set<string>();
  const excusedNotStored = excused.size === 0 ? 0 : keys.filter((k) => excused.has(k) && rig.presses.received.has(k)).length;
  result.lost = pressesLost({ ...result, receivedNotStored: result.receivedNotStored - excusedNotStored }, rig.rung.length) || (judged?.failed ?? false);
  return result;
}

export type PressCounts = Pick<
  FaultResult,
  'sent' | 'received' | 'stored' | 'storedMoreThanOnce' | 'receivedNotStored' | 'neverReceived' | 'rungOnEveryConsole' | 'rungOnSomeConsole' | 'pressedBells'
>;

/** Counts the presses `keys` (bell#seq): received by the bell, stored (once), rung on the consoles. */
export async function countPresses(rig: Rig, keys: readonly string[]): Promise<PressCounts> {
  const stored = await rig.stored();
  const received = keys.filter((k) => rig.presses.received.has(k));
  const bells = new Set(keys.map((k) => k.split('#')[0]!));
  return {
    sent: keys.length,
    received: received.length,
    stored: keys.filter((k) => stored.has(k)).length,
    storedMoreThanOnce: keys.filter((k) => (stored.get(k) ?? 0) > 1).length,
    receivedNotStored: received.filter((k) => !stored.has(k)).length,
    neverReceived: keys.length - received.length,
    rungOnEveryConsole: [...bells].filter((b) => rig.rung.every((r) => r.has(b))).length,
    rungOnSomeConsole: [...bells].filter((b) => rig.rung.some((r) => r.has(b))).length,
    pressedBells: bells.size,
  };
}

/** A press told `received` and not stored, never received, stored twice, or a pressed bell no console showed. */
export function pressesLost(c: PressCounts, consoles: number): boolean {
  return c.receivedNotStored > 0 || c.neverReceived > 0 || c.storedMoreThanOnce > 0 || c.rungOnSomeConsole < c.pressedBells || consoles === 0;
}

export function formatResult(r: FaultResult): string {
  return (
    `${r.lost ? 'LOSS' : 'ok  '} ${r.fault} (${r.holdMs / 1000} s): sent ${r.sent}, received ${r.received}, stored ${r.stored} ` +
    `(more than once ${r.storedMoreThanOnce}, received but not stored ${r.receivedNotStored}, never received ${r.neverReceived}), ` +
    `rung on every console ${r.rungOnEveryConsole}/${r.pressedBells} (on one at least ${r.rungOnSomeConsole}), ` +
    `SMS ${r.smsSent} (sent again ${r.smsDuplicates}, not stored ${r.smsUnstored}, maintenance ${r.smsMaintenance}), recovered in ${r.recoverMs === null ? 'never' : `${(r.recoverMs / 1000).toFixed(1)} s`}` +
    faultFigures(r)
  );
}

/** The figures only some faults have (the takeover's, the restore's), as `name value` pairs. */
function faultFigures(r: FaultResult): string {
  const keys = [
    'stepsDueInHold', 'stepsLateMaxMs', 'stepsHostage', 'pressesSentInHold', 'pressesTakenOverInHold', 'pressesHostage',
    'hostageFirstHeardAfterThaw', 'lockWaitersMaxInHold', 'idleInTransactionMaxInHold', 'lockSessionsInHold', 'survivorSilentBells',
    'backupMs', 'downtimeMs', 'restoreMs', 'pressesInBackup', 'backupPressesMissing', 'lostByRestore', 'storedAfterBackupResent', 'auditChainOk',
  ] as const;
  const present = keys.filter((k) => r[k] !== undefined).map((k) => `${k} ${String(r[k])}`);
  return present.length > 0 ? `; ${present.join(', ')}` : '';
}
