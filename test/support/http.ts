import WebSocket from 'ws';
import type { StreamMessage } from '../../api/contract/index.ts';
import { waitFor } from './wait.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** A small HTTP client for the API, as one logged-in user. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const r = await new ApiClient(baseUrl).request('POST', '/api/v1/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return new ApiClient(baseUrl, r.body.token as string);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});

  /** Opens the live stream and records every message with its arrival time. */
  async stream(): Promise<StreamClient> {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/api/v1/stream?token=${this.token}`);
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }
}

export class StreamClient {
  readonly messages: (StreamMessage & { receivedAt: number })[] = [];
  /** How the server ended the stream, if it did (for a failure's message). */
  closedWith: { code: number; reason: string } | undefined;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push({ ...(JSON.parse(data.toString()) as StreamMessage), receivedAt: Date.now() }));
    ws.on('close', (code, reason) => (this.closedWith = { code, reason: reason.toString() }));
  }

  waitFor<T extends StreamMessage['type']>(
    type: T,
    match: (data: Extract<StreamMessage, { type: T }>['data']) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<StreamMessage, { type: T }> & { receivedAt: number }> {
    return waitFor(
      () => this.messages.find((m) => m.type === type && match(m.data as never)) as (Extract<StreamMessage, { type: T }> & { receivedAt: number }) | undefined,
      timeoutMs,
      `stream message ${type}`,
    );
  }

  close(): void {
    this.ws.close();
  }
}
