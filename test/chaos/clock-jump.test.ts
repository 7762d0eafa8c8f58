/**
 * The short version of the chaos run's clock faults: a real `guardbell start` on its embedded database, its wall
 * clock stepped by an hour (libfaketime) right after a press. The step due 8 s after the press must fire neither
 * at once (+1 h) nor an hour late (−1 h). Times are measured in this process, whose clock nobody steps.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EscalationPolicy } from '../../api/domain/index.ts';
import { ChildSystem } from '../support/child-system.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { steppableClockEnv, stepWallClock } from '../support/faketime.ts';
import { PASSWORD, TEST_HASH_COST, testProvisioning } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';
import { callsTo, PHONES, twilioEnv } from '../escalation/support.ts';

const HOUR_MS = 3_600_000;
const STEP_MS = 8_000;
/** The process clock runs at most 1 % fast while it slews toward a clock set forward. */
const EARLIEST_MS = STEP_MS * 0.99 - 100;
const POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty'], channels: ['console', 'sms'] },
    { id: 'unack_call', when: { kind: 'unacknowledged', afterSeconds: STEP_MS / 1000 }, recipients: ['guards_on_duty'], channels: ['voice'] },
  ],
};

type Health = { clock?: { state: string; offsetMs: number } };

describe('the wall clock jumped ±1 h: escalation steps neither fire early nor stall', () => {
  let fake: FakeTwilio;
  let child: (ChildSystem & { url: string }) | undefined;
  let staff: ApiClient;
  let dir: string;
  let clockFile: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    dir = mkdtempSync(join(tmpdir(), 'gb-clock-'));
    clockFile = join(dir, 'faketime');
    writeFileSync(join(dir, 'provision.json'), JSON.stringify(testProvisioning()));
    env = {
      DATA_DIR: join(dir, 'data'),
      GUARDBELL_PROVISION: join(dir, 'provision.json'),
      GUARDBELL_ADMIN_PASSWORD: PASSWORD,
      PASSWORD_HASH_COST: String(TEST_HASH_COST),
      ...twilioEnv(fake),
      ...steppableClockEnv(clockFile),
    };
    child = await ChildSystem.start(env, 180_000);
    const admin = await ApiClient.login(child.url, 'admin', PASSWORD);
    const r = await admin.request('PUT', '/api/v1/sites/site-a/escalation-policy', { policy: POLICY });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    staff = await ApiClient.login(child.url, 'staff', PASSWORD);
  }, 240_000);

  afterAll(async () => {
    await child?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const health = async () => (await fetch(`${child!.url}/api/v1/health`).then((r) => r.json())) as Health;

  /** Presses the staff panic button, steps the child's wall clock by `offset`, and returns when the call of the step came. */
  async function pressThenStep(offset: string, seen: (h: Health) => boolean) {
    const before = callsTo(fake.requests, PHONES.guardA).length;
    const pressedAt = Date.now();
    const r = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    stepWallClock(clockFile, offset);
    const shown = await waitFor(async () => {
      const h = await health();
      return seen(h) && h;
    }, 20_000, `the child's health to show its wall clock stepped ${offset}`);
    const shownAfterMs = Date.now() - pressedAt;
    // Checked before the step is due (a loaded machine may get here later: then the lower bound below decides).
    if (shownAfterMs < EARLIEST_MS) expect(callsTo(fake.requests, PHONES.guardA).length, `a call ${shownAfterMs} ms after the press`).toBe(before);
    const call = await waitFor(() => callsTo(fake.requests, PHONES.guardA)[before], STEP_MS + 60_000, 'the call of the step due 8 s after the press');
    return { shown, firedAfterMs: call.receivedAt - pressedAt };
  }

  it('+1 h: the step due 8 s after the press is not fired at once; /health says the clock is slewing', async () => {
    const { shown, firedAfterMs } = await pressThenStep('+1h', (h) => (h.clock?.offsetMs ?? 0) > HOUR_MS - 10_000);
    expect(shown.clock!.state).toBe('slewing');
    expect(shown.clock!.offsetMs).toBeLessThan(HOUR_MS + 10_000);
    expect(firedAfterMs).toBeGreaterThanOrEqual(EARLIEST_MS);
    expect(firedAfterMs).toBeLessThan(STEP_MS + 30_000);
  }, 120_000);

  it('the wall clock put right again: /health is back to ok', async () => {
    stepWallClock(clockFile, '+0');
    const h = await waitFor(async () => {
      const r = await health();
      return r.clock?.state === 'ok' && r;
    }, 20_000, 'the clock to be ok again');
    expect(Math.abs(h.clock!.offsetMs)).toBeLessThan(1_000);
  }, 60_000);

  it('−1 h: the step due 8 s after the press still fires in about 8 s, not an hour later', async () => {
    const { shown, firedAfterMs } = await pressThenStep('-1h', (h) => (h.clock?.offsetMs ?? 0) < -(HOUR_MS - 10_000));
    expect(shown.clock!.state).toBe('slewing');
    expect(firedAfterMs).toBeGreaterThanOrEqual(EARLIEST_MS);
    expect(firedAfterMs).toBeLessThan(STEP_MS + 30_000);
  }, 120_000);

  it('−1 h across a restart: the process starts no earlier than what it stored, so the step is not an hour late', async () => {
    const before = callsTo(fake.requests, PHONES.guardA).length;
    const pressedAt = Date.now();
    const r = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await child!.stop();
    child = await ChildSystem.start(env, 180_000);
    const restartedAfterMs = Date.now() - pressedAt;
    const h = await health();
    // Started on the last stored time (the press) instead of the wall clock an hour behind it, and slewing back from
    // there: the hour less the time the restart took.
    expect(h.clock!.state).toBe('slewing');
    expect(h.clock!.offsetMs).toBeLessThan(-(HOUR_MS - restartedAfterMs - 10_000));
    expect(h.clock!.offsetMs).toBeGreaterThan(-(HOUR_MS + 10_000));
    staff = await ApiClient.login(child.url, 'staff', PASSWORD);
    const call = await waitFor(() => callsTo(fake.requests, PHONES.guardA)[before], restartedAfterMs + STEP_MS + 60_000, 'the call of the step due 8 s after the press');
    const firedAfterMs = call.receivedAt - pressedAt;
    expect(firedAfterMs).toBeGreaterThanOrEqual(EARLIEST_MS);
    expect(firedAfterMs).toBeLessThan(restartedAfterMs + STEP_MS + 30_000);
  }, 300_000);
});
