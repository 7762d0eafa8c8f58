/**
 * People and shifts held in memory, for the first alert (sent before anything is stored, so it cannot ask
 * the database) and for the engine and outbox (one read every few seconds instead of one per step).
 * Refreshed on a timer and at once after this process changes a roster or provisions; a change made by
 * another process is seen within `refreshMs`. When the database is away the last copy stays in use.
 */
import { gt } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, PersonRow } from '../store/index.ts';
import { people, shifts } from '../store/schema.ts';
import { rosterAt, type RosterRows, type RosterSnapshot } from './recipients.ts';

/**
 * Reads everyone, the sites that keep a roster, and the shifts not ended at `now` (the current ones, and those
 * starting before the next read): for RosterCache, and for the PGlite thread's copy (step-claim.ts).
 */
export async function readRoster(db: Db, now: Date): Promise<RosterRows> {
  const everyone = await db.select().from(people);
  const withRoster = await db.selectDistinct({ siteId: shifts.siteId }).from(shifts);
  const current = await db
    .select({ siteId: shifts.siteId, personId: shifts.personId, startsAt: shifts.startsAt, endsAt: shifts.endsAt })
    .from(shifts)
    .where(gt(shifts.endsAt, now));
  return { people: everyone, sitesWithRoster: withRoster.map((s) => s.siteId), shifts: current };
}

export class RosterCache {
  private rows: RosterRows = { people: [], sitesWithRoster: [], shifts: [] };
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** Raised at each read: a copy kept elsewhere (the PGlite thread's, step-claim.ts) is read again when it moves. */
  version = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly refreshMs = 5_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.logger.warn({ err }, 'roster not refreshed; keeping the last copy')), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads people and shifts again; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async read(): Promise<void> {
    this.rows = await readRoster(this.db, this.now());
    this.version++;
  }

  get people(): PersonRow[] {
    return this.rows.people;
  }

  /** Who is on shift at `now`, per site with a roster (a site without one has every guard on duty). */
  snapshot(now: Date): RosterSnapshot {
    return rosterAt(this.rows, now);
  }
}
