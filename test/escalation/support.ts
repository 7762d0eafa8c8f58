import type { EscalationPolicy } from '../../api/domain/index.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { startTestSystem, type TestSystemOptions } from '../support/system.ts';

/** The default policy's shape with seconds instead of minutes, so a test sees every step. */
// Steps seconds apart: the walk to the counter is in their times, so a late acknowledgement adds no travel time.
export const FAST_POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['console', 'sms'] },
    { id: 'violence_police', when: { kind: 'violence' }, recipients: ['police'], channels: ['sms'] },
    { id: 'unack_1s', when: { kind: 'unacknowledged', afterSeconds: 1 }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['voice'] },
    { id: 'unack_2s', when: { kind: 'unacknowledged', afterSeconds: 2 }, recipients: ['police', 'site_managers'], channels: ['sms', 'voice'] },
    { id: 'scene_3s', when: { kind: 'no_one_on_scene', afterSeconds: 3, travelSeconds: 0 }, recipients: ['guards_on_duty', 'counter_manager', 'situation_room'], channels: ['voice', 'sms'] },
  ],
};

/**
 * FAST_POLICY with its unacknowledged steps at 3 s and 4 s (and nobody-on-scene at 60 s, out of the
 * way): for tests whose point is that an acknowledgement or a cancel stops the climb, so that a loaded
 * machine cannot make the step fire before the acknowledgement arrives.
 */
export const STOPPABLE_POLICY: EscalationPolicy = {
  steps: FAST_POLICY.steps.map((s) =>
    s.when.kind === 'unacknowledged' ? { ...s, when: { ...s.when, afterSeconds: s.when.afterSeconds + 2 } }
      : s.when.kind === 'no_one_on_scene' ? { ...s, when: { ...s.when, afterSeconds: 60 } } : s),
};
/** The last unacknowledged step of STOPPABLE_POLICY is due this long after the press. */
export const STOPPABLE_LAST_UNACK_MS = 4_000;

export const PHONES = {
  guardA: '+821000000021', guardA2: '+821000000023', managerA: '+821000000031', managerA2: '+821000000032',
} as const;

export function twilioEnv(fake: FakeTwilio): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE: fake.apiBase,
    ESCALATION_TICK_MS: '50',
  };
}

/** A system with Twilio pointed at a fresh fake and the fast policy on site-a. */
export async function startWithTwilio(opts: Omit<TestSystemOptions, 'env'> & { env?: Record<string, string>; policy?: EscalationPolicy | null }) {
  const fake = await new FakeTwilio().start();
  const t = await startTestSystem({ ...opts, env: { ...twilioEnv(fake), ...opts.env } });
  if (opts.policy !== null) {
    const admin = await t.login('admin1');
    const r = await admin.request('PUT', '/api/v1/sites/site-a/escalation-policy', { policy: opts.policy ?? FAST_POLICY });
    if (r.status !== 200) throw new Error(`policy not set: ${JSON.stringify(r.body)}`);
  }
  return { t, fake, close: async () => { await t.close(); await fake.close(); } };
}

type Req = FakeTwilio['requests'][number];
export const smsTo = (requests: readonly Req[], to: string) => requests.filter((r) => r.kind === 'sms' && r.to === to);
export const callsTo = (requests: readonly Req[], to: string) => requests.filter((r) => r.kind === 'call' && r.to === to);
