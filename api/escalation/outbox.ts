/**
 * The notifications outbox: queued rows are claimed (SKIP LOCKED, so several processes never send one
 * twice), sent through the channel's sender, retried with backoff, and failed SMS fall over to a call.
 * Without a sender for a channel (Twilio not configured) a row stays as `not_configured`: shown on the
 * console as NOT DELIVERED, never dropped.
 */
import { and, asc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import { ulid } from '../ids.ts';
import type { Counter } from 'prom-client';
import { DELIVERED_STATUSES, type NotificationView } from '../contract/index.ts';
import type { Places } from '../core/places.ts';
import type { BusPort } from '../bus/index.ts';
import { alarmText, cancelledAtCounterText, policeWebhookPayload, voiceText } from '../notify/messages.ts';
import type { AlarmFacts, MessageSender, NotificationStatus, OutboundMessage, SendChannel, SendOutcome } from '../notify/types.ts';
import type { Db } from '../store/index.ts';
import { recordFromRow, RetryWhileAway, schema } from '../store/index.ts';
import { WriteCoalescer } from '../store/write-coalescer.ts';
import { CANCEL_NOTICE_STEP } from './step-arm.ts';
import { policyOf } from '../domain/index.ts';

const { incidents, notifications } = schema;
import type { IncidentRecord, NotificationRow, PersonRow } from '../store/index.ts';
import { DEFAULT_TIMEZONE } from '../contract/index.ts';
export type { NotificationRow };

export const MAX_ATTEMPTS = 5;
const backoffMs = (attempt: number) => Math.min(30_000, 1_000 * 2 ** (attempt - 1));
/**
 * A send that timed out may have been taken by the provider, whose report then arrives by callback: it is sent
 * again only after this long, above a slow provider's answer after our 10 s timeout, so that report can stop it
 * (resent after a second, a provider answering in 15 s got 545 SMS twice in the chaos run's 1,686).
 */
export const UNCERTAIN_RETRY_MS = 20_000;

export interface OutboxDeps {
  db: Db;
  places: Places;
  /** Status changes go out as `notification.changed` (consoles on every process). */
  bus: BusPort;
  logger: Logger;
  senders: Partial<Record<SendChannel, MessageSender>>;
  sent: Counter<'channel' | 'status'>;
  now?: () => Date;
  tickMs?: number;
  /** People (for call-back numbers) from memory (RosterCache), not one read per batch. */
  people: () => PersonRow[];
  /**
   * True when no other process can be sending (PGlite): rows left `sending` at start are abandoned at once.
   * Otherwise a row is abandoned only once its lease has run out (see {@link SENDING_LEASE_MS}).
   */
  onlyProcess?: boolean;
  /** The first wait before tidying what the last run left is tried again (doubling to 30 s). */
  tidyRetryMs?: number;
}

/**
 * How long a row may stay `sending` without a provider id before it counts as abandoned by a process that died
 * mid-send and is queued again. Far above the senders' own request timeouts (Twilio 10 s, webhook 5 s), so a
 * live process's request in flight is never sent a second time by a process starting beside it.
 */
export const SENDING_LEASE_MS = 60_000;
/** How often a running outbox looks for rows abandoned by another process. */
const RECLAIM_EVERY_MS = 15_000;
/** Rows claimed in one statement. */
const BATCH = 20;
/** Provider requests under way at once, per process (Twilio answers a request in tens of milliseconds). */
const MAX_IN_FLIGHT = 60;

/** A provider's report of one of our notifications, by our id. */
interface ProviderReport {
  id: string;
  status: NotificationStatus;
  lastError: string | null;
}

/** Our own send that the provider took. */
interface SentOutcome {
  id: string;
  providerId: string;
  attempts: number;
}

type ApplyStatus = (status: NotificationStatus, extra?: Partial<typeof notifications.$inferInsert>) => Promise<void>;

/** How far along a status is: a late callback never moves a notification backwards. */
const RANK: Record<string, number> = {
  queued: 0, not_configured: 0, sending: 1, sent: 2, delivered: 3, failed: 3, no_answer: 3, busy: 3, cancelled: 3, answered: 4, acknowledged: 5,
};

/** RANK as SQL, for refusing a backwards move in the update itself. */
function rankOf(column: typeof notifications.status) {
  const cases = Object.entries(RANK).map(([status, rank]) => sql`when ${status} then ${rank}`);
  return sql`(case ${column} ${sql.join(cases, sql` `)} else 0 end)`;
}

/**
 * Provider reports and the outcomes of our own sends wait up to 25 ms for others to share their statement. No message
 * is held back: a provider's callback is answered, a console shows the new status, and the outbox claims its next
 * batch at most 25 ms later. Written as they came, a few per press at 50 presses/s, their statements and bus events
 * took about a sixth of the process's CPU (88–94 % of a core against 71–78 % gathered, in alternated bench runs).
 */
const GATHERED = { maxBatch: 200, parallel: 1, gatherMs: 25 };

export class Outbox {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private started = false;
  /** Incident → site, for pushing status changes to the right consoles without a query each time. */
  private readonly siteIds = new Map<string, string>();
  private stopped = false;
  private readonly now: () => Date;
  /** Rows sent before they were stored (the first alert): a provider callback for one waits for its row. */
  private readonly unstored = new Map<string, Promise<unknown>>();
  /** Provider reports and send outcomes that met the database away: nobody else would write them again. */
  private readonly whileAway: RetryWhileAway;
  private readonly reports = new WriteCoalescer<ProviderReport, boolean>((reports) => this.applyReports(reports), GATHERED);
  private readonly sentOutcomes = new WriteCoalescer<SentOutcome, void>((outcomes) => this.applySent(outcomes), GATHERED);

  constructor(private readonly deps: OutboxDeps) {
    this.now = deps.now ?? (() => new Date());
    this.whileAway = new RetryWhileAway({ logger: deps.logger });
  }

  async start(): Promise<void> {
    await this.tidyAfterLastRun(this.deps.tidyRetryMs ?? 1_000);
    this.started = true;
    // Woken by fired steps (of any process: SKIP LOCKED hands each row to one) and released escalations.
    this.unsubscribe.push(
      this.deps.bus.on('escalation.fired', () => this.kick()),
      this.deps.bus.on('escalation.changed', () => this.kick()),
    );
    this.kick();
  }

  private readonly unsubscribe: (() => void)[] = [];
  private lastReclaimAt = 0;
  /** Sends under way (claimed, not yet answered), and the batches they belong to. */
  private inFlight = 0;
  private readonly sends = new Set<Promise<void>>();
  private tidyTimer: NodeJS.Timeout | undefined;

  /**
   * Queues what the last run could not send (no provider then, or abandoned mid-send). A database too busy or away
   * to answer must not stop the start — a restarted process is most needed then — so it is tried again with backoff
   * while the outbox sends what is queued.
   */
  private async tidyAfterLastRun(retryMs: number): Promise<void> {
    try {
      if (this.configured()) await this.deps.db.update(notifications).set({ status: 'queued' }).where(this.lockedInIdOrder(eq(notifications.status, 'not_configured')));
      await this.reclaimAbandoned(this.deps.onlyProcess ? 0 : SENDING_LEASE_MS);
      this.lastReclaimAt = this.now().getTime();
    } catch (err) {
      if (this.stopped) return;
      this.deps.logger.warn({ err, retryInMs: retryMs }, 'notifications left by the last run not queued again yet; retrying');
      this.tidyTimer = setTimeout(() => void this.tidyAfterLastRun(Math.min(retryMs * 2, 30_000)).then(() => this.kick()), retryMs);
      this.tidyTimer.unref();
    }
  }

  /**
   * Rows left `sending` by a process that died are sent again: twice is better than never for an alarm. Only
   * rows the provider never took (no provider id) whose lease ran out: another process may still be sending the rest.
   */
  async reclaimAbandoned(leaseMs = SENDING_LEASE_MS): Promise<number> {
    const before = new Date(this.now().getTime() - leaseMs);
    const rows = await this.deps.db
      .update(notifications)
      .set({ status: 'queued', nextAttemptAt: this.now() })
      .where(this.lockedInIdOrder(and(eq(notifications.status, 'sending'), isNull(notifications.providerId), lte(notifications.updatedAt, before))))
      .returning({ id: notifications.id });
    if (rows.length > 0) this.deps.logger.warn({ count: rows.length }, 'notifications abandoned mid-send by a stopped process are queued again');
    return rows.length;
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.tidyTimer);
    this.whileAway.stop();
  }

  kick(): void {
    if (this.stopped || !this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), 0);
    this.timer.unref();
  }

  private configured(): boolean {
    return Object.keys(this.deps.senders).length > 0;
  }

  private async loop(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (this.now().getTime() - this.lastReclaimAt >= RECLAIM_EVERY_MS) {
        this.lastReclaimAt = this.now().getTime();
        await this.reclaimAbandoned();
      }
      await this.drain();
    } catch (err) {
      this.deps.logger.error({ err }, 'outbox tick failed; retrying');
    } finally {
      this.running = false;
      if (!this.stopped) {
        this.timer = setTimeout(() => void this.loop(), this.deps.tickMs ?? 250);
        this.timer.unref();
      }
    }
  }

  /**
   * Claims batches while their sends are out, up to {@link MAX_IN_FLIGHT} requests at once, until nothing is ready.
   * Waiting for each batch's provider answers before claiming the next made 400 notifications fired at once reach
   * Twilio in twenty rounds, one after another (the bench's escalation phase: about a second from the first to the last).
   * The claims themselves stay one at a time, each a single statement.
   */
  private async drain(): Promise<void> {
    while (!this.stopped) {
      const room = MAX_IN_FLIGHT - this.inFlight;
      if (room <= 0) {
        await Promise.race(this.sends);
        continue;
      }
      const batch = await this.claimBatch(Math.min(BATCH, room));
      if (batch.claimed === 0) return;
      this.inFlight += batch.claimed;
      const tracked = batch.sent.finally(() => {
        this.inFlight -= batch.claimed;
        this.sends.delete(tracked);
      });
      this.sends.add(tracked);
    }
  }

  /** Claims and sends one batch; resolves once its sends are done, with how many rows it took. */
  async sendBatch(): Promise<number> {
    const batch = await this.claimBatch(BATCH);
    await batch.sent;
    return batch.claimed;
  }

  /** Claims up to `limit` ready rows and starts their sends: resolves once claimed, with the sends' completion. */
  async claimBatch(limit: number): Promise<{ claimed: number; sent: Promise<void> }> {
    const now = this.now();
    const ready = and(eq(notifications.status, 'queued'), lte(notifications.nextAttemptAt, now));
    // Claimed in one statement: the rows no other process holds (SKIP LOCKED) are locked and marked `sending` together.
    // A read to see whether any was ready, then a transaction of a read and an update, were five round trips, holding
    // PGlite's one session across four of them. With nothing ready the statement writes nothing: an idle tick's read.
    // The pick is an array (an InitPlan, run once): as `id in (…)` the planner may rescan it per row of a nested loop,
    // and each rescan skips the rows this statement has just updated and locks the next twenty (45 claimed, not 20).
    const pick = this.deps.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(ready)
      .orderBy(asc(notifications.createdAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    const claimed = await this.deps.db
      .update(notifications)
      .set({ status: 'sending', updatedAt: now })
      .where(and(sql`${notifications.id} = any(array(${pick}))`, eq(notifications.status, 'queued')))
      .returning();
    if (claimed.length === 0) return { claimed: 0, sent: Promise.resolve() };
    claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    // Their incidents in one read, not one each. Should it fail, the rows stay `sending` until their lease runs out.
    const incidentIds = [...new Set(claimed.map((row) => row.incidentId))];
    const records = new Map((await this.deps.db.select().from(incidents).where(inArray(incidents.id, incidentIds))).map((r) => [r.id, recordFromRow(r)]));
    const everyone = this.deps.people();
    const sent = Promise.all(claimed.map((row) => {
      const incident = records.get(row.incidentId);
      if (!incident) return undefined;
      // The outcome is kept while the database is away: lost, the row would wait out its lease and be sent again.
      const apply: ApplyStatus = (status, extra) =>
        this.whileAway.write(`outcome of sending ${row.id}`, () => this.setStatus(row, status, extra));
      return this.deliver(row, incident, everyone, apply).catch((err: unknown) => this.deps.logger.error({ err, id: row.id }, 'sending failed'));
    })).then(() => undefined);
    return { claimed: claimed.length, sent };
  }

  /**
   * Sends a row that is not stored yet (the first alert, stored with its incident): the send does not
   * wait for the database; its outcome is written once `stored` says the row is there.
   */
  sendBeforeStored(row: NotificationRow, incident: IncidentRecord, everyone: PersonRow[], stored: Promise<boolean>): void {
    this.unstored.set(row.id, stored);
    void stored.finally(() => this.unstored.delete(row.id));
    this.deliver(row, incident, everyone, async (status, extra) => {
      if (await stored) await this.whileAway.write(`outcome of sending ${row.id}`, () => this.setStatus(row, status, extra));
    }).catch((err: unknown) => this.deps.logger.error({ err, id: row.id }, 'sending the first alert failed'));
  }

  /** Waits (up to `timeoutMs`) until a row sent before it was stored is in the database. */
  async whenStored(id: string | undefined, timeoutMs = 30_000): Promise<void> {
    const pending = id ? this.unstored.get(id) : undefined;
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]).finally(() => clearTimeout(timer));
  }

  private async deliver(row: NotificationRow, incident: IncidentRecord, everyone: PersonRow[], apply: ApplyStatus): Promise<void> {
    const site = this.deps.places.site(incident.siteId);
    // Defence in depth for DESIGN.md principle 2: whatever queued it, a drill never reaches a police
    // number that is not one of the site's drill liaison numbers.
    if (row.isPolice && !mayReachPolice(row, incident, site)) {
      await apply('cancelled', { lastError: 'a drill never reaches the police channel' });
      return;
    }
    const overtaken = overtakenBy(row, incident);
    if (overtaken) {
      await apply('cancelled', { lastError: overtaken });
      return;
    }
    const sender = this.deps.senders[row.channel as SendChannel];
    if (!sender) {
      await apply('not_configured', { lastError: `no ${row.channel} sender configured (Twilio or webhook settings missing)` });
      return;
    }
    if (this.siteIds.size > 10_000) this.siteIds.clear();
    this.siteIds.set(incident.id, incident.siteId);
    const facts = this.facts(incident, row.stepId, everyone);
    const language = row.language === 'en' ? 'en' : 'ko';
    const audience = row.isPolice ? 'police' : 'staff';
    const message: OutboundMessage = {
      notificationId: row.id,
      channel: row.channel as SendChannel,
      to: row.to,
      language,
      text: row.stepId === CANCEL_NOTICE_STEP
        ? cancelledAtCounterText(facts, language)
        : row.channel === 'voice' ? voiceText(facts, language, audience) : alarmText(facts, language, audience),
      mode: incident.mode,
      isPolice: row.isPolice,
      gatherAck: row.channel === 'voice' && !row.isPolice && row.stepId !== CANCEL_NOTICE_STEP,
      ...(row.channel === 'webhook' ? { payload: policeWebhookPayload(facts) } : {}),
    };
    const attempt = row.attempts + 1;
    let outcome: SendOutcome;
    try {
      outcome = await sender.send(message);
    } catch (err) {
      outcome = { ok: false, retryable: true, error: (err as Error).message };
    }
    this.deps.sent.inc({ channel: row.channel, status: outcome.ok ? 'ok' : outcome.retryable ? 'retry' : 'failed' });
    if (outcome.ok) {
      await apply(outcome.status === 'queued' ? 'sent' : outcome.status, { providerId: outcome.providerId, attempts: attempt, lastError: null });
    } else if (outcome.retryable && attempt < MAX_ATTEMPTS) {
      const waitMs = outcome.uncertain ? Math.max(UNCERTAIN_RETRY_MS, backoffMs(attempt)) : backoffMs(attempt);
      await apply('queued', { attempts: attempt, lastError: outcome.error, nextAttemptAt: new Date(this.now().getTime() + waitMs) });
    } else {
      await apply('failed', { attempts: attempt, lastError: outcome.error });
    }
  }

  /**
   * A provider's report of a notification (a status callback), applied now or, while the database is away, kept and
   * applied once it answers: the provider reports each status once.
   */
  async takeReport(ref: { id?: string | undefined; providerId?: string | null | undefined }, status: NotificationStatus, extra: Partial<typeof notifications.$inferInsert> = {}): Promise<void> {
    await this.whileAway.write(`${status} report of ${ref.id ?? ref.providerId ?? 'a notification'}`, () => this.applyCallback(ref, status, extra));
  }

  /**
   * A provider's status callback, by our notification id or the provider's, which refuses to move a notification
   * backwards (a late `sent` after `delivered`). True when a row changed. Reports by our id go in batches.
   */
  private async applyCallback(ref: { id?: string | undefined; providerId?: string | null | undefined }, status: NotificationStatus, extra: Partial<typeof notifications.$inferInsert> = {}): Promise<boolean> {
    const { lastError, ...rest } = extra;
    if (ref.id && Object.keys(rest).length === 0) return this.reports.add({ id: ref.id, status, lastError: lastError ?? null });
    const which = ref.id ? eq(notifications.id, ref.id) : ref.providerId ? eq(notifications.providerId, ref.providerId) : undefined;
    if (!which) return false;
    const [updated] = await this.deps.db
      .update(notifications)
      .set({ status, updatedAt: this.now(), ...extra })
      .where(and(which, sql`${rankOf(notifications.status)} <= ${RANK[status] ?? 0}`))
      .returning();
    if (!updated) return false;
    await this.changed(updated);
    return true;
  }

  /**
   * Provider reports of many notifications in one statement. Of two reports of one notification in a batch only
   * the one further along is applied: applied one after the other, it would have refused or replaced the other.
   */
  private async applyReports(reports: ProviderReport[]): Promise<boolean[]> {
    const applied = new Map<string, number>();
    reports.forEach((r, i) => {
      const before = applied.get(r.id);
      if (before === undefined || (RANK[r.status] ?? 0) >= (RANK[reports[before]!.status] ?? 0)) applied.set(r.id, i);
    });
    const rows = [...applied.values()].map((i) => reports[i]!);
    const values = sql.join(rows.map((r) => sql`(${r.id}::text, ${r.status}::text, ${RANK[r.status] ?? 0}::int, ${r.lastError}::text)`), sql`, `);
    // drizzle types the returning of an update joined to raw SQL as never; it returns the table's own columns.
    const updated = (await this.deps.db
      .update(notifications)
      .set({ status: sql`v.status`, updatedAt: this.now(), lastError: sql`coalesce(v.last_error, ${notifications.lastError})` })
      .from(sql`(values ${values}) as v(id, status, rank, last_error)`)
      .where(and(this.lockedInIdOrder(inArray(notifications.id, rows.map((r) => r.id))), sql`${notifications.id} = v.id`, sql`${rankOf(notifications.status)} <= v.rank`))
      .returning()) as unknown as NotificationRow[];
    await Promise.all(updated.map((row) => this.changed(row)));
    const changed = new Set(updated.map((row) => row.id));
    return reports.map((r, i) => applied.get(r.id) === i && changed.has(r.id));
  }

  /** Applies the outcome of our own send attempt, or an acknowledgement by reply or keypad. */
  async setStatus(row: NotificationRow, status: NotificationStatus, extra: Partial<typeof notifications.$inferInsert> = {}): Promise<void> {
    // queued and not_configured come only from our own send attempt (back to the outbox), never from a late callback.
    const allowed = status === 'queued' || status === 'not_configured' || status === 'sent' || (RANK[status] ?? 0) >= (RANK[row.status] ?? 0);
    if (!allowed) return;
    const { providerId, attempts, lastError, ...rest } = extra;
    if (status === 'sent' && typeof providerId === 'string' && typeof attempts === 'number' && lastError === null && Object.keys(rest).length === 0) {
      await this.sentOutcomes.add({ id: row.id, providerId, attempts });
      return;
    }
    const now = this.now();
    // Our own outcome can come after the provider's reports (a row sent before it was stored: the send's outcome and
    // the callbacks all wait for the store, then run side by side; a send that timed out though the provider took
    // it): `sent` records the provider id but never moves a delivered or failed row back, and a retry (`queued`)
    // never takes a row the provider has reported on back to be sent again.
    const next =
      status === 'sent' ? sql<string>`case when ${rankOf(notifications.status)} <= ${RANK.sent} then 'sent' else ${notifications.status} end`
      : status === 'queued' ? sql<string>`case when ${rankOf(notifications.status)} <= ${RANK.sending} then 'queued' else ${notifications.status} end`
      : status;
    const [updated] = await this.deps.db.update(notifications).set({ status: next, updatedAt: now, ...extra }).where(eq(notifications.id, row.id)).returning();
    if (updated?.status === status) await this.changed(updated);
  }

  /** Sends the provider took, many in one statement; like any `sent`, never moving a row the provider reported on back. */
  private async applySent(outcomes: SentOutcome[]): Promise<void[]> {
    const values = sql.join(outcomes.map((o) => sql`(${o.id}::text, ${o.providerId}::text, ${o.attempts}::int)`), sql`, `);
    // drizzle types the returning of an update joined to raw SQL as never; it returns the table's own columns.
    const updated = (await this.deps.db
      .update(notifications)
      .set({
        status: sql`case when ${rankOf(notifications.status)} <= ${RANK.sent} then 'sent' else ${notifications.status} end`,
        providerId: sql`v.provider_id`, attempts: sql`v.attempts`, lastError: null, updatedAt: this.now(),
      })
      .from(sql`(values ${values}) as v(id, provider_id, attempts)`)
      .where(and(this.lockedInIdOrder(inArray(notifications.id, outcomes.map((o) => o.id))), sql`${notifications.id} = v.id`))
      .returning()) as unknown as NotificationRow[];
    await Promise.all(updated.filter((row) => row.status === 'sent').map((row) => this.changed(row)));
    return outcomes.map(() => undefined);
  }

  /**
   * The condition of an update of many notifications that first locks its rows in id order. Taken in the join's order,
   * two such updates (the provider's reports and our own `sent` outcomes, in one process or in several) could each
   * hold a row the other waited for, and PostgreSQL failed one of them (`deadlock detected`, seen in the chaos run
   * with two processes). Locked in one order, the second waits for the first instead.
   */
  private lockedInIdOrder(where: SQL | undefined): SQL {
    const inOrder = this.deps.db.select({ id: notifications.id }).from(notifications).where(where).orderBy(asc(notifications.id)).for('update');
    return sql`${notifications.id} = any(array(${inOrder}))`;
  }

  /** A stored status change: consoles are told, and an SMS that did not arrive falls over to a call. */
  private async changed(row: NotificationRow): Promise<void> {
    this.publish(row);
    if (['failed', 'no_answer', 'busy'].includes(row.status) && row.channel === 'sms' && row.personId) await this.failOver(row);
  }

  private async failOver(row: NotificationRow): Promise<void> {
    const now = this.now();
    const [call] = await this.deps.db
      .insert(notifications)
      .values({
        id: `ntf_${ulid()}`, incidentId: row.incidentId, stepId: row.stepId, recipientKey: row.recipientKey, personId: row.personId,
        channel: 'voice', to: row.to, language: row.language, isPolice: row.isPolice, mode: row.mode, status: 'queued',
        fallbackOf: row.id, nextAttemptAt: now, createdAt: now, updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (call) {
      this.publish(call);
      this.kick();
    }
  }

  private publish(row: NotificationRow): void {
    this.siteOf(row.incidentId)
      .then((siteId) => this.deps.bus.emit('notification.changed', { notification: presentNotification(row), siteId }))
      .catch((err: unknown) => this.deps.logger.debug({ err, id: row.id }, 'notification status not pushed'));
  }

  private async siteOf(incidentId: string): Promise<string | null> {
    const known = this.siteIds.get(incidentId);
    if (known) return known;
    const [r] = await this.deps.db.select({ siteId: incidents.siteId }).from(incidents).where(eq(incidents.id, incidentId));
    return r?.siteId ?? null;
  }

  private facts(incident: IncidentRecord, stepKind: string, candidates: PersonRow[]): AlarmFacts {
    const site = this.deps.places.site(incident.siteId);
    const counter = this.deps.places.counter(incident.siteId, incident.counterId);
    const managerIds = counter?.managerIds ?? [];
    const callback =
      candidates.find((p) => managerIds.includes(p.id) && p.phone)?.phone ??
      candidates.find((p) => p.roles.includes('manager') && p.siteIds.includes(incident.siteId) && p.phone)?.phone ??
      null;
    return {
      incidentId: incident.id,
      mode: incident.mode,
      siteName: site?.name ?? incident.siteId,
      address: site?.address ?? '',
      floor: counter?.floor ?? null,
      counterName: counter?.name ?? incident.counterId,
      violence: incident.violence,
      openedAt: incident.openedAt,
      timezone: site?.timezone ?? DEFAULT_TIMEZONE,
      callbackNumber: callback,
      stepKind,
    };
  }
}

/**
 * Why a notification still waiting to be sent (a retry, a fallback call, a busy outbox) no longer should
 * be: its incident is over, or it belongs to an "unacknowledged" step and somebody has acknowledged. The
 * police channel and the cancel notice always go (police are never stood down by a cancel at the counter).
 */
export function overtakenBy(row: Pick<NotificationRow, 'stepId' | 'isPolice'>, incident: Pick<IncidentRecord, 'status' | 'acknowledgedAt' | 'escalationPolicy'>): string | null {
  if (row.isPolice || row.stepId === CANCEL_NOTICE_STEP) return null;
  if (incident.status === 'closed' || incident.status === 'cancelled') return `incident ${incident.status} before it was sent`;
  const step = policyOf(incident).steps.find((s) => s.id === row.stepId);
  if (step?.when.kind === 'unacknowledged' && incident.acknowledgedAt) return 'acknowledged before it was sent';
  return null;
}

/** A live incident may reach its police channel; a drill only a joint drill's liaison numbers, never the live one. */
export function mayReachPolice(
  row: Pick<NotificationRow, 'to' | 'mode'>,
  incident: { mode: string; jointPoliceDrill: boolean },
  site: { police: unknown; drillLiaison: string[] } | undefined,
): boolean {
  if (row.mode === 'live' && incident.mode === 'live') return true;
  const livePolice = (site?.police as { to?: string } | null)?.to;
  return incident.jointPoliceDrill && !!site?.drillLiaison.includes(row.to) && row.to !== livePolice;
}

export function presentNotification(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    incidentId: row.incidentId,
    stepId: row.stepId,
    personId: row.personId,
    channel: row.channel as NotificationView['channel'],
    to: row.to,
    isPolice: row.isPolice,
    mode: row.mode as NotificationView['mode'],
    status: row.status,
    delivered: DELIVERED_STATUSES.includes(row.status),
    attempts: row.attempts,
    lastError: row.lastError,
    fallbackOf: row.fallbackOf,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
