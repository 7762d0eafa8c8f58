/**
 * The escalation phase, on a fresh system of its own (same database kind, its own fake Twilio): a site policy
 * whose steps fall due 5, 10 and 15 s after each alarm, N console alarms raised by a manager and never
 * acknowledged, then how late every step fired against its due time (exact, from the escalation_steps rows),
 * how late its notifications reached Twilio, and whether the fake received each notification exactly once.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { EscalationPolicy } from '../../api/domain/index.ts';
import type { System } from '../../api/system.ts';
import { FakeTwilioThread } from './fake-twilio-worker.ts';
import { LoopDelay, type LoopDelayReport } from './memory.ts';
import { probeSystem, type ProbeReport } from './probes.ts';
import type { BenchDb, BenchOptions } from './options.ts';
import { counterIdOf, login, provisionBench, SITE_ID, startBenchSystem } from './setup.ts';
import { sleep, summarize, type Summary } from './stats.ts';
import { benchTwilioEnv, notificationIdOf, rows } from './twilio.ts';

/** Unacknowledged alarms climb: texts at once, calls at 5 s, the managers at 10 s, everyone texted again at 15 s. */
export const BENCH_ESCALATION_POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['console', 'sms'] },
    { id: 'unack_5s', when: { kind: 'unacknowledged', afterSeconds: 5 }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['voice'] },
    { id: 'unack_10s', when: { kind: 'unacknowledged', afterSeconds: 10 }, recipients: ['site_managers'], channels: ['sms', 'voice'] },
    { id: 'unack_15s', when: { kind: 'unacknowledged', afterSeconds: 15 }, recipients: ['guards_on_duty', 'site_managers'], channels: ['sms'] },
  ],
};
const LAST_STEP_S = 15;
/** Console alarms raised at once over the API. */
const OPEN_CONCURRENCY = 10;

export interface EscalationResult {
  db: BenchDb;
  incidents: number;
  openFailures: number;
  /** From the first alarm raised to the last one answered. */
  openMs: number;
  tickMs: number;
  steps: { planned: number; fired: number; skipped: number; pending: number };
  /** fired_at − due_at per step (the engine's clock when it claimed the step), ms. */
  lateness: Summary;
  byStep: { stepId: string; lateness: Summary; dueToTwilio: Summary }[];
  /** due_at, and fired_at, → the fake's arrival time of each notification's first request, ms. */
  dueToTwilio: Summary;
  firedToTwilio: Summary;
  histogram: { count: number; atMost1s: number; p99Bucket: string };
  notifications: { rows: number; sms: number; voice: number; byStatus: Record<string, number> };
  fake: { requests: number; sms: number; calls: number; missing: number; duplicates: number; unknown: number; duplicateToStep: number };
  loopDelay: LoopDelayReport;
  probes: ProbeReport;
  load: { before: number; after: number };
  waitedMs: number;
}

export async function runEscalation(db: BenchDb, o: BenchOptions, deadline: number): Promise<EscalationResult> {
  const fake = await FakeTwilioThread.start();
  const bench = await startBenchSystem(db, benchTwilioEnv(fake, o.escalationTickMs)).catch(async (err: unknown) => {
    await fake.close();
    throw err;
  });
  const { system } = bench;
  const loop = new LoopDelay();
  try {
    await provisionBench(system, 0, { counters: o.escalationIncidents, phones: true });
    const [admin, manager] = await Promise.all([login(system, 'admin'), login(system, 'bench-manager')]);
    const put = await admin.request('PUT', `/api/v1/sites/${SITE_ID}/escalation-policy`, { policy: BENCH_ESCALATION_POLICY });
    if (put.status !== 200) throw new Error(`escalation policy not set: ${put.status} ${JSON.stringify(put.body).slice(0, 200)}`);

    loop.start();
    const probe = probeSystem(system);
    const loadBefore = loadavg()[0]!;
    const t0 = performance.now();
    let next = 0;
    let openFailures = 0;
    const raise = async () => {
      while (next < o.escalationIncidents) {
        const c = next++;
        const r = await manager.post('/api/v1/incidents', { counterId: counterIdOf(c), violence: false });
        if (r.status !== 201) openFailures++;
      }
    };
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, raise));
    const openMs = performance.now() - t0;

    // Every step fires (nobody acknowledges); then the outbox drains and the fake has every request.
    const waitUntil = Math.min(deadline, Date.now() + (LAST_STEP_S + 30) * 1000);
    const count = async (q: ReturnType<typeof sql>) => Number((await rows<{ n: number | string }>(system, q))[0]?.n ?? 0);
    while (Date.now() < waitUntil && (await count(sql`select count(*)::int as n from escalation_steps where status = 'pending'`)) > 0) await sleep(250);
    while (Date.now() < waitUntil && (await count(sql`select count(*)::int as n from notifications where status in ('queued', 'sending')`)) > 0) await sleep(100);
    const waitedMs = performance.now() - t0;
    const loopDelay = loop.stop();
    const probes = probe.stop();
    const loadAfter = loadavg()[0]!;
    await fake.flush();
    return {
      db, incidents: o.escalationIncidents, openFailures, openMs, tickMs: system.config.escalationTickMs,
      waitedMs, loopDelay, probes, load: { before: loadBefore, after: loadAfter },
      ...(await measure(system, fake)),
    };
  } finally {
    loop.stop();
    await bench.close();
    await fake.close();
  }
}

type Measured = Pick<EscalationResult, 'steps' | 'lateness' | 'byStep' | 'dueToTwilio' | 'firedToTwilio' | 'histogram' | 'notifications' | 'fake'>;

async function measure(system: System, fake: FakeTwilioThread): Promise<Measured> {
  const steps = await rows<{ incident_id: string; step_id: string; status: string; due_ms: number | string | null; fired_ms: number | string | null; late_ms: number | string | null }>(
    system,
    sql`select incident_id, step_id, status, (extract(epoch from due_at) * 1000)::float8 as due_ms, (extract(epoch from fired_at) * 1000)::float8 as fired_ms,
               (extract(epoch from (fired_at - due_at)) * 1000)::float8 as late_ms
          from escalation_steps`,
  );
  const fired = steps.filter((s) => s.status === 'fired' && s.late_ms !== null);
  const stepIds = [...new Set(steps.map((s) => s.step_id))];
  const stepOf = new Map(steps.map((s) => [`${s.incident_id}|${s.step_id}`, { due: Number(s.due_ms), fired: Number(s.fired_ms) }]));

  const ntf = await rows<{ id: string; incident_id: string; step_id: string; channel: string; to: string; status: string }>(
    system,
    sql`select id, incident_id, step_id, channel, "to", status from notifications`,
  );
  const byId = new Map(ntf.map((n) => [n.id, n]));
  const byStatus: Record<string, number> = {};
  for (const n of ntf) byStatus[n.status] = (byStatus[n.status] ?? 0) + 1;

  // Each notification reaches the fake once; per (incident, step, to, kind) too, whatever the ids say.
  const seen = new Map<string, number>();
  const seenKey = new Set<string>();
  const dueToTwilio: { stepId: string; ms: number }[] = [];
  const firedToTwilio: number[] = [];
  let unknown = 0;
  let duplicateToStep = 0;
  for (const r of fake.requests) {
    const id = notificationIdOf(r);
    const n = id === undefined ? undefined : byId.get(id);
    if (!n) {
      unknown++;
      continue;
    }
    const times = (seen.get(n.id) ?? 0) + 1;
    seen.set(n.id, times);
    const key = `${n.incident_id}|${n.step_id}|${r.to}|${r.kind}`;
    if (seenKey.has(key)) duplicateToStep++;
    seenKey.add(key);
    const step = stepOf.get(`${n.incident_id}|${n.step_id}`);
    if (times === 1 && step && Number.isFinite(step.due)) dueToTwilio.push({ stepId: n.step_id, ms: r.receivedAt - step.due });
    if (times === 1 && step && Number.isFinite(step.fired)) firedToTwilio.push(r.receivedAt - step.fired);
  }
  const sendable = ntf.filter((n) => n.channel === 'sms' || n.channel === 'voice');

  return {
    steps: {
      planned: steps.length,
      fired: fired.length,
      skipped: steps.filter((s) => s.status === 'skipped').length,
      pending: steps.filter((s) => s.status === 'pending').length,
    },
    lateness: summarize(fired.map((s) => Number(s.late_ms))),
    byStep: stepIds.map((stepId) => ({
      stepId,
      lateness: summarize(fired.filter((s) => s.step_id === stepId).map((s) => Number(s.late_ms))),
      dueToTwilio: summarize(dueToTwilio.filter((d) => d.stepId === stepId).map((d) => d.ms)),
    })),
    dueToTwilio: summarize(dueToTwilio.map((d) => d.ms)),
    firedToTwilio: summarize(firedToTwilio),
    histogram: await histogram(system),
    notifications: { rows: ntf.length, sms: ntf.filter((n) => n.channel === 'sms').length, voice: ntf.filter((n) => n.channel === 'voice').length, byStatus },
    fake: {
      requests: fake.requests.length,
      sms: fake.requests.filter((r) => r.kind === 'sms').length,
      calls: fake.requests.filter((r) => r.kind === 'call').length,
      missing: sendable.filter((n) => !seen.has(n.id)).length,
      duplicates: [...seen.values()].reduce((d, t) => d + t - 1, 0),
      unknown,
      duplicateToStep,
    },
  };
}

/** guardbell_escalation_step_lateness_seconds as the registry has it: observations, those ≤ 1 s, the p99 bucket. */
async function histogram(system: System): Promise<Measured['histogram']> {
  const metric = system.registry.getSingleMetric('guardbell_escalation_step_lateness_seconds');
  const values = metric ? (await metric.get()).values : [];
  const buckets = values
    .filter((v) => v.labels.le !== undefined) // the buckets; _sum and _count have no `le`
    .map((v) => ({ le: v.labels.le === '+Inf' ? Infinity : Number(v.labels.le), n: v.value }))
    .sort((a, b) => a.le - b.le);
  const count = buckets.at(-1)?.n ?? 0;
  const p99 = buckets.find((b) => b.n >= 0.99 * count && count > 0);
  return {
    count,
    atMost1s: buckets.find((b) => b.le === 1)?.n ?? 0,
    p99Bucket: p99 ? (p99.le === Infinity ? '> 30 s' : `≤ ${p99.le} s`) : '-',
  };
}
