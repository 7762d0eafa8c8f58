/**
 * A small local HTTP receiver standing in for our API's webhook routes: it records each request
 * with the full URL as Twilio (or a webhook sender) addressed it, so tests can check signatures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  params: Record<string, string>;
}

export class Receiver {
  readonly received: Received[] = [];
  /** What to answer; tests change it to simulate a failing dispatch system. */
  respond: (r: Received) => { status: number; body?: string; delayMs?: number } = () => ({ status: 200, body: '<Response/>' });
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const r: Received = {
        method: req.method ?? '', url: `${this.url}${req.url ?? ''}`, path: new URL(req.url ?? '/', this.url).pathname,
        headers: req.headers, rawBody, params: isForm ? Object.fromEntries(new URLSearchParams(rawBody)) : {},
      };
      this.received.push(r);
      const answer = this.respond(r);
      setTimeout(() => {
        if (!res.writableEnded && !res.destroyed) res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
