/**
 * Helpers for the routes that receive Twilio's webhooks: status callbacks, inbound SMS and the
 * call's keypad Gather. The routes stay thin: verify the signature, parse with these, update the
 * notification row, answer with twimlReply. Nothing here touches the database.
 */
import twilio from 'twilio';
import type { NotificationStatus } from '../types.ts';

/** A form-decoded webhook body (express.urlencoded or URLSearchParams turned into an object). */
export type TwilioParams = Record<string, unknown>;

function str(params: TwilioParams, key: string): string | undefined {
  const v = params[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/**
 * True when `X-Twilio-Signature` matches. `fullUrl` is the URL exactly as Twilio was told it (our
 * public URL with query string, not the internal host behind a proxy); params are the POST fields.
 * Every Twilio route must refuse the request when this is false: the routes acknowledge incidents.
 */
export function verifyTwilioRequest(authToken: string, fullUrl: string, params: TwilioParams, signatureHeader: string | string[] | undefined): boolean {
  const signature = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;
  if (!authToken || !signature) return false;
  try {
    return twilio.validateRequest(authToken, signature, fullUrl, params as Record<string, unknown>);
  } catch {
    return false;
  }
}

/** Our notification id from the `n` query parameter of a callback URL (or the params, if merged). */
export function notificationIdFrom(fullUrl: string | undefined, params: TwilioParams = {}): string | undefined {
  if (fullUrl) {
    try {
      const n = new URL(fullUrl).searchParams.get('n');
      if (n) return n;
    } catch {
      /* not an absolute URL: fall through to params */
    }
  }
  return str(params, 'n') || undefined;
}

export interface StatusUpdate {
  notificationId?: string;
  providerId: string;
  status: NotificationStatus;
  errorCode?: string;
  /** Twilio's own word, kept for the timeline. */
  providerStatus: string;
}

const MESSAGE_STATUS: Record<string, NotificationStatus> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'cancelled',
};

const CALL_STATUS: Record<string, NotificationStatus> = {
  queued: 'queued',
  initiated: 'sending',
  ringing: 'sending',
  'in-progress': 'answered',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'cancelled',
};

/**
 * Maps a message or call status callback to our notification status. A `completed` call counts as
 * answered only when someone (not a machine) was on the line for some time: a call that "completed"
 * with zero duration or into voicemail reached nobody, and the escalation must go on.
 */
export function parseStatusCallback(params: TwilioParams, fullUrl?: string): StatusUpdate {
  const notificationId = notificationIdFrom(fullUrl, params);
  const callSid = str(params, 'CallSid');
  const callStatus = str(params, 'CallStatus');
  const messageStatus = str(params, 'MessageStatus') ?? str(params, 'SmsStatus');
  const errorCode = str(params, 'ErrorCode') || undefined;
  let status: NotificationStatus;
  let providerStatus: string;
  let providerId: string;
  if (callSid && callStatus) {
    providerId = callSid;
    providerStatus = callStatus;
    if (callStatus === 'completed') {
      const duration = str(params, 'CallDuration') ?? str(params, 'Duration');
      const answeredBy = str(params, 'AnsweredBy') ?? '';
      const reachedMachine = /^(machine|fax)/.test(answeredBy);
      status = duration === '0' || reachedMachine ? 'no_answer' : 'answered';
    } else {
      status = CALL_STATUS[callStatus] ?? 'failed';
    }
  } else {
    providerId = str(params, 'MessageSid') ?? str(params, 'SmsSid') ?? '';
    providerStatus = messageStatus ?? '';
    status = MESSAGE_STATUS[providerStatus] ?? 'failed';
  }
  return {
    ...(notificationId !== undefined ? { notificationId } : {}),
    providerId,
    status,
    ...(errorCode !== undefined ? { errorCode } : {}),
    providerStatus,
  };
}

const ACK_WORDS = new Set(['1', 'ok', '확인']);

/**
 * Whether a reply acknowledges. NFKC folds full-width forms (`１`, `ＯＫ`) that Korean phone keyboards
 * produce; trailing punctuation ("확인.", "ok!") is forgiven. Anything else is not an acknowledgement:
 * a guess here could silence an escalation that someone still needs.
 */
export function isAcknowledgementText(body: string): boolean {
  const word = body.normalize('NFKC').trim().toLowerCase().replace(/[.!。~\s]+$/u, '');
  return ACK_WORDS.has(word);
}

export interface InboundSms {
  from: string;
  to: string;
  body: string;
  messageSid: string;
  isAcknowledgement: boolean;
}

export function parseInboundSms(params: TwilioParams): InboundSms {
  const body = str(params, 'Body') ?? '';
  return {
    from: str(params, 'From') ?? '',
    to: str(params, 'To') ?? '',
    body,
    messageSid: str(params, 'MessageSid') ?? str(params, 'SmsSid') ?? '',
    isAcknowledgement: isAcknowledgementText(body),
  };
}

export interface GatherResult {
  digits: string;
  callSid: string;
  from: string;
  to: string;
  acknowledges: boolean;
}

export function parseGather(params: TwilioParams): GatherResult {
  const digits = (str(params, 'Digits') ?? '').trim();
  return {
    digits,
    callSid: str(params, 'CallSid') ?? '',
    from: str(params, 'From') ?? '',
    to: str(params, 'To') ?? '',
    acknowledges: digits === '1',
  };
}

/**
 * The TwiML a webhook answers with: an empty `<Response/>` (nothing to say), an SMS reply
 * (`<Message>`), or words spoken on the call (`<Say>`, then the call ends).
 */
export function twimlReply(text?: string, kind: 'sms' | 'voice' = 'sms', language: 'ko' | 'en' = 'ko'): string {
  if (kind === 'voice') {
    const r = new twilio.twiml.VoiceResponse();
    if (text) r.say({ language: language === 'ko' ? 'ko-KR' : 'en-US' }, text);
    return r.toString();
  }
  const r = new twilio.twiml.MessagingResponse();
  if (text) r.message(text);
  return r.toString();
}

export const TWIML_CONTENT_TYPE = 'text/xml; charset=utf-8';
