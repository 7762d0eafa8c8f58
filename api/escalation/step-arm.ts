/**
 * Arming an incident's escalation steps, given a transaction: the step rows created where missing, due times moved
 * by the timeline, steps that can no longer fire settled, steps run again on confirmation, and a cancel's notices.
 * Like the claim (step-claim.ts), the engine runs it in its own transaction on PostgreSQL and inside the PGlite
 * thread as one message (pglite-procedures.ts), so that arming after a guard's action never holds PGlite's one
 * session across round trips to the main thread.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { escalationView, policyOf, stepDueAt, stepStopped } from '../domain/index.ts';
import { ulid } from '../ids.ts';
import { recordFromRow, type IncidentRecord } from '../store/incident-records.ts';
import * as schema from '../store/schema.ts';
import { groupBy, GUARDS_ONLY_UNCONFIRMED, StepWrites, type Tx } from './step-claim.ts';

const { escalationSteps, incidents, notifications, timeline } = schema;

/** The pseudo-step of the notice that an alarm was cancelled at the counter (never a policy's). */
export const CANCEL_NOTICE_STEP = 'cancelled_at_counter';

/** What arming did, as plain data (it crosses the PGlite thread). */
export interface ArmResult {
  /** Due times (epoch ms) of the armed steps: the engine's clock looks then. */
  due: number[];
  /** `[incidentId, siteId]` of incidents with notifications queued (a cancel's notices): the outbox sends once this commits. */
  fired: [string, string][];
}

type StepRow = { stepId: string; status: string; reason: string | null; dueAt: Date | null };

/** What arming an incident needs, from its record, timeline and step rows (pure). */
export function planArm(record: IncidentRecord, entries: { kind: string; at: Date }[], steps: StepRow[]) {
  const view = escalationView(record, entries);
  const policy = policyOf(record);
  const missing = policy.steps.filter((s) => !steps.some((r) => r.stepId === s.id));
  // Confirmed: steps that reached only the guards while unconfirmed run again for everyone else
  // (notifications already sent are not repeated: one per step, recipient and channel).
  const again = !record.unconfirmed && steps.some((r) => r.status === 'fired' && r.reason === GUARDS_ONLY_UNCONFIRMED);
  const cancelNotice = record.status === 'cancelled' && entries.some((e) => e.kind === 'cancelled_at_counter');
  const due: number[] = [];
  const remember = (d: Date | null) => void (d && due.push(d.getTime()));
  for (const s of policy.steps) remember(stepDueAt(s, view));
  // A step that can never fire (acknowledged, on scene, closed) is settled here, not by a later claim: those
  // stopped for one reason in one statement (an ended incident stops them all).
  const stopped = new Map<string, string[]>();
  const moved: { stepId: string; dueAt: Date | null }[] = [];
  for (const p of steps.filter((r) => r.status === 'pending')) {
    const step = policy.steps.find((s) => s.id === p.stepId);
    const why = step ? stepStopped(step, view) : 'step not in the frozen policy';
    if (why) {
      stopped.set(why, [...(stopped.get(why) ?? []), p.stepId]);
      continue;
    }
    const next = stepDueAt(step!, view);
    remember(next);
    if ((next?.getTime() ?? null) !== (p.dueAt?.getTime() ?? null)) moved.push({ stepId: p.stepId, dueAt: next });
  }
  return { view, missing, again, cancelNotice, stopped, moved, due };
}

/** Creates an incident's missing step rows and updates the due time of pending ones from its timeline. */
export async function armIncident(tx: Tx, incidentId: string, now: Date): Promise<ArmResult> {
  const result: ArmResult = { due: [], fired: [] };
  const [row] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!row) return result;
  const record = recordFromRow(row);
  const entries = await tx.select({ kind: timeline.kind, at: timeline.at }).from(timeline).where(eq(timeline.incidentId, incidentId)).orderBy(asc(timeline.id));
  const stepsOf = () => tx.select().from(escalationSteps).where(eq(escalationSteps.incidentId, incidentId));
  // Steps are usually stored with the incident: read first, written only where something is missing or changes.
  let plan = planArm(record, entries, await stepsOf());
  if (plan.cancelNotice && (await noticeCancel(tx, record, now))) result.fired.push([record.id, record.siteId]);
  if (plan.missing.length > 0) {
    const { view } = plan;
    await tx.insert(escalationSteps).values(plan.missing.map((s) => ({ incidentId, stepId: s.id, dueAt: stepDueAt(s, view) }))).onConflictDoNothing();
  }
  if (plan.again) {
    await tx.update(escalationSteps).set({ status: 'pending', reason: null, dueAt: now })
      .where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.status, 'fired'), eq(escalationSteps.reason, GUARDS_ONLY_UNCONFIRMED)));
  }
  if (plan.missing.length > 0 || plan.again) plan = planArm(record, entries, await stepsOf());
  result.due = plan.due;
  for (const { stepId, dueAt } of plan.moved) {
    await tx.update(escalationSteps).set({ dueAt }).where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.stepId, stepId)));
  }
  for (const [reason, stepIds] of plan.stopped) {
    await tx.update(escalationSteps).set({ status: 'skipped', reason })
      .where(and(eq(escalationSteps.incidentId, incidentId), inArray(escalationSteps.stepId, stepIds), eq(escalationSteps.status, 'pending')));
  }
  return result;
}

/**
 * Re-arms many incidents: their incidents, timelines and steps read in one statement each, and only the steps whose
 * due time moved or that can no longer fire written. One at a time, a thousand open incidents were a thousand
 * transactions of three to five statements. An incident that needs more (a missing step row, steps to run again on
 * confirmation, a cancel's notices) is left `alone`, for `armIncident`.
 */
export async function armIncidents(tx: Tx, ids: string[]): Promise<{ due: number[]; alone: string[] }> {
  const result = { due: [] as number[], alone: [] as string[] };
  const rows = await tx.select().from(incidents).where(inArray(incidents.id, ids));
  const entriesOf = groupBy(
    await tx.select({ incidentId: timeline.incidentId, kind: timeline.kind, at: timeline.at }).from(timeline).where(inArray(timeline.incidentId, ids)).orderBy(asc(timeline.id)),
    (e) => e.incidentId,
  );
  const stepsOf = groupBy(await tx.select().from(escalationSteps).where(inArray(escalationSteps.incidentId, ids)), (r) => r.incidentId);
  const writes = new StepWrites();
  for (const row of rows) {
    const record = recordFromRow(row);
    const plan = planArm(record, entriesOf.get(record.id) ?? [], stepsOf.get(record.id) ?? []);
    if (plan.missing.length > 0 || plan.again || plan.cancelNotice) {
      result.alone.push(record.id);
      continue;
    }
    result.due.push(...plan.due);
    for (const { stepId, dueAt } of plan.moved) writes.settle(record.id, stepId, { dueAt });
    for (const [reason, stepIds] of plan.stopped) for (const stepId of stepIds) writes.settle(record.id, stepId, { status: 'skipped', reason });
  }
  // Not claimed: a step another process fires meanwhile keeps what it fired.
  await writes.apply(tx, { onlyPending: true });
  return result;
}

/**
 * Everyone already reached by SMS or call hears that the alarm was cancelled at the counter; police are not stood
 * down. True when a notice was queued.
 */
async function noticeCancel(tx: Tx, record: IncidentRecord, now: Date): Promise<boolean> {
  const reached = await tx.select().from(notifications).where(eq(notifications.incidentId, record.id));
  const people = new Map(reached.filter((n) => n.personId && !n.isPolice && n.channel !== 'webhook').map((n) => [n.personId!, n]));
  if (people.size === 0) return false;
  const rows = [...people.values()].map((n) => ({
    id: `ntf_${ulid()}`, incidentId: record.id, stepId: CANCEL_NOTICE_STEP, recipientKey: n.recipientKey, personId: n.personId,
    channel: 'sms', to: n.to, language: n.language, isPolice: false, mode: record.mode, status: n.to ? 'queued' : 'failed',
    nextAttemptAt: now, createdAt: now, updatedAt: now,
  }));
  const inserted = await tx.insert(notifications).values(rows).onConflictDoNothing().returning({ id: notifications.id });
  return inserted.length > 0;
}
