/**
 * The live stream: WebSocket /api/v1/stream on the same origin (cookie auth). Reports a drop at
 * once, reconnects with backoff (0.5 s doubling to 10 s), and calls onOpen on every (re)connect so
 * the caller can refetch what it may have missed. Unknown message types are ignored.
 */
import type { StreamMessage } from '../../api/contract/index.ts';

export type StreamState = 'connected' | 'disconnected';

export interface StreamHandlers {
  onMessage: (message: StreamMessage) => void;
  onState: (state: StreamState) => void;
  /** Every successful (re)connect, after onState('connected'). */
  onOpen: () => void;
}

export const BACKOFF_START_MS = 500;
export const BACKOFF_MAX_MS = 10_000;
/** A connection that closes sooner than this after opening does not reset the backoff. */
const STABLE_AFTER_MS = 2_000;

const KNOWN_TYPES = new Set<string>(['incident.created', 'incident.updated', 'bell.status', 'notification.status', 'security.alert']);

export function streamUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api/v1/stream`;
}

/** Parses one frame; null for anything that is not a known, well-formed message. */
export function parseStreamMessage(raw: unknown): StreamMessage | null {
  if (typeof raw !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, data } = value as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) return null;
  if (typeof data !== 'object' || data === null) return null;
  if ((type === 'incident.created' || type === 'incident.updated' || type === 'bell.status')
    && typeof (data as { id?: unknown }).id !== 'string') return null;
  if (type === 'security.alert' && typeof (data as { bellId?: unknown }).bellId !== 'string') return null;
  return { type, data } as StreamMessage;
}

export class LiveStream {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private delay = BACKOFF_START_MS;
  private openedAt = 0;
  private stopped = true;
  private readonly url: string;
  private readonly handlers: StreamHandlers;

  constructor(handlers: StreamHandlers, url: string = streamUrl()) {
    this.handlers = handlers;
    this.url = url;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    this.setState('disconnected');
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      socket.close();
    }
  }

  private setState(state: StreamState): void {
    this.handlers.onState(state);
  }

  private connect(): void {
    if (this.stopped) return;
    this.timer = null;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.openedAt = Date.now();
      this.setState('connected');
      this.handlers.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      const message = parseStreamMessage(event.data);
      if (message) this.handlers.onMessage(message);
    };
    socket.onerror = () => {
      // A close event always follows; nothing to do here.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.openedAt && Date.now() - this.openedAt >= STABLE_AFTER_MS) this.delay = BACKOFF_START_MS;
      this.openedAt = 0;
      this.setState('disconnected');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, BACKOFF_MAX_MS);
    this.timer = setTimeout(() => this.connect(), wait);
  }

  /** The browser knows the network is gone: report it now instead of waiting for a TCP timeout. */
  private readonly onOffline = (): void => {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
    socket.close();
    this.openedAt = 0;
    this.setState('disconnected');
    this.scheduleReconnect();
  };

  /** Connect now instead of waiting for the backoff (after signing in again); refetch if already connected. */
  reconnectNow(): void {
    if (this.socket) {
      if (this.socket.readyState === WebSocket.OPEN) this.handlers.onOpen();
      return;
    }
    this.onOnline();
  }

  private readonly onOnline = (): void => {
    if (this.stopped || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.delay = BACKOFF_START_MS;
    this.connect();
  };
}
