/**
 * The console's view of the bells in the supervision phase: one WebSocket stream as the guard, every `bell.status`
 * read on arrival. Which bells are online; when a silenced or dropped bell was first shown offline; and every
 * offline shown for a bell that was never silenced nor dropped (a false offline).
 */
import WebSocket from 'ws';
import type { System } from '../../api/system.ts';
import type { ApiClient } from '../support/http.ts';

interface BellStatusData {
  id: string;
  online: boolean;
  lastSeenAt: string | null;
  trouble: string[];
}

/** A bell the bench took down on purpose: silenced (heartbeats stop, connection up) or dropped (will). */
export interface Planned {
  id: string;
  /** Set when the fleet reports the silence or the drop (Date.now() of the drop; null for a silence). */
  at: number | null;
  /** Date.now() of its last heartbeat handed to mqtt.js; undefined until the fleet reports. */
  lastBeatAt: number | null | undefined;
  reported: boolean;
  /** First `offline` on the console: Date.now() on arrival, and the server's lastSeenAt in that message. */
  offlineArrivedAt?: number;
  offlineLastSeenAt?: number | null;
}

export class StatusWatch {
  readonly online = new Map<string, boolean>();
  private onlineCount = 0;
  readonly planned = new Map<string, Planned>();
  /** Offline shown for a bell not taken down on purpose (or before it was): events and their bells. */
  falseOfflines = 0;
  readonly falseOfflineIds = new Set<string>();
  /** Counts false offlines only once the fleet is warm. */
  watching = false;
  messages = 0;

  private constructor(private readonly ws: WebSocket) {}

  static async open(system: System, guard: ApiClient): Promise<StatusWatch> {
    const ws = new WebSocket(`${system.url.replace(/^http/, 'ws')}/api/v1/stream?token=${guard.token}`);
    const watch = new StatusWatch(ws);
    ws.on('message', (data) => watch.onMessage(data.toString(), Date.now()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return watch;
  }

  get bellsOnline(): number {
    return this.onlineCount;
  }

  private onMessage(text: string, at: number): void {
    this.messages++;
    if (!text.startsWith('{"type":"bell.status"')) return;
    const { data } = JSON.parse(text) as { data: BellStatusData };
    const offline = !data.online || data.trouble.includes('offline');
    const was = this.online.get(data.id);
    if (was !== !offline) this.onlineCount += offline ? (was === true ? -1 : 0) : 1;
    this.online.set(data.id, !offline);
    if (!offline || !this.watching) return;
    const p = this.planned.get(data.id);
    if (!p) {
      // Not taken down.
      if (was !== false) this.falseOffline(data.id);
      return;
    }
    // A bell taken down on purpose may be shown offline before the fleet's report of it reaches this process (the
    // report crosses a busy child's event loop; a will crosses Mosquitto in milliseconds): judged in settle().
    if (p.offlineArrivedAt !== undefined) return;
    p.offlineArrivedAt = at;
    p.offlineLastSeenAt = data.lastSeenAt === null ? null : Date.parse(data.lastSeenAt);
  }

  private falseOffline(id: string): void {
    this.falseOfflines++;
    this.falseOfflineIds.add(id);
  }

  /**
   * Once the fleet has reported: an offline that arrived before the bell was taken down (before its drop, or
   * before its last heartbeat) was a false one, whichever came first to this process.
   */
  settle(): void {
    for (const p of this.planned.values()) {
      if (p.offlineArrivedAt === undefined) continue;
      const takenDownAt = p.at ?? p.lastBeatAt;
      if (!p.reported || (takenDownAt != null && p.offlineArrivedAt < takenDownAt)) this.falseOffline(p.id);
    }
  }

  plan(id: string): Planned {
    const p: Planned = { id, at: null, lastBeatAt: undefined, reported: false };
    this.planned.set(id, p);
    return p;
  }

  /** Planned bells not yet shown offline. */
  get waiting(): number {
    let n = 0;
    for (const p of this.planned.values()) if (p.offlineArrivedAt === undefined) n++;
    return n;
  }

  close(): void {
    this.ws.terminate();
  }
}
