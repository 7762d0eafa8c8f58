/**
 * Clock faults of the chaos run: the Guardbell process's wall clock stepped an hour forward or back (libfaketime;
 * every PostgreSQL chaos child runs under it, at +0 until a fault steps it). The embedded database's case, where
 * the process slews toward its own stepped clock, is test/chaos/clock-jump.test.ts. Each fault raises a probe alarm of its own at
 * site-b (no bells of the fleet there), whose policy it sets to two SMS steps at 10 s and 20 s, steps the clock, and
 * on healing times the two SMS at the fake Twilio on this process's clock, which nobody steps: a step fired before
 * its delay (less the 1 % the process clock may run fast while it slews) is early; one not there 15 s after it is
 * stalled. Either fails the run.
 */
import type { EscalationPolicy } from '../../api/domain/index.ts';
import { stepWallClock } from '../support/faketime.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';
import type { Fault } from './faults.ts';
import type { Rig } from './rig.ts';

const PROBE_SITE = 'site-b';
const PROBE_COUNTER = 'civil-1';
/** guard-b of the test provisioning, the one guard of site-b. */
const PROBE_PHONE = '+821000000022';
const DELAYS_S = [10, 20];
/** Slack for a loaded chaos machine: the outbox, the fake Twilio and the sender's round trip come after the step. */
const STALL_MS = 15_000;

const PROBE_POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty'], channels: ['console'] },
    ...DELAYS_S.map((s) => ({ id: `probe_${s}s`, when: { kind: 'unacknowledged' as const, afterSeconds: s }, recipients: ['guards_on_duty' as const], channels: ['sms' as const] })),
  ],
};

interface Probe {
  admin: ApiClient;
  incidentId: string;
  pressedAt: number;
  smsBefore: number;
}

export interface ClockProbeResult {
  offset: string;
  /** Per step: its delay and when its SMS came, both from the press, in ms (null: never). */
  steps: { delayMs: number; firedAfterMs: number | null }[];
  early: number;
  stalled: number;
}

const probes = new WeakMap<Rig, Probe>();
const probeSms = (rig: Rig) => rig.twilio.requests.filter((r) => r.kind === 'sms' && r.to === PROBE_PHONE);

async function startProbe(rig: Rig, offset: string): Promise<void> {
  const admin = await ApiClient.login(rig.systems[0]!.url, 'admin', PASSWORD);
  const set = await admin.request('PUT', `/api/v1/sites/${PROBE_SITE}/escalation-policy`, { policy: PROBE_POLICY });
  if (set.status !== 200) throw new Error(`clock fault: probe policy not set: ${JSON.stringify(set.body)}`);
  const smsBefore = probeSms(rig).length;
  const pressedAt = Date.now();
  const raised = await admin.post<{ id: string }>('/api/v1/incidents', { siteId: PROBE_SITE, counterId: PROBE_COUNTER });
  if (raised.status !== 201) throw new Error(`clock fault: probe alarm not raised: ${JSON.stringify(raised.body)}`);
  stepWallClock(rig.clockFile, offset);
  probes.set(rig, { admin, incidentId: raised.body.id, pressedAt, smsBefore });
}

async function endProbe(rig: Rig, offset: string): Promise<ClockProbeResult> {
  const probe = probes.get(rig);
  if (!probe) throw new Error('clock fault: healed without a probe');
  probes.delete(rig);
  const lastDueAt = probe.pressedAt + DELAYS_S.at(-1)! * 1_000 + STALL_MS;
  await waitFor(() => probeSms(rig).length - probe.smsBefore >= DELAYS_S.length || Date.now() > lastDueAt, lastDueAt - Date.now() + 5_000, 'the probe alarm\'s steps')
    .catch(() => undefined);
  stepWallClock(rig.clockFile, '+0');
  const fired = probeSms(rig).slice(probe.smsBefore).map((r) => r.receivedAt - probe.pressedAt);
  const steps = DELAYS_S.map((s, i) => ({ delayMs: s * 1_000, firedAfterMs: fired[i] ?? null }));
  const result: ClockProbeResult = {
    offset,
    steps,
    early: steps.filter((s) => s.firedAfterMs !== null && s.firedAfterMs < s.delayMs * 0.99 - 100).length,
    stalled: steps.filter((s) => s.firedAfterMs === null || s.firedAfterMs > s.delayMs + STALL_MS).length,
  };
  // The probe alarm is over once its SMS are stored as sent (closed earlier, a send still being recorded would count
  // as a duplicate in the run's SMS figures); the next clock fault raises its own.
  await waitFor(async () => {
    const detail = await probe.admin.get<{ notifications: { channel: string; delivered: boolean; status: string }[] }>(`/api/v1/incidents/${probe.incidentId}`);
    return detail.body.notifications.filter((n) => n.channel === 'sms' && (n.delivered || n.status === 'sent')).length >= fired.length;
  }, 15_000, 'the probe SMS stored as sent').catch(() => undefined);
  await probe.admin.post(`/api/v1/incidents/${probe.incidentId}/acknowledge`);
  await probe.admin.post(`/api/v1/incidents/${probe.incidentId}/close`, { outcome: 'clock fault probe', classification: ['other'] });
  return result;
}

export function formatClockProbe(r: ClockProbeResult): string {
  const steps = r.steps.map((s) => `due ${s.delayMs / 1000} s, fired ${s.firedAfterMs === null ? 'never' : `${(s.firedAfterMs / 1000).toFixed(2)} s`}`).join('; ');
  return `${r.early + r.stalled > 0 ? 'LATE' : 'ok  '} wall clock ${r.offset}: probe alarm's steps after the press: ${steps} (early ${r.early}, stalled ${r.stalled})`;
}

function clockFault(name: string, offset: string): Fault {
  return {
    name,
    inject: (rig) => startProbe(rig, offset),
    heal: async (rig) => {
      const result = await endProbe(rig, offset);
      rig.opts.log?.(formatClockProbe(result));
      if (result.early + result.stalled > 0) throw new Error(`escalation steps fired early or stalled: ${formatClockProbe(result)}`);
    },
  };
}

export const CLOCK_FAULTS: Record<string, Fault> = {
  'clock+1h': clockFault('wall clock +1 h (PostgreSQL: the process follows the server\'s clock)', '+1h'),
  'clock-1h': clockFault('wall clock −1 h (PostgreSQL: the process follows the server\'s clock)', '-1h'),
};
