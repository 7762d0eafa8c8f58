/** The faults of the chaos run: each breaks one thing (or a few at once) for `holdMs` and then mends it. */
import type { FaultWindow, Judgement } from './measure.ts';
import type { Rig } from './rig.ts';
import { CLOCK_FAULTS } from './clock-faults.ts';
import { restoreMidRun } from './restore-fault.ts';
import { judgeSurvivor, judgeTakeover, watchLocks } from './takeover-check.ts';

export interface Fault {
  name: string;
  /** Needs two Guardbell processes (one takes over while the other is down or frozen). */
  needsTwo?: boolean;
  /** The rig it runs on: PostgreSQL behind the proxy with the rig's Mosquitto (the default), or the embedded default. */
  backend?: 'postgres' | 'embedded';
  /** Presses going at least this long before the fault (steps armed before it must come due during it). */
  settleMs?: number;
  inject(rig: Rig): Promise<void>;
  heal(rig: Rig): Promise<void>;
  /** Figures and a verdict of the fault's own, beside the press counts, over the presses `keys` of its run. */
  judge?(rig: Rig, keys: string[], window: FaultWindow): Promise<Judgement>;
}

const brokerKill: Fault = {
  name: 'broker SIGKILL and restart (every bell reconnects at once)',
  inject: (rig) => rig.broker.kill(),
  heal: (rig) => rig.broker.up(),
};

const dbCut: Fault = {
  name: 'database cut',
  inject: async (rig) => rig.proxy.cut(),
  heal: async (rig) => rig.proxy.restore(),
};

const dbSlow: Fault = {
  name: 'database slow (every exchange delayed 1 s)',
  inject: async (rig) => void (rig.proxy.delayMs = 1_000),
  heal: async (rig) => rig.proxy.restore(),
};

const guardbellKill: Fault = {
  name: 'Guardbell SIGKILL during presses, then restarted',
  inject: async (rig) => {
    const child = rig.systems[0]!.child;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  },
  heal: (rig) => rig.startSystem(0),
};

const guardbellFrozen: Fault = {
  name: 'Guardbell SIGSTOP (the other process must carry on), then SIGCONT',
  needsTwo: true,
  // The frozen process's incidents of the 25 s before have their 30 s step due during the hold.
  settleMs: 25_000,
  inject: async (rig) => {
    rig.systems[0]!.child.kill('SIGSTOP');
    watchLocks(rig);
  },
  heal: async (rig) => void rig.systems[0]!.child.kill('SIGCONT'),
  judge: judgeTakeover,
};

// Two processes behind shared subscriptions; one dies mid-press (its transaction in flight, its MQTT connection
// reset): nothing it was told is lost, the other stores every press and its consoles keep ringing.
const guardbellKillOfTwo: Fault = {
  name: 'Guardbell SIGKILL of one of two processes during presses (the other carries on), then restarted',
  needsTwo: true,
  // As for the freeze: steps the killed process armed come due while it is down.
  settleMs: 25_000,
  inject: guardbellKill.inject,
  heal: guardbellKill.heal,
  judge: judgeSurvivor,
};

const smsErrors: Fault = {
  name: 'SMS provider answering 500',
  inject: async (rig) => rig.twilio.failNext(1_000_000, { status: 500, code: 20500 }),
  heal: async (rig) => rig.twilio.failNext(0, { status: 500 }),
};

const smsDown: Fault = {
  name: 'SMS provider unreachable',
  inject: (rig) => rig.twilio.setUnreachable(true),
  heal: (rig) => rig.twilio.setUnreachable(false),
};

const smsSlow: Fault = {
  name: 'SMS provider answering slowly (3 s a request)',
  inject: async (rig) => void (rig.twilio.answerDelayMs = 3_000),
  heal: async (rig) => void (rig.twilio.answerDelayMs = 0),
};

// Past the sender's 10 s timeout: the request may have been sent, so it is sent again (twice is better than never);
// the duplicates are counted, not hidden.
const smsTimeout: Fault = {
  name: 'SMS provider timing out (answers after 15 s)',
  inject: async (rig) => void (rig.twilio.answerDelayMs = 15_000),
  heal: async (rig) => void (rig.twilio.answerDelayMs = 0),
};

const dbPoolExhausted: Fault = {
  name: 'database pool exhausted (every alarm write held behind a lock)',
  inject: (rig) => rig.holdWriteLock(),
  heal: (rig) => rig.releaseWriteLock(),
};

const embeddedKill: Fault = {
  name: 'Guardbell SIGKILL during presses, embedded database and broker, then restarted',
  backend: 'embedded',
  inject: guardbellKill.inject,
  heal: guardbellKill.heal,
};

// Presses still ring; health says the disk is full; nothing told `received` is lost; it recovers when space returns.
const diskFull: Fault = {
  name: 'DATA_DIR full (embedded database on a tmpfs)',
  backend: 'embedded',
  inject: async (rig) => rig.fillDisk(),
  heal: async (rig) => rig.freeDisk(),
};

const combined = (name: string, parts: Fault[]): Fault => ({
  name,
  needsTwo: parts.some((p) => p.needsTwo),
  inject: async (rig) => {
    for (const p of parts) await p.inject(rig);
  },
  heal: async (rig) => {
    for (const p of [...parts].reverse()) await p.heal(rig);
  },
});

export const FAULTS: Record<string, Fault> = {
  'broker-kill': brokerKill,
  'db-cut': dbCut,
  'db-slow': dbSlow,
  'guardbell-kill': guardbellKill,
  'guardbell-stop': guardbellFrozen,
  'guardbell-kill-two': guardbellKillOfTwo,
  'db-pool': dbPoolExhausted,
  'sms-500': smsErrors,
  'sms-slow': smsSlow,
  'sms-timeout': smsTimeout,
  'sms-down': smsDown,
  'embedded-kill': embeddedKill,
  'disk-full': diskFull,
  'broker-kill+db-cut': combined('broker SIGKILL and database cut together', [brokerKill, dbCut]),
  'guardbell-kill+sms-500': combined('Guardbell SIGKILL while the SMS provider answers 500', [guardbellKill, smsErrors]),
  ...CLOCK_FAULTS,
  restore: restoreMidRun(),
};
