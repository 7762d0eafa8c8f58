/**
 * Keeps each bell's health and troubles (gateway/supervision.ts decides them) for the bell health board, from
 * what the gateway hears: heartbeats, online/offline status, and what bell events say of the bell (battery,
 * test, tamper, clock skew). Security rejections of a bell become security alerts here.
 * Health lives in memory and is written to the store in one batched statement every sweep: a heartbeat
 * must not cost a database write (a thousand bells heartbeating would otherwise crowd out the alarms).
 * A change of troubles or of being online is written and pushed at once.
 *
 * Each bell's next timed change (its offline deadline, its 30-day test window) sits in a heap: a sweep takes only
 * the bells that fell due, reads just their rows (another process may have heard them since: shared
 * subscriptions split a bell's heartbeats over processes) and judges them. Reading and judging every bell each
 * sweep cost a country's 100,000 bells a full table read every 5 s. The whole table is read again when the
 * directory changes (bells provisioned or taken out of service), when the bus may have missed events (resync), and
 * every `reconcileEvery` sweeps, which merges what other processes stored for the bells that did not fall due.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { BellEventSignal, BellHeartbeatSignal, BellRecord, BellStatusSignal, Rejection } from '../../gateway/index.ts';
import { clockSkewMs, DeadlineHeap, isSecurityRejection, LOW_BATTERY_PERCENT, nextTimedChange, TROUBLES, troublesOf, type BellHealth, type Trouble } from '../../gateway/index.ts';
import type { AlarmBus, BusPort } from '../bus/index.ts';
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

/** Rows read by id per statement (each id is a parameter). */
const IDS_PER_READ = 10_000;
/**
 * The whole table is read again every so many sweeps (every 5 minutes at the default 5 s sweep). Only a safety net:
 * other processes' news of bells comes on the bus, a bus that may have missed some has the table read at once
 * (resync), and a bell that falls due has its row read before it is judged. Once a minute, the read of every row
 * took about a seventh of the process's work in a CPU profile of 10,000 bells heartbeating.
 */
const RECONCILE_EVERY_SWEEPS = 60;

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class BellSupervisor {
  private timer: NodeJS.Timeout | undefined;
  private readonly bells = new Map<string, BellRow>();
  private readonly dirty = new Set<string>();
  private sweeping = false;
  /** Bells whose troubles changed since they were last published. */
  private readonly troubleChanged = new Set<string>();
  /** Each bell's next timed change, in ms: only these are looked at by a sweep. */
  private readonly deadlines = new DeadlineHeap<string>();
  private sweeps = 0;
  private flushScheduled = false;
  /** The health write in progress, if any. */
  private writing: Promise<void> | undefined;
  /** What was heard from bells provisioned after the last read, while their rows are read (one read for a burst). */
  private readonly unknown = new Map<string, BellHealthPatch[]>();
  private loadingUnknown: Promise<void> | undefined;
  private offDirectory: (() => void) | undefined;
  private offHealth: (() => void) | undefined;
  private offResync: (() => void) | undefined;
  /** The sweep or reconcile running now: the next waits for it (see {@link sweep}). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      /** Bell health goes out as `bell.health` (consoles; maintenance alerts when troubles changed). */
      directory: DirectoryStore; bus: BusPort & Pick<AlarmBus, 'onResync'>; logger: Logger; now?: () => Date; sweepMs?: number;
      /** Sweeps between full reads of the table (default 60). */
      reconcileEvery?: number;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async start(): Promise<void> {
    const now = this.now();
    for (const b of await this.deps.directory.bells()) {
      this.bells.set(b.id, b);
      // Stored troubles that no longer hold (a bell never heard, a deadline passed while no process ran) are settled
      // at the first sweep, when everything that listens for them has started; the others wait for their deadline.
      if (this.unsettled(b, now)) this.deadlines.set(b.id, now.getTime());
      else this.arm(b, now);
    }
    // Bells provisioned or taken out of service (here or in another process): read the table again.
    this.offDirectory = this.deps.bus.on('directory.changed', () => this.reconcile().then(() => undefined));
    this.offHealth = this.deps.bus.on('bell.health', (e, meta) => {
      if (!meta.local) this.heardElsewhere(e.bell);
    });
    // The bus may have missed other processes' news of bells: what they stored is read instead.
    this.offResync = this.deps.bus.onResync(() => this.reconcile().then(() => undefined));
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
    this.offDirectory?.();
    this.offHealth?.();
    this.offResync?.();
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
      this.loadUnknown(bellId, patch);
      return;
    }
    const batteryWas = known.battery;
    // In place, and only what changed, so that a heartbeat leaves the collector as little as it can (before: a copy
    // of the whole row each time). Rows handed out are copies (view, presentBell); a write under way may store the
    // newer health.
    assignChanged(known, patch);
    this.dirty.add(known.id);
    const now = this.now();
    const changed = this.settle(known, now);
    this.arm(this.bells.get(bellId)!, now);
    if (changed || batteryWas !== known.battery) this.publish(this.bells.get(bellId)!);
    if (changed) this.flushSoon();
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

  /**
   * Another process's news of a bell (it heard the bell, or the bell's will): taken into memory unless this process
   * heard the bell later, and not published again. With shared subscriptions a bell's messages are split over the
   * processes, and each process that then heard the bell itself for the first time took it for a change: every
   * bell's coming online went out once more from each process, on the bus and to every console. A news this
   * process cannot read is left to the next full read of the store.
   */
  private heardElsewhere(bell: unknown): void {
    const news = remoteHealth.safeParse(bell);
    if (!news.success) return;
    const mine = this.bells.get(news.data.id);
    const seen = news.data.lastSeenAt === null ? null : new Date(news.data.lastSeenAt);
    if (!mine || (seen?.getTime() ?? 0) < (mine.lastSeenAt?.getTime() ?? 0)) return;
    const { online, lastTestAt, battery, rssi, fw, trouble } = news.data;
    const heard: Partial<BellRow> = { online, lastSeenAt: seen, lastTestAt: lastTestAt === null ? null : new Date(lastTestAt), battery, rssi, fw, trouble };
    assignChanged(mine, heard);
    this.arm(mine, this.now());
  }

  /** A security rejection (the gateway rings once per burst) is an alert on the bus and in the store. */
  onRejected(r: Rejection, bell: BellRecord | undefined): void {
    if (!isSecurityRejection(r.reason) || !r.bellId) return;
    const alert = { bellId: r.bellId, siteId: bell?.siteId ?? null, reason: r.reason, detail: r.detail, at: r.at };
    this.deps.bus.emit('security.alert', { alert: { ...alert, at: r.at.toISOString() } });
    this.deps.directory.addSecurityAlert(alert).catch((err: unknown) => this.deps.logger.warn({ err }, 'security alert not stored'));
  }

  /**
   * Settles the bells whose next timed change has come (offline deadlines pass here), after reading their rows
   * again; every `reconcileEvery` sweeps, every bell ({@link reconcile}). Sweeps and reconciles run one after
   * another, each judging at the time its turn comes (or `now`): side by side, a sweep asked for while another was
   * reading returned before the bells that one had taken were judged, and their changes went out later as a batch
   * (a maintenance SMS) of their own.
   */
  sweep(now?: Date): Promise<BellRow[]> {
    return this.inTurn(() => this.sweepAt(now ?? this.now()));
  }

  /** Flushes health, reads every bell in service, merges what other processes stored, and settles troubles. */
  reconcile(now?: Date): Promise<BellRow[]> {
    return this.inTurn(() => this.reconcileAt(now ?? this.now()));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const mine = this.turn.then(work);
    this.turn = mine.catch(() => undefined);
    return mine;
  }

  private async sweepAt(now: Date): Promise<BellRow[]> {
    if (++this.sweeps % (this.deps.reconcileEvery ?? RECONCILE_EVERY_SWEEPS) === 0) return this.reconcileAt(now);
    await this.flush();
    const due = this.deadlines.popDue(now.getTime());
    if (due.length === 0) return [];
    const stored: BellRow[] = [];
    for (let i = 0; i < due.length; i += IDS_PER_READ) stored.push(...(await this.deps.directory.bellsById(due.slice(i, i + IDS_PER_READ))));
    const inService = new Set(stored.map((b) => b.id));
    for (const id of due) if (!inService.has(id)) this.forget(id);
    return this.judge(stored, now);
  }

  private async reconcileAt(now: Date): Promise<BellRow[]> {
    await this.flush();
    const inService = await this.deps.directory.bells();
    // A bell taken out of service is no longer supervised (no offline alarms or maintenance SMS for it).
    const ids = new Set(inService.map((b) => b.id));
    for (const id of this.bells.keys()) if (!ids.has(id)) this.forget(id);
    return this.judge(inService, now);
  }

  /** Merges stored rows into memory (a later last-seen time wins), settles, re-arms, publishes and writes the changes. */
  private async judge(stored: BellRow[], now: Date): Promise<BellRow[]> {
    const changed: BellRow[] = [];
    for (const s of stored) {
      const mine = this.bells.get(s.id);
      const row = mine ? adoptStored(mine, s) : s;
      this.bells.set(row.id, row);
      if (this.settle(row, now)) {
        this.dirty.add(row.id);
        changed.push(this.bells.get(row.id)!);
      }
      this.arm(this.bells.get(row.id)!, now);
    }
    for (const row of changed) this.publish(row);
    await this.flush();
    return changed;
  }

  private forget(id: string): void {
    this.bells.delete(id);
    this.dirty.delete(id);
    this.deadlines.delete(id);
  }

  /** The bell's next timed change goes into the heap (or leaves it when only something heard can change it). */
  private arm(row: BellRow, now: Date): void {
    const at = nextTimedChange(healthOf(row), now);
    if (at) this.deadlines.set(row.id, at.getTime());
    else this.deadlines.delete(row.id);
  }

  /**
   * A bell provisioned after the last read: its row is read once, by id, together with those of every other new
   * bell heard meanwhile (a reconnect storm of new bells is one read, not one read of the whole table per bell).
   */
  private loadUnknown(bellId: string, patch: BellHealthPatch): void {
    const waiting = this.unknown.get(bellId);
    if (waiting) waiting.push(patch);
    else this.unknown.set(bellId, [patch]);
    this.loadingUnknown ??= this.readUnknown()
      .catch((err: unknown) => this.deps.logger.debug({ err }, 'bell health not loaded'))
      .finally(() => {
        this.loadingUnknown = undefined;
        // Heard while the read ran: read those too.
        const [next] = this.unknown.keys();
        if (next !== undefined) {
          const patches = this.unknown.get(next)!;
          this.unknown.delete(next);
          for (const p of patches) this.loadUnknown(next, p);
        }
      });
  }

  private async readUnknown(): Promise<void> {
    const asked = [...this.unknown.keys()];
    const rows: BellRow[] = [];
    try {
      for (let i = 0; i < asked.length; i += IDS_PER_READ) rows.push(...(await this.deps.directory.bellsById(asked.slice(i, i + IDS_PER_READ))));
    } catch (err) {
      for (const id of asked) this.unknown.delete(id);
      throw err;
    }
    const now = this.now();
    for (const r of rows) {
      if (this.bells.has(r.id)) continue;
      this.bells.set(r.id, r);
      this.arm(r, now);
    }
    for (const id of asked) {
      const patches = this.unknown.get(id) ?? [];
      this.unknown.delete(id);
      // Not in service (never provisioned, or retired): what it said is dropped, as before.
      if (this.bells.has(id)) for (const p of patches) this.observe(id, p);
    }
  }

  /**
   * Writes a change at once, but one statement for every change of the same moment: 10,000 bells back online after
   * a power cut were 10,000 flushes started side by side, each writing the whole dirty set again.
   */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush().catch((err: unknown) => this.deps.logger.debug({ err }, 'bell health not stored'));
    });
  }

  /**
   * Writes every bell whose health changed since the last write, in one statement, one write at a time: changes that
   * come in during a write go out together in the next. Each turn of the event loop writing its own few bells made a
   * reconnect storm thousands of small statements. Resolves once the changes made before the call are written.
   */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.dirty.size === 0) return;
    const rows = [...this.dirty].map((id) => this.bells.get(id)).filter((r): r is BellRow => r !== undefined);
    this.dirty.clear();
    const write = this.deps.directory.writeBellHealth(rows).catch((err: unknown) => {
      for (const r of rows) this.dirty.add(r.id);
      throw err;
    });
    this.writing = write.then(() => undefined, () => undefined).finally(() => (this.writing = undefined));
    await write;
  }

  /** The bell's troubles and being online by the time alone, or null when they are what it holds now. */
  private unsettled(row: BellRow, now: Date): { trouble: Trouble[]; online: boolean } | null {
    const trouble = troublesOf(healthOf(row), now);
    const online = !trouble.includes('offline');
    return same(trouble, row.trouble) && online === row.online ? null : { trouble, online };
  }

  /** Recomputes troubles in memory; true when they (or being online) changed. */
  private settle(row: BellRow, now = this.now()): boolean {
    const next = this.unsettled(row, now);
    if (!next) return false;
    this.deps.logger.info({ bellId: row.id, siteId: row.siteId, trouble: next.trouble, was: row.trouble }, 'bell troubles changed');
    this.bells.set(row.id, { ...row, ...next });
    if (!same(next.trouble, row.trouble)) this.troubleChanged.add(row.id);
    return true;
  }

  private publish(bell: BellRow): void {
    const troubleChanged = this.troubleChanged.delete(bell.id);
    this.deps.bus.emit('bell.health', { bell: presentBell(bell), troubleChanged });
  }
}

/** What another process's `bell.health` says of the bell's health (presentBell's fields). */
const remoteHealth = z.object({
  id: z.string(),
  online: z.boolean(),
  lastSeenAt: z.iso.datetime().nullable(),
  lastTestAt: z.iso.datetime().nullable(),
  battery: z.number().int().nullable(),
  rssi: z.number().int().nullable(),
  fw: z.string().nullable(),
  trouble: z.array(z.enum(TROUBLES)),
});

const HEALTH_KEYS = ['online', 'lastSeenAt', 'lastTestAt', 'battery', 'rssi', 'fw', 'trouble', 'tamperAt', 'clockSkewMs'] as const satisfies readonly (keyof BellRow)[];
const IS_HEALTH: ReadonlySet<string> = new Set(HEALTH_KEYS);

function pickHealth(b: BellRow): Pick<BellRow, (typeof HEALTH_KEYS)[number]> {
  return {
    online: b.online, lastSeenAt: b.lastSeenAt, lastTestAt: b.lastTestAt, battery: b.battery, rssi: b.rssi, fw: b.fw,
    trouble: b.trouble, tamperAt: b.tamperAt, clockSkewMs: b.clockSkewMs,
  };
}

/**
 * A stored row merged into this process's row, in place: what administration changed is taken from the store, the
 * health this process heard is kept, except that a later last-seen time stored by another process wins, with its
 * online. Values that did not change are not replaced, so a full read leaves no new row per bell behind (before:
 * a copy of each, kept until the next read).
 */
function adoptStored(mine: BellRow, stored: BellRow): BellRow {
  assignChanged(mine, stored, IS_HEALTH);
  if (stored.lastSeenAt && (!mine.lastSeenAt || stored.lastSeenAt > mine.lastSeenAt)) {
    mine.lastSeenAt = stored.lastSeenAt;
    mine.online = stored.online;
  }
  return mine;
}

/** Sets on the row, in place, each value that differs from what it holds (but for the keys skipped). */
function assignChanged(row: BellRow, values: Partial<BellRow>, skip?: ReadonlySet<string>): void {
  const target = row as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (!skip?.has(key) && !sameValue(target[key], value)) target[key] = value;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);
}
