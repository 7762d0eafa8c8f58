import { and, asc, desc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { rowsOf } from './rows-of.ts';
import { bellRetirements, bells, counters, people, securityAlerts, sessions, sites } from './schema.ts';

/** A bell's troubles raised and cleared since its site's admins were last told. */
export interface TroubleDiff {
  raised: string[];
  cleared: string[];
}

export type SiteRow = typeof sites.$inferSelect;
export type CounterRow = typeof counters.$inferSelect;
export type BellRow = typeof bells.$inferSelect;
export type PersonRow = typeof people.$inferSelect;

export interface BellHealthPatch {
  online?: boolean;
  lastSeenAt?: Date;
  lastTestAt?: Date;
  battery?: number | null;
  rssi?: number | null;
  fw?: string | null;
  trouble?: string[];
  tamperAt?: Date | null;
  clockSkewMs?: number | null;
}

/** Bell health rows per update statement, so that one statement's size and row locks stay bounded. */
const BELL_HEALTH_ROWS_PER_STATEMENT = 2_000;

/** Sites, counters, bells, people and sessions. */
export class DirectoryStore {
  constructor(private readonly db: Db) {}

  sites(): Promise<SiteRow[]> {
    return this.db.select().from(sites).orderBy(asc(sites.id));
  }

  counters(): Promise<CounterRow[]> {
    return this.db.select().from(counters).orderBy(asc(counters.siteId), asc(counters.id));
  }

  /** The bells in service: a bell taken out of service (administration) is kept with its history, but not here. */
  bells(): Promise<BellRow[]> {
    return this.db.select().from(bells)
      .where(sql`not exists (select 1 from ${bellRetirements} where ${bellRetirements.bellId} = ${bells.id})`)
      .orderBy(asc(bells.id));
  }

  /** Those of `ids` still in service (the supervisor's due bells, read again before being judged). */
  bellsById(ids: readonly string[]): Promise<BellRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.select().from(bells)
      .where(and(inArray(bells.id, [...ids]), sql`not exists (select 1 from ${bellRetirements} where ${bellRetirements.bellId} = ${bells.id})`));
  }

  async updateBell(bellId: string, patch: BellHealthPatch): Promise<BellRow | null> {
    const [row] = await this.db.update(bells).set(patch).where(eq(bells.id, bellId)).returning();
    return row ?? null;
  }

  /**
   * Claims changes of bells' troubles for maintenance alerts, many bells in one statement: per bell, what was raised
   * and cleared since the admins were last told; a bell with nothing new (or whose change another process claimed
   * first), or not in the table, is left out of the result. One statement, not a transaction of a locking read and
   * an update: on PGlite a transaction driven from this thread holds the engine's one session across each round trip,
   * and a thousand bells coming back after a power cut made a hundred such claims in a few seconds beside the presses.
   */
  async claimTroubleNotices(changes: readonly { bellId: string; trouble: string[] }[]): Promise<Map<string, TroubleDiff>> {
    const wanted = new Map(changes.map((c) => [c.bellId, c.trouble]));
    if (wanted.size === 0) return new Map();
    const ids = [...wanted.keys()];
    // Locked in id order (materialized, so the lock is taken as written), so two processes claiming overlapping sets
    // cannot deadlock; a row another process is claiming is read again once it commits. No key update: a press being
    // stored for one of these bells (its foreign key takes a key-share lock) does not wait on the claim. The troubles
    // are sets: the same troubles in another order are nothing new.
    const told = rowsOf<{ id: string; before: string[] }>(await this.db.execute(sql`
      with wanted as (select * from unnest(${sql.param(ids)}::text[], ${sql.param(ids.map((id) => JSON.stringify(wanted.get(id))))}::jsonb[]) as w(id, trouble)),
      locked as materialized (select b.id, b.notified_trouble from bells b where b.id in (select id from wanted) order by b.id for no key update),
      changed as (
        select l.id, l.notified_trouble as before, w.trouble from locked l join wanted w on w.id = l.id
        where not (l.notified_trouble @> w.trouble and w.trouble @> l.notified_trouble)
      )
      update bells as b set notified_trouble = c.trouble from changed c where b.id = c.id
      returning b.id, c.before`));
    const diffs = new Map<string, TroubleDiff>();
    for (const { id, before } of told) {
      const trouble = wanted.get(id)!;
      diffs.set(id, { raised: trouble.filter((t) => !before.includes(t)), cleared: before.filter((t) => !trouble.includes(t)) });
    }
    return diffs;
  }

  /** Writes the health of many bells in one statement; a later last-seen time stored by another process wins. */
  async writeBellHealth(rows: BellRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += BELL_HEALTH_ROWS_PER_STATEMENT) await this.writeBellHealthChunk(rows.slice(i, i + BELL_HEALTH_ROWS_PER_STATEMENT));
  }

  /**
   * One statement per chunk, its columns as ten arrays (unnest): a row of ten parameters per bell made a sweep of
   * thousands of heartbeats thousands of query fragments to build and thousands of parameters to bind.
   */
  private async writeBellHealthChunk(rows: BellRow[]): Promise<void> {
    if (rows.length === 0) return;
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const column = <T>(pick: (r: BellRow) => T) => sql.param(rows.map(pick));
    await this.db.execute(sql`
      update bells as b set
        online = v.online, last_seen_at = greatest(b.last_seen_at, v.last_seen_at), last_test_at = greatest(b.last_test_at, v.last_test_at),
        battery = v.battery, rssi = v.rssi, fw = v.fw, trouble = v.trouble, tamper_at = v.tamper_at, clock_skew_ms = v.clock_skew_ms
      from unnest(${column((r) => r.id)}::text[], ${column((r) => r.online)}::boolean[], ${column((r) => iso(r.lastSeenAt))}::timestamptz[],
        ${column((r) => iso(r.lastTestAt))}::timestamptz[], ${column((r) => r.battery)}::integer[], ${column((r) => r.rssi)}::integer[],
        ${column((r) => r.fw)}::text[], ${column((r) => JSON.stringify(r.trouble))}::jsonb[], ${column((r) => iso(r.tamperAt))}::timestamptz[],
        ${column((r) => r.clockSkewMs)}::integer[])
        as v(id, online, last_seen_at, last_test_at, battery, rssi, fw, trouble, tamper_at, clock_skew_ms)
      where b.id = v.id`);
  }

  async person(id: string): Promise<PersonRow | null> {
    const [row] = await this.db.select().from(people).where(eq(people.id, id));
    return row ?? null;
  }

  async personByUsername(username: string): Promise<PersonRow | null> {
    const [row] = await this.db.select().from(people).where(and(eq(people.username, username), eq(people.active, true)));
    return row ?? null;
  }

  people(): Promise<PersonRow[]> {
    return this.db.select().from(people).orderBy(asc(people.id));
  }

  async createSession(tokenHash: string, personId: string, expiresAt: Date): Promise<void> {
    await this.db.insert(sessions).values({ tokenHash, personId, expiresAt });
  }

  async sessionPerson(tokenHash: string, now: Date): Promise<PersonRow | null> {
    return (await this.session(tokenHash, now))?.person ?? null;
  }

  /** A live session with its person and its real expiry (so a cache of it can expire on time). */
  async session(tokenHash: string, now: Date): Promise<{ person: PersonRow; expiresAt: Date } | null> {
    const [row] = await this.db
      .select({ person: people, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(people, eq(people.id, sessions.personId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now), eq(people.active, true)));
    return row ?? null;
  }

  /** Moves a live session's expiry; false when it has already ended (expired, deleted, person deactivated). */
  async extendSession(tokenHash: string, expiresAt: Date, now: Date): Promise<boolean> {
    const rows = await this.db.update(sessions).set({ expiresAt })
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
      .returning({ personId: sessions.personId });
    return rows.length > 0;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db.delete(sessions).where(lt(sessions.expiresAt, now));
  }

  /** Ends every session of a person (deactivated, password changed); returns the ended sessions' token hashes. */
  async deleteSessionsOf(personId: string): Promise<string[]> {
    const rows = await this.db.delete(sessions).where(eq(sessions.personId, personId)).returning({ tokenHash: sessions.tokenHash });
    return rows.map((r) => r.tokenHash);
  }

  async setPasswordHash(personId: string, passwordHash: string): Promise<void> {
    await this.db.update(people).set({ passwordHash }).where(eq(people.id, personId));
  }

  async addSecurityAlert(a: { bellId: string; siteId: string | null; reason: string; detail: string; at: Date }): Promise<void> {
    await this.db.insert(securityAlerts).values(a);
  }

  /** Whether demo accounts can still log in (the console says "demo data" meanwhile). */
  async demoAccountsExist(): Promise<boolean> {
    const [row] = await this.db.select({ id: people.id }).from(people).where(and(eq(people.demo, true), eq(people.active, true))).limit(1);
    return row !== undefined;
  }

  securityAlerts(limit = 50) {
    return this.db.select().from(securityAlerts).orderBy(desc(securityAlerts.at)).limit(limit);
  }
}
