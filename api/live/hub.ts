import type { StreamMessage } from '../contract/index.ts';

/** Who may see a message: the hub asks each subscriber's filter. */
export interface Audience {
  siteId: string | null;
  raisedBy?: string | null | undefined;
}

export interface Subscriber {
  canSee(audience: Audience): boolean;
  send(text: string): void;
}

/** In-process fan-out of stream messages to WebSocket consoles. */
export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();

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
}
