/**
 * Keeps each bell's health and troubles (gateway/supervision.ts decides them) for the bell health board, from
 * what the gateway hears: heartbeats, online/offline status, and what bell events say of the bell (battery,
 * test, tamper, clock skew). Security rejections of a bell become security alerts here.
 * Health lives in memory and is written to the store in one batched statement every sweep: a heartbeat
 * must not cost a database write (a thousand bells heartbeating would otherwise crowd out the alarms).
 * A change of troubles or of being online is written and pushed at once.
 */
import type { Logger } from 'pino';
import type { BellEventSignal, BellHeartbeatSignal, BellRecord, BellStatusSignal, Rejection } from '../../gateway/index.ts';
import { clockSkewMs, isSecurityRejection, LOW_BATTERY_PERCENT, troublesOf, type BellHealth } from '../../gateway/index.ts';
import type { BusPort } from '../bus/index.ts';
import type { BellHealthPatch, BellRow, DirectoryStore } from '../store/index.ts';
import { presentBell } from './present.ts';

export function healthOf(b: BellRow): BellHealth {
  return {
    online: b.online, lastSeenAt: b.lastSeenAt, heartbeatSeconds: b.heartbeatSeconds, battery: b.battery, lastTestAt: b.lastTestAt,
    tamperAt: b.tamperAt, clockSkewMs: b.clockSkewMs, createdAt: b.createdAt,
    // RFLink buttons transmit only when pressed: no heartbeat to miss.
    heartbeats: !HEARTBEATLESS_ADAPTERS.includes(b.adapter),
  };
}

const HEARTBEATLESS_ADAPTERS: readonly string[] = ['rflink'];

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

export class BellSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private readonly bells = new Map<string, BellRow>();
  private readonly dirty = new Set<string>();
  private sweeping = false;
  /** Bells whose troubles changed since they were last published. */
  private readonly troubleChanged = new Set<string>();

  constructor(
    private readonly deps: {
      /** Bell health goes out as `bell.health` (consoles; maintenance alerts when troubles changed). */
      directory: DirectoryStore; bus: BusPort; logger: Logger; now?: () => Date; sweepMs?: number;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    for (const b of await this.deps.directory.bells()) this.bells.set(b.id, b);
    const every = this.deps.sweepMs ?? 5_000;
    this.timer = setInterval(() => {
      // One sweep at a time: a slow one (thousands of bells, a slow database) must not stack up others.
      if (this.sweeping) return;
      this.sweeping = true;
      this.sweep()
        .catch((err: unknown) => this.deps.logger.debug({ err }, 'supervision sweep failed'))
        .finally(() => (this.sweeping = false));
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  /** The freshest known state of a bell: this process's memory, or the stored row. */
  view(row: BellRow): BellRow {
    const mine = this.bells.get(row.id);
    return mine && (mine.lastSeenAt?.getTime() ?? 0) >= (row.lastSeenAt?.getTime() ?? 0) ? { ...row, ...pickHealth(mine) } : row;
  }

  /** Something was heard from a bell (or its will fired). */
  observe(bellId: string, patch: BellHealthPatch): void {
    const known = this.bells.get(bellId);
    if (!known) {
      // A bell provisioned after start: fetch it once, then carry on in memory.
      this.deps.directory
        .bells()
        .then((rows) => {
          for (const r of rows) if (!this.bells.has(r.id)) this.bells.set(r.id, r);
          if (this.bells.has(bellId)) this.observe(bellId, patch);
        })
        .catch((err: unknown) => this.deps.logger.debug({ err, bellId }, 'bell health not loaded'));
      return;
    }
    const row: BellRow = { ...known, ...patch } as BellRow;
    this.bells.set(bellId, row);
    this.dirty.add(bellId);
    const changed = this.settle(row);
    if (changed || known.battery !== row.battery) this.publish(this.bells.get(bellId)!);
    if (changed) this.flush().catch((err: unknown) => this.deps.logger.debug({ err }, 'bell health not stored'));
  }

  onHeartbeat(s: BellHeartbeatSignal): void {
    this.observe(s.bellId, {
      online: true,
      lastSeenAt: s.receivedAt,
      ...(s.battery !== undefined ? { battery: s.battery } : {}),
      ...(s.rssi !== undefined ? { rssi: s.rssi } : {}),
      ...(s.fw !== undefined ? { fw: s.fw } : {}),
    });
  }

  onStatus(s: BellStatusSignal): void {
    this.observe(s.bellId, s.online ? { online: true, lastSeenAt: s.receivedAt } : { online: false });
  }

  /** A bell event that was taken (not refused) also tells of the bell itself. */
  heardEvent(s: BellEventSignal): void {
    const skew = clockSkewMs(s.at, s.receivedAt);
    this.observe(s.bellId, {
      online: true,
      lastSeenAt: s.receivedAt,
      ...(s.battery !== undefined ? { battery: s.battery } : {}),
      // A low-battery report without a level still means "low": record it just under the threshold.
      ...(s.type === 'low_battery' && s.battery === undefined ? { battery: LOW_BATTERY_PERCENT - 1 } : {}),
      ...(s.type === 'test' ? { lastTestAt: s.receivedAt } : {}),
      ...(s.type === 'tamper' ? { tamperAt: s.receivedAt } : {}),
      ...(skew !== null ? { clockSkewMs: skew } : {}),
    });
  }

  /** A security rejection (the gateway rings once per burst) is an alert on the bus and in the store. */
  onRejected(r: Rejection, bell: BellRecord | undefined): void {
    if (!isSecurityRejection(r.reason) || !r.bellId) return;
    const alert = { bellId: r.bellId, siteId: bell?.siteId ?? null, reason: r.reason, detail: r.detail, at: r.at };
    this.deps.bus.emit('security.alert', { alert: { ...alert, at: r.at.toISOString() } });
    this.deps.directory.addSecurityAlert(alert).catch((err: unknown) => this.deps.logger.warn({ err }, 'security alert not stored'));
  }

  /** Flushes health, merges what other processes stored, and settles troubles (offline deadlines pass here). */
  async sweep(now = this.now()): Promise<BellRow[]> {
    await this.flush();
    const changed: BellRow[] = [];
    const inService = await this.deps.directory.bells();
    // A bell taken out of service is no longer supervised (no offline alarms or maintenance SMS for it).
    const ids = new Set(inService.map((b) => b.id));
    for (const id of this.bells.keys()) if (!ids.has(id)) { this.bells.delete(id); this.dirty.delete(id); }
    for (const stored of inService) {
      const mine = this.bells.get(stored.id);
      const row = mine ? { ...stored, ...pickHealth(mine), lastSeenAt: later(mine.lastSeenAt, stored.lastSeenAt) } : stored;
      if (mine && stored.lastSeenAt && (!mine.lastSeenAt || stored.lastSeenAt > mine.lastSeenAt)) row.online = stored.online;
      this.bells.set(row.id, row);
      if (this.settle(row, now)) {
        this.dirty.add(row.id);
        changed.push(this.bells.get(row.id)!);
      }
    }
    for (const row of changed) this.publish(row);
    await this.flush();
    return changed;
  }

  /** Writes every bell whose health changed since the last flush, in one statement. */
  async flush(): Promise<void> {
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].map((id) => this.bells.get(id)).filter((r): r is BellRow => r !== undefined);
    this.dirty.clear();
    try {
      await this.deps.directory.writeBellHealth(rows);
    } catch (err) {
      for (const r of rows) this.dirty.add(r.id);
      throw err;
    }
  }

  /** Recomputes troubles in memory; true when they (or being online) changed. */
  private settle(row: BellRow, now = this.now()): boolean {
    const trouble = troublesOf(healthOf(row), now);
    const online = !trouble.includes('offline');
    if (same(trouble, row.trouble) && online === row.online) return false;
    this.deps.logger.info({ bellId: row.id, siteId: row.siteId, trouble, was: row.trouble }, 'bell troubles changed');
    const settled = { ...row, trouble, online };
    this.bells.set(row.id, settled);
    if (!same(trouble, row.trouble)) this.troubleChanged.add(row.id);
    return true;
  }

  private publish(bell: BellRow): void {
    const troubleChanged = this.troubleChanged.delete(bell.id);
    this.deps.bus.emit('bell.health', { bell: presentBell(bell), troubleChanged });
  }
}

function pickHealth(b: BellRow): Partial<BellRow> {
  return {
    online: b.online, lastSeenAt: b.lastSeenAt, lastTestAt: b.lastTestAt, battery: b.battery, rssi: b.rssi, fw: b.fw,
    trouble: b.trouble, tamperAt: b.tamperAt, clockSkewMs: b.clockSkewMs,
  };
}
