/** The drills' own small store: planned and finished drills, managers' scenarios, and the holds on a paused drill's escalation. */
import { and, desc, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../api/store/index.ts';
import { schema } from '../api/store/index.ts';
import type { DrillStatus } from '../api/contract/drills.ts';

const { drills, drillScenarios, escalationSteps, notifications, bells, timeline } = schema;

export type DrillRow = typeof drills.$inferSelect;
export type DrillInsert = typeof drills.$inferInsert;
export const ACTIVE_DRILL = ['running', 'paused'] as const;

/** Escalation steps and notifications of a paused drill carry this status: the engine and the outbox pass them by. */
export const HELD = 'held';

export class DrillStore {
  constructor(private readonly db: Db) {}

  async insert(row: DrillInsert): Promise<DrillRow> {
    const [r] = await this.db.insert(drills).values(row).returning();
    return r!;
  }

  async get(id: string): Promise<DrillRow | null> {
    const [r] = await this.db.select().from(drills).where(eq(drills.id, id));
    return r ?? null;
  }

  async list(f: { siteIds?: string[] | undefined; status?: DrillStatus[] | undefined; limit?: number }): Promise<DrillRow[]> {
    const where = [];
    if (f.siteIds) where.push(f.siteIds.length > 0 ? inArray(drills.siteId, f.siteIds) : eq(drills.id, '\u0000'));
    if (f.status) where.push(inArray(drills.status, f.status));
    return this.db.select().from(drills).where(and(...where)).orderBy(desc(drills.scheduledAt)).limit(f.limit ?? 500);
  }

  /** Ended drills whose clean-up did not finish (a crash or an error mid-way): the sweep finishes them. */
  unfinished(): Promise<DrillRow[]> {
    return this.db.select().from(drills).where(and(eq(drills.status, 'completed'), isNull(drills.result))).limit(20);
  }

  active(): Promise<DrillRow[]> {
    return this.db.select().from(drills).where(inArray(drills.status, [...ACTIVE_DRILL]));
  }

  /** Moves a drill from one of `from` to a new state; null when it was not in one of them (someone else moved it). */
  async update(id: string, from: readonly DrillStatus[], patch: Partial<DrillInsert>): Promise<DrillRow | null> {
    const [r] = await this.db.update(drills).set(patch).where(and(eq(drills.id, id), inArray(drills.status, [...from]))).returning();
    return r ?? null;
  }

  async setIncident(id: string, incidentId: string): Promise<void> {
    // Only the first incident of a drill counts: never overwrite one already linked.
    await this.db.update(drills).set({ incidentId }).where(and(eq(drills.id, id), isNull(drills.incidentId)));
  }

  scenarios() {
    return this.db.select().from(drillScenarios).orderBy(drillScenarios.id);
  }

  async scenario(id: string) {
    const [r] = await this.db.select().from(drillScenarios).where(eq(drillScenarios.id, id));
    return r ?? null;
  }

  async saveScenario(id: string, definition: Record<string, unknown>, by: string): Promise<void> {
    await this.db.insert(drillScenarios).values({ id, definition, createdBy: by })
      .onConflictDoUpdate({ target: drillScenarios.id, set: { definition, createdBy: by } });
  }

  /** Holds a paused drill's pending steps and queued notifications. */
  async hold(incidentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(escalationSteps).set({ status: HELD, reason: 'drill paused for a live alarm' })
        .where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.status, 'pending')));
      await tx.update(notifications).set({ status: HELD, lastError: 'drill paused for a live alarm', updatedAt: new Date() })
        .where(and(eq(notifications.incidentId, incidentId), eq(notifications.status, 'queued')));
    });
  }

  /**
   * Lets a resumed drill go on: steps not yet due wait again; steps that came due during the pause are skipped
   * (their moment passed while the guards were at a real alarm); held notifications are sent now.
   */
  async release(incidentId: string, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const held = and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.status, HELD));
      await tx.update(escalationSteps).set({ status: 'skipped', reason: 'came due while the drill was paused for a live alarm' })
        .where(and(held, lte(escalationSteps.dueAt, now)));
      await tx.update(escalationSteps).set({ status: 'pending', reason: null }).where(held);
      await tx.update(notifications).set({ status: 'queued', lastError: null, nextAttemptAt: now, updatedAt: now })
        .where(and(eq(notifications.incidentId, incidentId), eq(notifications.status, HELD)));
    });
  }

  /** The drill is over: whatever was held never goes out. */
  async dropHeld(incidentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.update(escalationSteps).set({ status: 'skipped', reason: 'drill ended' })
        .where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.status, HELD)));
      await tx.update(notifications).set({ status: 'cancelled', lastError: 'drill ended while paused', updatedAt: new Date() })
        .where(and(eq(notifications.incidentId, incidentId), eq(notifications.status, HELD)));
    });
  }

  async addTimeline(incidentId: string, kind: string, at: Date, actorId: string | null, data: Record<string, unknown>): Promise<void> {
    await this.db.insert(timeline).values({ incidentId, kind, at, actorId, data });
  }

  async addBell(row: typeof bells.$inferInsert): Promise<void> {
    await this.db.insert(bells).values(row);
  }

  async removeBell(id: string): Promise<void> {
    await this.db.delete(bells).where(eq(bells.id, id));
  }
}
