/**
 * The real `twilio` library, through TwilioSender, against FakeTwilio over real HTTP; the status
 * callbacks come back to a local receiver standing in for our API, signed as Twilio signs them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRILL_MARK, voiceText } from '../../api/notify/messages.ts';
import { RebasedRequestClient, TwilioSender } from '../../api/notify/twilio/sender.ts';
import { parseGather, parseStatusCallback, verifyTwilioRequest } from '../../api/notify/twilio/webhooks.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { waitFor } from '../support/wait.ts';
import { facts, outbound } from './facts.ts';
import { Receiver } from './receiver.ts';

let fake: FakeTwilio;
let api: Receiver;
let sender: TwilioSender;
const FROM = '+15005550006';

beforeEach(async () => {
  fake = await new FakeTwilio().start();
  api = await new Receiver().start();
  sender = new TwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: fake.apiBase, publicUrl: `${api.url}/` });
});

afterEach(async () => {
  await fake.close();
  await api.close();
});

describe('TwilioSender against the fake Twilio REST API', () => {
  it('creates an SMS with body, sender and status callback, and gets signed sent/delivered callbacks', async () => {
    const outcome = await sender.send(outbound({ notificationId: 'ntf-sms-1', text: '비상벨 테스트' }));
    expect(outcome).toMatchObject({ ok: true, status: 'queued' });
    const [req] = await fake.waitForRequests(1);
    expect(req).toMatchObject({ kind: 'sms', to: '+821012345678', from: FROM, body: '비상벨 테스트', statusCallback: `${api.url}/api/v1/twilio/status?n=ntf-sms-1` });
    expect(outcome.ok && outcome.providerId).toBe(req!.sid);
    expect(req!.sid).toMatch(/^SM[0-9a-f]{32}$/);

    await waitFor(() => api.received.length >= 2, 5_000, 'two status callbacks');
    const updates = api.received.map((r) => {
      expect(r.path).toBe('/api/v1/twilio/status');
      expect(verifyTwilioRequest(fake.authToken, r.url, r.params, r.headers['x-twilio-signature'])).toBe(true);
      return parseStatusCallback(r.params, r.url);
    });
    expect(updates.map((u) => [u.notificationId, u.providerId, u.status])).toEqual([
      ['ntf-sms-1', req!.sid, 'sent'],
      ['ntf-sms-1', req!.sid, 'delivered'],
    ]);
  });

  it('refuses a tampered callback, a wrong token, a different URL and a missing signature', async () => {
    await sender.send(outbound({ notificationId: 'ntf-sms-2' }));
    await waitFor(() => api.received[0], 5_000, 'a status callback');
    const r = api.received[0]!;
    const sig = r.headers['x-twilio-signature'];
    expect(verifyTwilioRequest(fake.authToken, r.url, { ...r.params, MessageStatus: 'failed' }, sig)).toBe(false);
    expect(verifyTwilioRequest('another-token', r.url, r.params, sig)).toBe(false);
    expect(verifyTwilioRequest(fake.authToken, r.url.replace('n=ntf-sms-2', 'n=ntf-other'), r.params, sig)).toBe(false);
    expect(verifyTwilioRequest(fake.authToken, r.url, r.params, undefined)).toBe(false);
    expect(verifyTwilioRequest(fake.authToken, r.url, r.params, '')).toBe(false);
  });

  it('creates a Korean call that gathers one key, repeats the message, and asks for call progress events', async () => {
    const text = voiceText(facts(), 'ko');
    const outcome = await sender.send(outbound({ notificationId: 'ntf-call-1', channel: 'voice', text, gatherAck: true }));
    expect(outcome).toMatchObject({ ok: true, status: 'queued' });
    const [req] = await fake.waitForRequests(1);
    expect(req).toMatchObject({ kind: 'call', to: '+821012345678', from: FROM, statusCallback: `${api.url}/api/v1/twilio/status?n=ntf-call-1` });
    expect(req!.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(req!.statusCallbackEvent).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    const twiml = req!.twiml!;
    expect(twiml).toContain(`<Gather numDigits="1" action="${api.url}/api/v1/twilio/gather?n=ntf-call-1" method="POST" timeout="8"><Say language="ko-KR">${text}</Say></Gather>`);
    expect(twiml.match(/<Say language="ko-KR">/g)).toHaveLength(2);
    expect(twiml).toMatch(/<\/Gather><Say language="ko-KR">[^<]+<\/Say><\/Response>$/);

    await waitFor(() => api.received.length >= 4, 5_000, 'four call status callbacks');
    const statuses = api.received.map((r) => {
      expect(verifyTwilioRequest(fake.authToken, r.url, r.params, r.headers['x-twilio-signature'])).toBe(true);
      return parseStatusCallback(r.params, r.url).status;
    });
    expect(statuses).toEqual(['sending', 'sending', 'answered', 'answered']);

    // The person presses 1: Twilio posts the digit to the Gather action, signed.
    const press = await fake.pressKey({ callSid: req!.sid, digits: '1' });
    expect(press.status).toBe(200);
    const gather = api.received.at(-1)!;
    expect(gather.path).toBe('/api/v1/twilio/gather');
    expect(new URL(gather.url).searchParams.get('n')).toBe('ntf-call-1');
    expect(verifyTwilioRequest(fake.authToken, gather.url, gather.params, gather.headers['x-twilio-signature'])).toBe(true);
    expect(parseGather(gather.params)).toMatchObject({ digits: '1', acknowledges: true, callSid: req!.sid });
  });

  it('speaks English with en-US, and without a Gather when no key is asked for', async () => {
    await sender.send(outbound({ channel: 'voice', language: 'en', text: 'Emergency bell. Press 1 to acknowledge.', gatherAck: true }));
    await sender.send(outbound({ channel: 'voice', language: 'ko', text: '신고입니다', gatherAck: false, isPolice: true }));
    const [en, police] = await fake.waitForRequests(2);
    expect(en!.twiml).toContain('<Gather numDigits="1"');
    expect(en!.twiml!.match(/<Say language="en-US">Emergency bell\. Press 1 to acknowledge\.<\/Say>/g)).toHaveLength(2);
    expect(police!.twiml).not.toContain('<Gather');
    expect(police!.twiml!.match(/<Say language="ko-KR">신고입니다<\/Say>/g)).toHaveLength(2);
  });

  it('marks a drill even when the caller forgot to', async () => {
    await sender.send(outbound({ mode: 'drill', text: '비상벨 호출' }));
    await sender.send(outbound({ mode: 'drill', text: `${DRILL_MARK} 이미 표시됨` }));
    const [a, b] = await fake.waitForRequests(2);
    expect(a!.body).toBe(`${DRILL_MARK} 비상벨 호출`);
    expect(b!.body).toBe(`${DRILL_MARK} 이미 표시됨`);
  });

  it('reports no-answer and busy calls from their callbacks', async () => {
    fake.autoStatus.call = ['initiated', 'ringing', 'no-answer'];
    await sender.send(outbound({ notificationId: 'ntf-na', channel: 'voice', gatherAck: true }));
    await waitFor(() => api.received.length >= 3, 5_000, 'three callbacks');
    expect(parseStatusCallback(api.received[2]!.params, api.received[2]!.url)).toMatchObject({ notificationId: 'ntf-na', status: 'no_answer' });
    const sid = fake.requests[0]!.sid;
    const busy = await fake.sendStatus(sid, 'busy');
    expect(parseStatusCallback(busy.params).status).toBe('busy');
  });

  it('classifies failures: 500 and 429 retryable, 400 (21211) not, unreachable retryable', async () => {
    fake.failNext(1, { status: 500 });
    expect(await sender.send(outbound())).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('HTTP 500') });
    fake.failNext(1, { status: 429, code: 20429 });
    expect(await sender.send(outbound())).toMatchObject({ ok: false, retryable: true });
    fake.failNext(1, { status: 400, code: 21211 });
    const bad = await sender.send(outbound({ to: '+8200' }));
    expect(bad).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('21211') });
    expect(fake.requests).toHaveLength(0);

    await fake.setUnreachable(true);
    expect(await sender.send(outbound({ channel: 'voice' }))).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^network/) });
    // A new connection is refused: the request never reached the provider, so it is sent again at once (the one
    // before may have gone out on a kept-alive connection the server reset: that one is uncertain).
    const refused = await sender.send(outbound());
    expect(refused).toMatchObject({ ok: false, retryable: true, error: expect.stringMatching(/^network: ECONNREFUSED/) });
    expect(refused).not.toHaveProperty('uncertain');
    await fake.setUnreachable(false);
    expect(await sender.send(outbound())).toMatchObject({ ok: true });
  });

  it('is refused with 401 by the fake when the credentials are wrong, and that is not retryable', async () => {
    const wrong = new TwilioSender({ accountSid: fake.accountSid, authToken: 'wrong', from: FROM, apiBase: fake.apiBase, publicUrl: api.url });
    expect(await wrong.send(outbound())).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('HTTP 401') });
    expect(fake.requests).toHaveLength(0);
  });

  it('times out a hung API as retryable', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const hung = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    const slow = new TwilioSender({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: `http://127.0.0.1:${port}`, publicUrl: api.url, timeoutMs: 200 });
    // The request went out: the provider may have taken it, so the outbox waits for its report before resending.
    expect(await slow.send(outbound())).toMatchObject({ ok: false, retryable: true, uncertain: true });
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => hung.close(() => r()));
  });
});

describe('RebasedRequestClient', () => {
  it('replaces scheme, host and port and keeps the REST path and query', () => {
    const c = new RebasedRequestClient('http://127.0.0.1:4010/');
    expect(c.rebase('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=1')).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?PageSize=1');
    expect(new RebasedRequestClient('https://proxy.example/twilio').rebase('https://api.twilio.com/2010-04-01/Calls.json')).toBe('https://proxy.example/twilio/2010-04-01/Calls.json');
    expect(() => new RebasedRequestClient('ftp://x')).toThrow(/http/);
  });
});
