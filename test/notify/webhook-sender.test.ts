import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DRILL_MARK, policeWebhookPayload } from '../../api/notify/messages.ts';
import { PoliceWebhookSender, signWebhook, verifyWebhook } from '../../api/notify/webhook-sender.ts';
import { facts, outbound } from './facts.ts';
import { Receiver } from './receiver.ts';

const SECRET = 'dispatch-shared-secret';
let dispatch: Receiver;
let sender: PoliceWebhookSender;

beforeEach(async () => {
  dispatch = await new Receiver().start();
  sender = new PoliceWebhookSender({ secret: SECRET, allowInsecure: true });
});
afterEach(() => dispatch.close());

const webhook = (over = {}) => outbound({ channel: 'webhook', to: `${dispatch.url}/dispatch`, isPolice: true, payload: policeWebhookPayload(facts()), ...over });

describe('PoliceWebhookSender', () => {
  it('posts the signed JSON report, which the receiving side verifies', async () => {
    const outcome = await sender.send(webhook());
    expect(outcome).toMatchObject({ ok: true, status: 'delivered' });
    const [r] = dispatch.received;
    expect(r!.headers['content-type']).toMatch(/^application\/json/);
    expect(r!.headers['x-guardbell-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(r!.headers['x-guardbell-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(verifyWebhook(SECRET, r!.headers, r!.rawBody)).toBe(true);
    expect(JSON.parse(r!.rawBody)).toMatchObject({ mode: 'live', drill: false, office: '강남구청', floor: '2', counter: '민원실 3번 창구', violence: true, callback: '02-3423-5114' });
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and missing headers', async () => {
    await sender.send(webhook());
    const r = dispatch.received[0]!;
    expect(verifyWebhook(SECRET, r.headers, r.rawBody.replace('"violence":true', '"violence":false'))).toBe(false);
    expect(verifyWebhook('other', r.headers, r.rawBody)).toBe(false);
    expect(verifyWebhook(SECRET, r.headers, r.rawBody, 300, Date.now() + 301_000)).toBe(false);
    expect(verifyWebhook(SECRET, {}, r.rawBody)).toBe(false);
    const h = new Headers({ 'X-Guardbell-Timestamp': '1700000000', 'X-Guardbell-Signature': signWebhook(SECRET, 1700000000, '{}') });
    expect(verifyWebhook(SECRET, h, '{}', 300, 1700000000_000)).toBe(true);
  });

  it('lets the message mode decide the drill flag, whatever the payload says', async () => {
    await sender.send(webhook({ mode: 'drill', payload: { ...policeWebhookPayload(facts()), mode: 'live', drill: false } }));
    expect(JSON.parse(dispatch.received[0]!.rawBody)).toMatchObject({ mode: 'drill', drill: true });
    await sender.send(webhook({ mode: 'drill', payload: policeWebhookPayload(facts({ mode: 'drill' })) }));
    expect(String(JSON.parse(dispatch.received[1]!.rawBody).message).startsWith(DRILL_MARK)).toBe(true);
  });

  it('classifies 5xx and timeouts as retryable, 4xx and bad URLs as not', async () => {
    dispatch.respond = () => ({ status: 503, body: 'down' });
    expect(await sender.send(webhook())).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('503') });
    dispatch.respond = () => ({ status: 400 });
    expect(await sender.send(webhook())).toMatchObject({ ok: false, retryable: false });
    dispatch.respond = () => ({ status: 302 });
    expect(await sender.send(webhook())).toMatchObject({ ok: false, retryable: false });
    // A short timeout so the test need not wait the production 5 s; the answer comes far later.
    const impatient = new PoliceWebhookSender({ secret: SECRET, allowInsecure: true, timeoutMs: 300 });
    dispatch.respond = () => ({ status: 200, delayMs: 3_000 });
    expect(await impatient.send(webhook())).toMatchObject({ ok: false, retryable: true, error: 'webhook timed out' });
    expect(await sender.send(webhook({ to: 'http://127.0.0.1:1/refused' }))).toMatchObject({ ok: false, retryable: true });
    expect(await sender.send(webhook({ to: 'not a url' }))).toMatchObject({ ok: false, retryable: false });
  });

  it('refuses plain http unless allowInsecure is set', async () => {
    const strict = new PoliceWebhookSender({ secret: SECRET });
    expect(await strict.send(webhook())).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('https') });
    expect(dispatch.received).toHaveLength(0);
  });
});
