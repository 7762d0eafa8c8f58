import { and, asc, eq, gt, lte } from 'drizzle-orm';
import type { Db } from './database.ts';
import { escalationSteps, notifications, shifts, sites } from './schema.ts';

export type ShiftRow = typeof shifts.$inferSelect;

/** Escalation state for the API: a site's policy, its roster, an incident's steps and notifications. */
export class EscalationStore {
  constructor(
    private readonly db: Db,
    /** Told after a roster changed (the in-memory roster of escalation reads it again). */
    private readonly onRosterChanged?: () => Promise<void>,
  ) {}

  steps(incidentId: string) {
    return this.db.select().from(escalationSteps).where(eq(escalationSteps.incidentId, incidentId));
  }

  notifications(incidentId: string) {
    return this.db.select().from(notifications).where(eq(notifications.incidentId, incidentId)).orderBy(asc(notifications.createdAt));
  }

  async setSitePolicy(siteId: string, policy: unknown): Promise<void> {
    await this.db.update(sites).set({ escalationPolicy: policy, updatedAt: new Date() }).where(eq(sites.id, siteId));
  }

  shifts(siteId: string): Promise<ShiftRow[]> {
    return this.db.select().from(shifts).where(eq(shifts.siteId, siteId)).orderBy(asc(shifts.startsAt));
  }

  /** Replaces a site's roster in one transaction. */
  async replaceShifts(siteId: string, rows: { personId: string; startsAt: Date; endsAt: Date }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(shifts).where(eq(shifts.siteId, siteId));
      if (rows.length > 0) await tx.insert(shifts).values(rows.map((r) => ({ ...r, siteId })));
    });
    await this.onRosterChanged?.();
  }

  /** Person ids on shift now, or null when the site keeps no roster (then every guard is on duty). */
  async onShift(siteId: string, now: Date): Promise<string[] | null> {
    const [any] = await this.db.select({ id: shifts.id }).from(shifts).where(eq(shifts.siteId, siteId)).limit(1);
    if (!any) return null;
    const rows = await this.db
      .select({ personId: shifts.personId })
      .from(shifts)
      .where(and(eq(shifts.siteId, siteId), lte(shifts.startsAt, now), gt(shifts.endsAt, now)));
    return [...new Set(rows.map((r) => r.personId))];
  }
}
