/**
 * Keeps each bell's health and troubles (gateway/supervision.ts decides them) in the store and on the
 * consoles' bell health board. Health writes are best effort: a heartbeat lost while the database is
 * away is replaced by the next one, and the sweep catches up.
 */
import type { Logger } from 'pino';
import { troublesOf, type BellHealth } from '../../gateway/index.ts';
import type { LiveHub } from '../live/hub.ts';
import type { BellHealthPatch, BellRow, DirectoryStore } from '../store/index.ts';
import { presentBell } from './present.ts';

export function healthOf(b: BellRow): BellHealth {
  return {
    online: b.online, lastSeenAt: b.lastSeenAt, heartbeatSeconds: b.heartbeatSeconds, battery: b.battery, lastTestAt: b.lastTestAt,
    tamperAt: b.tamperAt, clockSkewMs: b.clockSkewMs, createdAt: b.createdAt,
  };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class BellSupervisor {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { directory: DirectoryStore; hub: LiveHub; logger: Logger; now?: () => Date; sweepMs?: number },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  start(): void {
    const every = this.deps.sweepMs ?? 5_000;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.deps.logger.debug({ err }, 'supervision sweep failed'));
    }, every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Something was heard from a bell (or its will fired): store it, then its troubles. */
  observe(bellId: string, patch: BellHealthPatch): void {
    this.deps.directory
      .updateBell(bellId, patch)
      .then((row) => (row ? this.settle(row, true) : undefined))
      .catch((err: unknown) => this.deps.logger.debug({ err, bellId }, 'bell health not stored'));
  }

  /** Declares bells offline whose heartbeats stopped, and clears troubles that ended; returns the bells that changed. */
  async sweep(now = this.now()): Promise<BellRow[]> {
    const changed: BellRow[] = [];
    for (const bell of await this.deps.directory.bells()) {
      const row = await this.settle(bell, false, now);
      if (row) changed.push(row);
    }
    return changed;
  }

  private async settle(bell: BellRow, heard: boolean, now = this.now()): Promise<BellRow | null> {
    const trouble = troublesOf(healthOf(bell), now);
    const online = !trouble.includes('offline');
    if (same(trouble, bell.trouble) && online === bell.online) {
      if (heard) this.publish(bell);
      return null;
    }
    const row = (await this.deps.directory.updateBell(bell.id, { trouble, online })) ?? bell;
    if (!same(trouble, bell.trouble)) {
      this.deps.logger.info({ bellId: bell.id, siteId: bell.siteId, trouble, was: bell.trouble }, 'bell troubles changed');
    }
    this.publish(row);
    return row;
  }

  private publish(bell: BellRow): void {
    this.deps.hub.publish({ type: 'bell.status', data: presentBell(bell) }, { siteId: bell.siteId });
  }
}
