/** Floor plans and counter placements in the database (api/store/schema-floor-plans.ts). */
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../store/database.ts';
import { floorPlanCounters, floorPlans } from '../../store/schema.ts';
import type { PlanImageType } from './image.ts';

export interface PlanMeta {
  siteId: string;
  floor: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  uploadedBy: string;
  updatedAt: Date;
}

export interface Placement {
  siteId: string;
  counterId: string;
  floor: string;
  x: number;
  y: number;
  placedBy: string;
  updatedAt: Date;
}

const meta = {
  siteId: floorPlans.siteId, floor: floorPlans.floor, contentType: floorPlans.contentType, byteSize: floorPlans.byteSize,
  sha256: floorPlans.sha256, uploadedBy: floorPlans.uploadedBy, updatedAt: floorPlans.updatedAt,
};

export class FloorPlanStore {
  constructor(private readonly db: Db) {}

  /** Plans (without their bytes) of these sites; `'all'` for every site. */
  async plans(siteIds: 'all' | readonly string[]): Promise<PlanMeta[]> {
    if (siteIds !== 'all' && siteIds.length === 0) return [];
    const q = this.db.select(meta).from(floorPlans);
    const rows = siteIds === 'all' ? await q.orderBy(asc(floorPlans.siteId), asc(floorPlans.floor))
      : await q.where(inArray(floorPlans.siteId, [...siteIds])).orderBy(asc(floorPlans.siteId), asc(floorPlans.floor));
    return rows;
  }

  async placements(siteIds: 'all' | readonly string[]): Promise<Placement[]> {
    if (siteIds !== 'all' && siteIds.length === 0) return [];
    const q = this.db.select().from(floorPlanCounters);
    return siteIds === 'all' ? q.orderBy(asc(floorPlanCounters.counterId)) : q.where(inArray(floorPlanCounters.siteId, [...siteIds])).orderBy(asc(floorPlanCounters.counterId));
  }

  async plan(siteId: string, floor: string): Promise<PlanMeta | null> {
    const [row] = await this.db.select(meta).from(floorPlans).where(and(eq(floorPlans.siteId, siteId), eq(floorPlans.floor, floor)));
    return row ?? null;
  }

  async image(siteId: string, floor: string): Promise<{ contentType: string; sha256: string; bytes: Uint8Array } | null> {
    const [row] = await this.db
      .select({ contentType: floorPlans.contentType, sha256: floorPlans.sha256, bytes: floorPlans.image })
      .from(floorPlans)
      .where(and(eq(floorPlans.siteId, siteId), eq(floorPlans.floor, floor)));
    return row ?? null;
  }

  /** Creates or replaces the plan of a floor; its counters keep their places (same fractions of the new image). */
  async savePlan(siteId: string, floor: string, contentType: PlanImageType, bytes: Uint8Array, by: string): Promise<PlanMeta> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const values = { siteId, floor, contentType, image: bytes, byteSize: bytes.length, sha256, uploadedBy: by, updatedAt: new Date() };
    const [row] = await this.db
      .insert(floorPlans)
      .values(values)
      .onConflictDoUpdate({
        target: [floorPlans.siteId, floorPlans.floor],
        set: { contentType, image: bytes, byteSize: bytes.length, sha256, uploadedBy: by, updatedAt: values.updatedAt },
      })
      .returning(meta);
    return row!;
  }

  async deletePlan(siteId: string, floor: string): Promise<boolean> {
    const rows = await this.db.delete(floorPlans).where(and(eq(floorPlans.siteId, siteId), eq(floorPlans.floor, floor))).returning({ floor: floorPlans.floor });
    return rows.length > 0;
  }

  /** Places (or moves, also to another floor's plan) a counter. */
  async place(p: Omit<Placement, 'updatedAt'>): Promise<Placement> {
    const updatedAt = new Date();
    const [row] = await this.db
      .insert(floorPlanCounters)
      .values({ ...p, updatedAt })
      .onConflictDoUpdate({ target: [floorPlanCounters.siteId, floorPlanCounters.counterId], set: { floor: p.floor, x: p.x, y: p.y, placedBy: p.placedBy, updatedAt } })
      .returning();
    return row!;
  }

  async unplace(siteId: string, counterId: string): Promise<boolean> {
    const rows = await this.db
      .delete(floorPlanCounters)
      .where(and(eq(floorPlanCounters.siteId, siteId), eq(floorPlanCounters.counterId, counterId)))
      .returning({ counterId: floorPlanCounters.counterId });
    return rows.length > 0;
  }
}
