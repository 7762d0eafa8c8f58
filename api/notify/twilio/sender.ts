/**
 * SMS and voice through the `twilio` library. The escalation engine owns retries and fail-over, so
 * this adapter makes one attempt and classifies the result: retryable (network, 5xx, 429) or not
 * (4xx: a bad number will stay bad). Status updates come back later on the status callback URL,
 * which carries our notification id (`?n=`), handled by twilio-webhooks.ts.
 */
import twilio from 'twilio';
import { DRILL_MARK } from '../messages.ts';
import type { MessageSender, OutboundMessage, SendChannel, SendOutcome } from '../types.ts';
// Type only: the namespace of the library's RequestClient, which the package root does not re-export.
import type TwilioRequestClient from 'twilio/lib/base/RequestClient.js';

/**
 * Sends every request of the twilio library to another origin (a local fake of the REST API in tests,
 * or a regional proxy). The library always builds https://api.twilio.com/... URIs; only scheme, host
 * and port (and an optional path prefix) are replaced, so the REST paths stay the library's own.
 * TLS verification is untouched: an https base is verified as usual, an http base simply has no TLS.
 */
export class RebasedRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(apiBase: string, opts?: TwilioRequestClient.RequestClientOptions) {
    super(opts);
    this.base = new URL(apiBase);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new Error(`TWILIO_API_BASE must be an http(s) URL, got ${apiBase}`);
    }
  }

  rebase(uri: string): string {
    const u = new URL(uri);
    const prefix = this.base.pathname.replace(/\/+$/, '');
    return `${this.base.origin}${prefix}${u.pathname}${u.search}`;
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: this.rebase(opts.uri) });
  }
}

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  /** Our Twilio number (E.164) or messaging sender. */
  from: string;
  /** Another origin for the REST API (TWILIO_API_BASE), e.g. the local fake. */
  apiBase?: string;
  /** Our externally reachable base URL: status and gather callbacks come back here. */
  publicUrl: string;
  /** One attempt must not hold an escalation step for the library's default 30 s. */
  timeoutMs?: number;
}

const SAY_LANGUAGE = { ko: 'ko-KR', en: 'en-US' } as const;

export class TwilioSender implements MessageSender {
  readonly channels: readonly SendChannel[] = ['sms', 'voice'];
  private readonly client: twilio.Twilio;
  private readonly publicUrl: string;

  constructor(private readonly opts: TwilioSenderOptions) {
    this.publicUrl = opts.publicUrl.replace(/\/+$/, '');
    const timeout = opts.timeoutMs ?? 10_000;
    // No autoRetry: a 429 goes back to the engine as retryable, which reschedules the step itself.
    // The library's 20 sockets queue requests behind a slow provider until they time out while still being sent: the
    // retry then sends the SMS twice (the chaos run's slow provider showed it). An alarm burst needs more at once.
    const maxSockets = 100;
    const httpClient = opts.apiBase ? new RebasedRequestClient(opts.apiBase, { timeout, autoRetry: false, maxSockets }) : undefined;
    this.client = twilio(opts.accountSid, opts.authToken, { httpClient, timeout, autoRetry: false, maxSockets });
  }

  statusCallbackUrl(notificationId: string): string {
    return `${this.publicUrl}/api/v1/twilio/status?n=${encodeURIComponent(notificationId)}`;
  }

  gatherUrl(notificationId: string): string {
    return `${this.publicUrl}/api/v1/twilio/gather?n=${encodeURIComponent(notificationId)}`;
  }

  /** The call's TwiML: the message inside a one-key Gather, then said once more if no key came. */
  twiml(message: Pick<OutboundMessage, 'notificationId' | 'language' | 'text' | 'gatherAck'>): string {
    const language = SAY_LANGUAGE[message.language];
    const response = new twilio.twiml.VoiceResponse();
    if (message.gatherAck) {
      const gather = response.gather({ numDigits: 1, action: this.gatherUrl(message.notificationId), method: 'POST', timeout: 8 });
      gather.say({ language }, message.text);
    } else {
      response.say({ language }, message.text);
    }
    response.say({ language }, message.text);
    return response.toString();
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    if (message.channel !== 'sms' && message.channel !== 'voice') {
      return { ok: false, retryable: false, error: `TwilioSender cannot send on channel ${message.channel}` };
    }
    // Principle 2: every notifier checks the mode. A drill's words are marked here too, in case a
    // caller built the text without alarmText.
    const text = message.mode === 'drill' && !message.text.startsWith(DRILL_MARK) ? `${DRILL_MARK} ${message.text}` : message.text;
    const statusCallback = this.statusCallbackUrl(message.notificationId);
    try {
      if (message.channel === 'sms') {
        const m = await this.client.messages.create({ to: message.to, from: this.opts.from, body: text, statusCallback });
        return { ok: true, providerId: m.sid, status: outcomeStatus(m.status) };
      }
      const c = await this.client.calls.create({
        to: message.to,
        from: this.opts.from,
        twiml: this.twiml({ ...message, text }),
        statusCallback,
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      });
      return { ok: true, providerId: c.sid, status: 'queued' };
    } catch (err) {
      return classifyError(err);
    }
  }
}

function outcomeStatus(status: string | undefined): 'queued' | 'sent' | 'delivered' {
  return status === 'sent' || status === 'delivered' ? status : 'queued';
}

/** Network errors after the request was written: the provider may have created the message. */
const UNCERTAIN_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT']);

/** 5xx and 429 are Twilio's trouble and pass; other 4xx are ours (bad number, bad sender) and stay. */
export function classifyError(err: unknown): SendOutcome & { ok: false } {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.status === 'number') {
    const retryable = e.status >= 500 || e.status === 429 || e.status === 408;
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? ` (Twilio ${e.code})` : '';
    return { ok: false, retryable, error: `HTTP ${e.status}${code}: ${message}` };
  }
  // No HTTP status: connection refused, reset, DNS, timeout. The request may not have reached Twilio at all, so
  // trying again is right; after a timeout or a reset it may have, and the outbox waits for its report first.
  const code = (err as { code?: unknown })?.code;
  const uncertain = (typeof code === 'string' && UNCERTAIN_CODES.has(code)) || /timeout|timed out|socket hang up/i.test(message);
  return { ok: false, retryable: true, error: `network: ${typeof code === 'string' ? `${code} ` : ''}${message}`, ...(uncertain ? { uncertain } : {}) };
}
