/**
 * The police reporting channel as an HTTPS webhook for a dispatch system: a JSON POST signed with
 * HMAC-SHA256 over `${timestamp}.${body}`, so the receiver can prove it came from us and is fresh
 * (the timestamp bounds replays). signWebhook/verifyWebhook are exported for the receiving side.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MessageSender, OutboundMessage, SendChannel, SendOutcome } from './types.ts';

export const TIMESTAMP_HEADER = 'X-Guardbell-Timestamp';
export const SIGNATURE_HEADER = 'X-Guardbell-Signature';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signWebhook(secret: string, timestamp: number | string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * True when the signature matches the raw body and the timestamp is within `toleranceSeconds` of now.
 * `body` must be the exact bytes received: re-serialised JSON would not match.
 */
export function verifyWebhook(secret: string, headers: HeaderBag, body: string, toleranceSeconds = 300, nowMs = Date.now()): boolean {
  const ts = header(headers, TIMESTAMP_HEADER);
  const sig = header(headers, SIGNATURE_HEADER);
  if (!ts || !sig || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(nowMs / 1000 - Number(ts)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body), 'utf8');
  const given = Buffer.from(sig.trim(), 'utf8');
  // Compare in constant time so the signature cannot be guessed byte by byte.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface PoliceWebhookSenderOptions {
  /** The shared secret agreed with the dispatch system. */
  secret: string;
  timeoutMs?: number;
  /** Tests only: accept http:// URLs. In production the report must travel over TLS. */
  allowInsecure?: boolean;
}

export class PoliceWebhookSender implements MessageSender {
  readonly channels: readonly SendChannel[] = ['webhook'];

  constructor(private readonly opts: PoliceWebhookSenderOptions) {
    if (!opts.secret) throw new Error('PoliceWebhookSender needs a signing secret');
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'webhook') {
      return { ok: false, retryable: false, error: `PoliceWebhookSender cannot send on channel ${message.channel}` };
    }
    let url: URL;
    try {
      url = new URL(message.to);
    } catch {
      return { ok: false, retryable: false, error: `not a URL: ${message.to}` };
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.opts.allowInsecure)) {
      return { ok: false, retryable: false, error: `webhook URL must be https: ${url.origin}` };
    }
    // Principle 2: the mode on the message decides, not whatever the payload claims, so a drill can
    // never reach a dispatch system looking like a live report.
    const payload = { ...(message.payload ?? { text: message.text }), mode: message.mode, drill: message.mode === 'drill' };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Guardbell-Police-Webhook/1',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(this.opts.secret, timestamp, body),
          'idempotency-key': message.notificationId,
        },
        body,
        // A redirect would re-send the report to a host nobody configured; treat it as an error.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000),
      });
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string } };
      const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message ?? String(err));
      return { ok: false, retryable: true, error: `webhook ${why}` };
    }
    // Drain the body so the connection can be reused; its content is not ours to interpret.
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) {
      return { ok: true, providerId: res.headers.get('x-request-id') ?? `webhook:${message.notificationId}`, status: 'delivered' };
    }
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return { ok: false, retryable, error: `webhook HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  }
}
