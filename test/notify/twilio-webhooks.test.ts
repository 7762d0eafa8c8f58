import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import {
  isAcknowledgementText, notificationIdFrom, parseGather, parseInboundSms, parseStatusCallback, twimlReply, verifyTwilioRequest,
} from '../../api/notify/twilio/webhooks.ts';
import { NOTIFICATION_STATUSES } from '../../api/notify/types.ts';

const URL_N = 'https://guardbell.example/api/v1/twilio/status?n=ntf-7';

describe('parseStatusCallback', () => {
  it.each([
    ['accepted', 'queued'], ['queued', 'queued'], ['sending', 'sending'], ['sent', 'sent'], ['delivered', 'delivered'],
    ['read', 'delivered'], ['undelivered', 'failed'], ['failed', 'failed'], ['canceled', 'cancelled'], ['something-new', 'failed'],
  ])('maps MessageStatus %s to %s', (twilioStatus, ours) => {
    const u = parseStatusCallback({ MessageSid: 'SM1', SmsSid: 'SM1', MessageStatus: twilioStatus }, URL_N);
    expect(u).toMatchObject({ notificationId: 'ntf-7', providerId: 'SM1', status: ours, providerStatus: twilioStatus });
    expect(NOTIFICATION_STATUSES).toContain(u.status);
  });

  it.each([
    ['queued', {}, 'queued'], ['initiated', {}, 'sending'], ['ringing', {}, 'sending'], ['in-progress', {}, 'answered'],
    ['completed', { CallDuration: '14' }, 'answered'], ['completed', {}, 'answered'], ['completed', { CallDuration: '0' }, 'no_answer'],
    ['completed', { CallDuration: '20', AnsweredBy: 'machine_end_beep' }, 'no_answer'], ['completed', { CallDuration: '20', AnsweredBy: 'human' }, 'answered'],
    ['busy', {}, 'busy'], ['no-answer', {}, 'no_answer'], ['failed', {}, 'failed'], ['canceled', {}, 'cancelled'],
  ] as const)('maps CallStatus %s %o to %s', (twilioStatus, extra, ours) => {
    expect(parseStatusCallback({ CallSid: 'CA1', CallStatus: twilioStatus, ...extra }, URL_N)).toMatchObject({ notificationId: 'ntf-7', providerId: 'CA1', status: ours });
  });

  it('carries the error code and takes the notification id from merged params when no URL is given', () => {
    expect(parseStatusCallback({ MessageSid: 'SM2', MessageStatus: 'undelivered', ErrorCode: '30003', n: 'ntf-9' })).toEqual({
      notificationId: 'ntf-9', providerId: 'SM2', status: 'failed', errorCode: '30003', providerStatus: 'undelivered',
    });
    expect(parseStatusCallback({ MessageSid: 'SM3', MessageStatus: 'sent' }).notificationId).toBeUndefined();
    expect(notificationIdFrom('/relative?n=x', { n: 'from-params' })).toBe('from-params');
  });
});

describe('inbound SMS and gather', () => {
  it.each(['1', ' 1 ', '１', 'OK', 'ok', 'Ok', 'ＯＫ', '확인', ' 확인 ', '확인.', 'ok!'])('%j acknowledges', (body) => {
    expect(parseInboundSms({ From: '+821012345678', To: '+15005550006', Body: body, MessageSid: 'SM1' })).toMatchObject({ from: '+821012345678', isAcknowledgement: true });
  });

  it.each(['', '2', '11', '아니오', 'not ok', '확인 안 됨', 'okay later', 'stop'])('%j does not acknowledge', (body) => {
    expect(isAcknowledgementText(body)).toBe(false);
  });

  it('keeps the body as sent', () => {
    expect(parseInboundSms({ From: '+82101', Body: ' 확인 ' })).toMatchObject({ body: ' 확인 ', to: '', messageSid: '' });
  });

  it('acknowledges only the digit 1 on the keypad', () => {
    expect(parseGather({ CallSid: 'CA1', Digits: '1' })).toMatchObject({ digits: '1', acknowledges: true, callSid: 'CA1' });
    expect(parseGather({ CallSid: 'CA1', Digits: '2' }).acknowledges).toBe(false);
    expect(parseGather({ CallSid: 'CA1' })).toMatchObject({ digits: '', acknowledges: false });
  });
});

describe('verifyTwilioRequest and twimlReply', () => {
  it('accepts Twilio signatures (also with an explicit :443) and refuses anything else', () => {
    const params = { CallSid: 'CA1', Digits: '1' };
    const url = 'https://guardbell.example/api/v1/twilio/gather?n=ntf-1';
    const sig = twilio.getExpectedTwilioSignature('tok', url, params);
    expect(verifyTwilioRequest('tok', url, params, sig)).toBe(true);
    expect(verifyTwilioRequest('tok', url, params, [sig])).toBe(true);
    expect(verifyTwilioRequest('tok', 'https://guardbell.example:443/api/v1/twilio/gather?n=ntf-1', params, sig)).toBe(true);
    expect(verifyTwilioRequest('tok', url, { ...params, Digits: '2' }, sig)).toBe(false);
    expect(verifyTwilioRequest('', url, params, sig)).toBe(false);
    expect(verifyTwilioRequest('tok', url, params, 'AAAA')).toBe(false);
  });

  it('answers with empty, SMS and spoken TwiML', () => {
    expect(twimlReply()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twimlReply('확인되었습니다')).toContain('<Response><Message>확인되었습니다</Message></Response>');
    expect(twimlReply('Acknowledged', 'voice', 'en')).toContain('<Say language="en-US">Acknowledged</Say>');
    expect(twimlReply('확인 <완료>', 'voice')).toContain('<Say language="ko-KR">확인 &lt;완료&gt;</Say>');
  });
});
