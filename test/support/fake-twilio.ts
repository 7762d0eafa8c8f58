/**
 * A local fake of the part of Twilio's REST API that Guardbell uses, so the real `twilio` library
 * (pointed here with TWILIO_API_BASE) runs the whole loop over real HTTP: create messages and calls,
 * then receive signed status callbacks, inbound SMS and key presses, as from Twilio itself.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { waitFor } from './wait.ts';

export interface FakeTwilioRequest {
  kind: 'sms' | 'call';
  sid: string;
  to: string;
  from: string;
  body: string | undefined;
  twiml: string | undefined;
  statusCallback: string | undefined;
  statusCallbackEvent: string[];
  receivedAt: number;
}

export interface FakeCallback {
  url: string;
  params: Record<string, string>;
  signature: string;
  status: number | 'unreachable';
  responseBody: string;
}

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  autoStatus?: { sms?: string[]; call?: string[] };
  /** Pause between automatic status callbacks, so they arrive in order as from Twilio. */
  statusDelayMs?: number;
}

const API_VERSION = '2010-04-01';
const CALL_EVENT_OF: Record<string, string> = { initiated: 'initiated', ringing: 'ringing', 'in-progress': 'answered' };

const sid = (prefix: 'SM' | 'CA') => prefix + randomBytes(16).toString('hex');

export class FakeTwilio {
  readonly accountSid: string;
  readonly authToken: string;
  readonly requests: FakeTwilioRequest[] = [];
  /** Requests by sid: a bench run's thousands of callbacks each look theirs up. */
  private readonly bySid = new Map<string, FakeTwilioRequest>();
  readonly callbacks: FakeCallback[] = [];
  autoStatus: { sms: string[]; call: string[] };
  statusDelayMs: number;
  /** How long a create waits before it is answered (recorded at once: a request that times out may still have sent). */
  answerDelayMs = 0;
  private failures: { remaining: number; status: number; code: number | undefined } = { remaining: 0, status: 500, code: undefined };
  private server: Server;
  private port = 0;
  private pending = new Set<Promise<unknown>>();

  constructor(opts: FakeTwilioOptions = {}) {
    this.accountSid = opts.accountSid ?? `AC${'0'.repeat(31)}1`;
    this.authToken = opts.authToken ?? 'fake-auth-token';
    this.autoStatus = { sms: opts.autoStatus?.sms ?? ['sent', 'delivered'], call: opts.autoStatus?.call ?? ['initiated', 'ringing', 'in-progress', 'completed'] };
    this.statusDelayMs = opts.statusDelayMs ?? 5;
    this.server = this.newServer();
  }

  /** Base URL for TWILIO_API_BASE. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The next `n` creates answer with this error, as Twilio does (JSON with code and message). */
  failNext(n: number, opts: { status: number; code?: number }): void {
    this.failures = { remaining: n, status: opts.status, code: opts.code };
  }

  /** Closes the listening socket (connections are refused) or opens it again on the same port. */
  async setUnreachable(unreachable: boolean): Promise<void> {
    if (unreachable) {
      if (!this.server.listening) return;
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server = this.newServer();
    } else if (!this.server.listening) {
      await this.start();
    }
  }

  /** Sends a status callback for a recorded message or call, with Twilio's fields and signature. */
  async sendStatus(resourceSid: string, status: string, extra: Record<string, string> = {}): Promise<FakeCallback> {
    const req = this.bySid.get(resourceSid);
    if (!req?.statusCallback) throw new Error(`no status callback recorded for ${resourceSid}`);
    const common = { AccountSid: this.accountSid, To: req.to, From: req.from, ApiVersion: API_VERSION };
    const params: Record<string, string> = req.kind === 'sms'
      ? { ...common, MessageSid: resourceSid, SmsSid: resourceSid, MessageStatus: status, SmsStatus: status, ...(status === 'failed' || status === 'undelivered' ? { ErrorCode: '30003' } : {}) }
      : {
          ...common, CallSid: resourceSid, CallStatus: status, Direction: 'outbound-api', CallbackSource: 'call-progress-events',
          Timestamp: new Date().toUTCString(), SequenceNumber: String(this.callbacks.filter((c) => c.params.CallSid === resourceSid).length),
          ...(['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(status) ? { CallDuration: status === 'completed' ? '12' : '0', Duration: status === 'completed' ? '1' : '0' } : {}),
        };
    return this.post(req.statusCallback, { ...params, ...extra });
  }

  /** An SMS from a phone to our number, POSTed to `url` (the number's messaging webhook). */
  async inboundSms(opts: { from: string; body: string; url: string; to?: string }): Promise<FakeCallback> {
    const messageSid = sid('SM');
    return this.post(opts.url, {
      AccountSid: this.accountSid, ApiVersion: API_VERSION, MessageSid: messageSid, SmsSid: messageSid, SmsMessageSid: messageSid,
      From: opts.from, To: opts.to ?? this.requests[0]?.from ?? '+15005550006', Body: opts.body, NumMedia: '0', NumSegments: '1', SmsStatus: 'received',
    });
  }

  /** The person on a call presses keys: Twilio POSTs the digits to the Gather action of the call's TwiML. */
  async pressKey(opts: { callSid: string; digits: string }): Promise<FakeCallback> {
    const found = this.bySid.get(opts.callSid);
    const call = found?.kind === 'call' ? found : undefined;
    const action = call?.twiml ? /<Gather\b[^>]*\baction="([^"]+)"/.exec(call.twiml)?.[1] : undefined;
    if (!call || !action) throw new Error(`call ${opts.callSid} has no Gather action`);
    const url = action.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    return this.post(url, {
      AccountSid: this.accountSid, ApiVersion: API_VERSION, CallSid: call.sid, CallStatus: 'in-progress', Direction: 'outbound-api',
      From: call.from, To: call.to, Digits: opts.digits, FinishedOnKey: '',
    });
  }

  async waitForRequests(n: number, timeoutMs = 5_000): Promise<FakeTwilioRequest[]> {
    await waitFor(() => this.requests.length >= n, timeoutMs, `${n} Twilio API requests (have ${this.requests.length})`);
    return this.requests;
  }

  async waitForCallbacks(n: number, timeoutMs = 5_000): Promise<FakeCallback[]> {
    await waitFor(() => this.callbacks.length >= n, timeoutMs, `${n} callbacks sent (have ${this.callbacks.length})`);
    return this.callbacks;
  }

  /** Waits for callbacks still on their way, then stops listening. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Form-encoded POST signed with X-Twilio-Signature over the full URL and params, as Twilio signs. */
  private async post(url: string, params: Record<string, string>): Promise<FakeCallback> {
    const signature = twilio.getExpectedTwilioSignature(this.authToken, url, params);
    const cb: FakeCallback = { url, params, signature, status: 'unreachable', responseBody: '' };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(5_000),
      });
      cb.status = res.status;
      cb.responseBody = await res.text();
    } catch {
      /* the receiver is down: Twilio would log a webhook error and move on */
    }
    this.callbacks.push(cb);
    return cb;
  }

  private newServer(): Server {
    return createServer((req, res) => {
      this.handle(req, res).catch((err) => this.json(res, 500, { code: 20500, message: String(err), status: 500 }));
    });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!m || req.method !== 'POST') return this.json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (m[1] !== this.accountSid || req.headers.authorization !== expected) {
      return this.json(res, 401, { code: 20003, message: 'Authentication Error - invalid username', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    }
    if (this.failures.remaining > 0) {
      this.failures.remaining--;
      const { status, code } = this.failures;
      const message = code === 21211 ? "The 'To' number is not a valid phone number." : 'Fake Twilio failure on demand';
      return this.json(res, status, { code: code ?? (status >= 500 ? 20500 : 21200), message, more_info: `https://www.twilio.com/docs/errors/${code ?? status}`, status });
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const kind = m[2] === 'Messages' ? 'sms' : 'call';
    const record: FakeTwilioRequest = {
      kind, sid: sid(kind === 'sms' ? 'SM' : 'CA'), to: form.get('To') ?? '', from: form.get('From') ?? '',
      body: form.get('Body') ?? undefined, twiml: form.get('Twiml') ?? undefined, statusCallback: form.get('StatusCallback') ?? undefined,
      statusCallbackEvent: form.getAll('StatusCallbackEvent'), receivedAt: Date.now(),
    };
    if (!record.to || !record.from) return this.json(res, 400, { code: 21604, message: "A 'To' and 'From' phone number is required.", status: 400 });
    this.requests.push(record);
    this.bySid.set(record.sid, record);
    if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs));
    if (res.destroyed) return;
    const now = new Date().toUTCString();
    const base = { account_sid: this.accountSid, api_version: API_VERSION, sid: record.sid, to: record.to, from: record.from, date_created: now, date_updated: now, status: 'queued', price: null };
    const uri = `/${API_VERSION}/Accounts/${this.accountSid}/${m[2]}/${record.sid}.json`;
    this.json(res, 201, kind === 'sms'
      ? { ...base, body: record.body, num_segments: '1', num_media: '0', direction: 'outbound-api', date_sent: null, error_code: null, error_message: null, messaging_service_sid: null, price_unit: 'USD', uri, subresource_uris: { media: uri.replace('.json', '/Media.json') } }
      : { ...base, to_formatted: record.to, from_formatted: record.from, direction: 'outbound-api', parent_call_sid: null, phone_number_sid: null, start_time: null, end_time: null, duration: null, answered_by: null, caller_name: null, price_unit: 'USD', uri, subresource_uris: {} });
    this.schedule(record);
  }

  /** Sends the automatic status sequence; for calls only the events asked for (completed always, as Twilio does). */
  private schedule(record: FakeTwilioRequest): void {
    if (!record.statusCallback) return;
    const statuses = (record.kind === 'sms' ? this.autoStatus.sms : this.autoStatus.call).filter((s) => {
      if (record.kind === 'sms') return true;
      const event = CALL_EVENT_OF[s];
      return event === undefined || record.statusCallbackEvent.includes(event);
    });
    const run = (async () => {
      for (const s of statuses) {
        await new Promise((r) => setTimeout(r, this.statusDelayMs));
        await this.sendStatus(record.sid, s);
      }
    })();
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
