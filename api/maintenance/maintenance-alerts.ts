/**
 * Maintenance alerts (issue: "troubles are maintenance alerts — on the console's bell health board and to
 * the site's admins — never emergencies"). A change of a bell's troubles is claimed in the database (one
 * process wins it, so two processes never both text it), gathered per site for `digestMs`, and sent by
 * SMS to the site's admins in their language. Never through escalation: no guard, manager or police.
 */
import type { Logger } from 'pino';
import { ulid } from '../ids.ts';
import type { Counter } from 'prom-client';
import type { Places } from '../core/places.ts';
import type { MessageSender } from '../notify/types.ts';
import type { BellRow, DirectoryStore, PersonRow } from '../store/index.ts';

/** What an alert needs of a bell (its row, or the `bell.health` view on the bus). */
export type MaintainedBell = Pick<BellRow, 'id' | 'siteId' | 'counterId' | 'trouble'>;
import { maintenanceText, type TroubleChange } from './maintenance-text.ts';

export interface MaintenanceAlertDeps {
  directory: DirectoryStore;
  places: Places;
  people: () => PersonRow[];
  /** The SMS sender, once configured (Twilio); without it the alert is logged and stays on the health board. */
  sms: () => MessageSender | undefined;
  /**
   * Twilio is configured: a sender not there yet is on its way (it is made once the HTTP port, and so the callback
   * URL, is known), and a batch waits for it rather than being dropped as not configured. The first sweep at start,
   * which finds every bell that stayed silent while the process was down, comes before that.
   */
  smsExpected?: boolean;
  logger: Logger;
  sent: Counter<'result'>;
  /** How long changes of one site are gathered into one message. */
  digestMs?: number;
}

/** Maintenance notices have no notification row: their provider callbacks name them by this prefix. */
export const MAINTENANCE_SMS_PREFIX = 'mnt_';
const RETRIES = 3;
/** How often a batch looks again for an SMS sender that is configured but not made yet (see `smsExpected`). */
const SENDER_WAIT_MS = 200;
/** Bells claimed in one transaction. */
const CLAIM_BATCH = 500;

/** The admins of a site: active admins given that site, and admins of every site (no sites listed). */
export function siteAdmins(people: readonly PersonRow[], siteId: string): PersonRow[] {
  return people.filter((p) => p.active && p.roles.includes('admin') && (p.siteIds.length === 0 || p.siteIds.includes(siteId)));
}

export class MaintenanceAlerts {
  private readonly pending = new Map<string, TroubleChange[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly deps: MaintenanceAlertDeps) {}

  /** Bells whose latest change of troubles is still to be claimed, in the order they changed. */
  private readonly toClaim = new Map<string, MaintainedBell>();
  private claiming = false;

  /** The supervisor saw a bell's troubles change. */
  troubleChanged(bell: MaintainedBell): void {
    if (this.stopped) return;
    this.toClaim.delete(bell.id);
    this.toClaim.set(bell.id, bell);
    void this.claimQueued();
  }

  /**
   * Claims the queued changes a batch at a time, each batch in one transaction: a thousand bells coming online at once
   * were a thousand claims side by side, which took every connection of the pool while the presses' writes waited
   * for one (the city bench), and then, one at a time, a thousand transactions in a row.
   */
  private async claimQueued(): Promise<void> {
    if (this.claiming) return;
    this.claiming = true;
    try {
      while (this.toClaim.size > 0 && !this.stopped) {
        const batch = [...this.toClaim.values()].slice(0, CLAIM_BATCH);
        for (const bell of batch) this.toClaim.delete(bell.id);
        try {
          const diffs = await this.deps.directory.claimTroubleNotices(batch.map((b) => ({ bellId: b.id, trouble: b.trouble })));
          for (const bell of batch) {
            const diff = diffs.get(bell.id);
            if (diff) this.gather(bell, diff);
          }
        } catch (err) {
          this.deps.logger.warn({ err, bellIds: batch.map((b) => b.id) }, 'maintenance alerts not claimed; the next change is');
        }
      }
    } finally {
      this.claiming = false;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
  }

  private gather(bell: MaintainedBell, diff: { raised: string[]; cleared: string[] }): void {
    const counterName = this.deps.places.counter(bell.siteId, bell.counterId)?.name ?? bell.counterId;
    const list = this.pending.get(bell.siteId) ?? [];
    list.push({ bellId: bell.id, counterName, ...diff });
    this.pending.set(bell.siteId, list);
    if (this.timers.has(bell.siteId)) return;
    this.flushIn(bell.siteId, this.deps.digestMs ?? 30_000);
  }

  private flushIn(siteId: string, ms: number): void {
    const timer = setTimeout(() => void this.flush(siteId), ms);
    timer.unref();
    this.timers.set(siteId, timer);
  }

  /** Sends a site's gathered changes now (also for tests). */
  async flush(siteId: string): Promise<void> {
    clearTimeout(this.timers.get(siteId));
    this.timers.delete(siteId);
    const changes = this.pending.get(siteId) ?? [];
    if (changes.length === 0) return;
    const sms = this.deps.sms();
    if (!sms && this.deps.smsExpected) {
      if (!this.stopped) this.flushIn(siteId, SENDER_WAIT_MS);
      return;
    }
    this.pending.delete(siteId);
    const siteName = this.deps.places.site(siteId)?.name ?? siteId;
    const admins = siteAdmins(this.deps.people(), siteId).filter((p) => p.phone);
    this.deps.logger.info({ siteId, changes, admins: admins.map((a) => a.id) }, 'maintenance alert');
    if (!sms || admins.length === 0) {
      this.deps.sent.inc({ result: sms ? 'no_admin' : 'not_configured' });
      return;
    }
    await Promise.all(admins.map((admin) => this.sendTo(sms, admin, maintenanceText(siteName, changes, admin.language === 'en' ? 'en' : 'ko'))));
  }

  private async sendTo(sms: MessageSender, admin: PersonRow, text: string): Promise<void> {
    for (let attempt = 1; attempt <= RETRIES; attempt++) {
      const outcome = await sms
        .send({ notificationId: `${MAINTENANCE_SMS_PREFIX}${ulid()}`, channel: 'sms', to: admin.phone!, language: admin.language === 'en' ? 'en' : 'ko', text, mode: 'live', isPolice: false, gatherAck: false })
        .catch((err: unknown) => ({ ok: false as const, retryable: true, error: (err as Error).message }));
      if (outcome.ok) {
        this.deps.sent.inc({ result: 'sent' });
        return;
      }
      if (!outcome.retryable || attempt === RETRIES) {
        this.deps.sent.inc({ result: 'failed' });
        this.deps.logger.error({ adminId: admin.id, error: outcome.error }, 'maintenance alert not delivered');
        return;
      }
      await new Promise((r) => setTimeout(r, 1_000 * attempt));
    }
  }
}
