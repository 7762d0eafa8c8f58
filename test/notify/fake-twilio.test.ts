/** The fake itself: what it answers the twilio library, and that what it sends back is signed. */
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseInboundSms, verifyTwilioRequest } from '../../api/notify/twilio/webhooks.ts';
import { RebasedRequestClient } from '../../api/notify/twilio/sender.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { Receiver } from './receiver.ts';

let fake: FakeTwilio;
let api: Receiver;
beforeEach(async () => {
  fake = await new FakeTwilio({ autoStatus: { sms: ['queued', 'sent', 'undelivered'] } }).start();
  api = await new Receiver().start();
});
afterEach(async () => {
  await fake.close();
  await api.close();
});

const client = (token = fake.authToken) => twilio(fake.accountSid, token, { httpClient: new RebasedRequestClient(fake.apiBase) });

describe('FakeTwilio', () => {
  it('answers the library with a realistic message resource and runs the configured status sequence', async () => {
    const m = await client().messages.create({ to: '+821099998888', from: '+15005550006', body: 'hi', statusCallback: `${api.url}/s?n=1` });
    expect(m).toMatchObject({ status: 'queued', to: '+821099998888', from: '+15005550006', body: 'hi', accountSid: fake.accountSid, direction: 'outbound-api' });
    expect(m.sid).toMatch(/^SM/);
    const cbs = await fake.waitForCallbacks(3);
    expect(cbs.map((c) => c.params.MessageStatus)).toEqual(['queued', 'sent', 'undelivered']);
    expect(cbs[2]!.params.ErrorCode).toBe('30003');
    expect(cbs.every((c) => c.status === 200)).toBe(true);
  });

  it('sends only the call events that were asked for, and always the final one', async () => {
    fake.autoStatus.call = ['initiated', 'ringing', 'in-progress', 'completed'];
    await client().calls.create({ to: '+821011112222', from: '+15005550006', twiml: '<Response/>', statusCallback: `${api.url}/s`, statusCallbackEvent: ['answered'] });
    await fake.waitForCallbacks(2);
    await fake.close();
    expect(fake.callbacks.map((c) => c.params.CallStatus)).toEqual(['in-progress', 'completed']);
    expect(fake.callbacks[1]!.params.CallDuration).toBe('12');
  });

  it('answers 401 to wrong credentials and records nothing', async () => {
    await expect(client('nope').messages.create({ to: '+1', from: '+2', body: 'x' })).rejects.toMatchObject({ status: 401, code: 20003 });
    expect(fake.requests).toHaveLength(0);
  });

  it('posts signed inbound SMS to our messaging webhook', async () => {
    const cb = await fake.inboundSms({ from: '+821012345678', body: '확인', url: `${api.url}/api/v1/twilio/sms` });
    expect(cb.status).toBe(200);
    const r = api.received[0]!;
    expect(verifyTwilioRequest(fake.authToken, r.url, r.params, r.headers['x-twilio-signature'])).toBe(true);
    expect(parseInboundSms(r.params)).toMatchObject({ from: '+821012345678', body: '확인', isAcknowledgement: true });
    expect(verifyTwilioRequest(fake.authToken, r.url, { ...r.params, From: '+820000' }, r.headers['x-twilio-signature'])).toBe(false);
  });

  it('records an unreachable callback receiver instead of failing', async () => {
    const cb = await fake.inboundSms({ from: '+8210', body: '1', url: 'http://127.0.0.1:1/nowhere' });
    expect(cb.status).toBe('unreachable');
  });

  it('refuses connections while unreachable and serves again on the same port afterwards', async () => {
    const base = fake.apiBase;
    await fake.setUnreachable(true);
    await expect(fetch(`${base}/`)).rejects.toThrow();
    await fake.setUnreachable(false);
    expect(fake.apiBase).toBe(base);
    expect((await fetch(`${base}/`)).status).toBe(404);
  });
});
