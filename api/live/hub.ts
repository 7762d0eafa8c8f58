import type { StreamMessage } from '../contract/index.ts';
import type { AlarmBus, BusEvents } from '../bus/index.ts';

/** Who may see a message: the hub asks each subscriber's filter. */
export interface Audience {
  siteId: string | null;
  raisedBy?: string | null | undefined;
}

export interface Subscriber {
  canSee(audience: Audience): boolean;
  send(text: string): void;
}

/** Incidents whose newest revision is remembered, so that older news arriving later is not shown. */
const REVISIONS_REMEMBERED = 20_000;

/**
 * Fan-out of stream messages to this process's WebSocket consoles. Fed by the alarm bus: events emitted here
 * arrive at once, events of other processes through LISTEN/NOTIFY, so a console on any process sees every
 * message its user may see. Per incident, a message older than one already sent (lower revision) is dropped:
 * news of one incident can reach this process by two paths in either order.
 */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly revisions = new Map<string, number>();

  /** Subscribes the hub to the bus; returns the unsubscription. */
  attach(bus: AlarmBus): () => void {
    const offs = [
      bus.on('incident.opened', (e) => this.incident(e, true)),
      bus.on('incident.changed', (e) => this.incident(e, false)),
      bus.on('incident.closed', (e) => this.incident(e, false)),
      bus.on('notification.changed', (e) => this.publish({ type: 'notification.status', data: e.notification }, { siteId: e.siteId })),
      bus.on('bell.health', (e) => this.publish({ type: 'bell.status', data: e.bell }, { siteId: e.bell.siteId })),
      bus.on('security.alert', (e) => this.publish({ type: 'security.alert', data: e.alert }, { siteId: e.alert.siteId })),
    ];
    return () => offs.forEach((off) => off());
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  get size(): number {
    return this.subscribers.size;
  }

  publish(message: StreamMessage, audience: Audience): void {
    const text = JSON.stringify(message);
    for (const s of this.subscribers) {
      if (!s.canSee(audience)) continue;
      try {
        s.send(text);
      } catch {
        /* a broken socket is cleaned up by its close handler */
      }
    }
  }

  private incident(e: BusEvents['incident.opened'], opened: boolean): void {
    const { incident } = e;
    const revision = incident.revision ?? 0;
    const last = this.revisions.get(incident.id);
    if (last !== undefined && revision < last) return;
    this.revisions.delete(incident.id);
    this.revisions.set(incident.id, revision);
    if (this.revisions.size > REVISIONS_REMEMBERED) this.revisions.delete(this.revisions.keys().next().value!);
    // `created` once per incident on this process; a stored open after the ring from memory is an update.
    const type = opened && last === undefined ? 'incident.created' : 'incident.updated';
    this.publish({ type, data: incident }, { siteId: incident.siteId, raisedBy: e.raisedBy });
  }
}
