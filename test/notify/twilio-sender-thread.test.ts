/**
 * TwilioSender on its own thread: the real library in a worker, the fake Twilio REST API over real HTTP. What crosses
 * the thread is the message and its outcome; a thread that ends answers what it held and is replaced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { TwilioSenderThread } from '../../api/notify/twilio/sender-thread.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { outbound } from './facts.ts';
import { Receiver } from './receiver.ts';

let fake: FakeTwilio;
let api: Receiver;
let sender: TwilioSenderThread;
const FROM = '+15005550006';

beforeEach(async () => {
  fake = await new FakeTwilio().start();
  api = await new Receiver().start();
  sender = new TwilioSenderThread({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: fake.apiBase, publicUrl: `${api.url}/` });
  await sender.whenReady();
});

afterEach(async () => {
  await sender.close();
  await fake.close();
  await api.close();
});

const threadOf = (s: TwilioSenderThread) => (s as unknown as { worker: Worker | undefined }).worker;

describe('TwilioSenderThread', () => {
  it('sends SMS and calls from its thread, answering each send with its own outcome', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sender.send(outbound({ notificationId: `ntf-t-${i}`, text: `message ${i}`, ...(i === 7 ? { channel: 'voice' as const } : {}) }))),
    );
    const requests = await fake.waitForRequests(20);
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome).toMatchObject({ ok: true });
      const req = requests.find((r) => outcome.ok && r.sid === outcome.providerId);
      expect(req).toMatchObject(i === 7 ? { kind: 'call' } : { kind: 'sms', body: `message ${i}`, from: FROM });
    }
  });

  it('classifies a refusal in the thread as the sender does: wrong credentials are not retryable', async () => {
    const wrong = new TwilioSenderThread({ accountSid: fake.accountSid, authToken: 'wrong', from: FROM, apiBase: fake.apiBase, publicUrl: api.url });
    try {
      expect(await wrong.send(outbound())).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('HTTP 401') });
    } finally {
      await wrong.close();
    }
  });

  it('a thread that ends answers its sends as retryable and uncertain; the next send starts a new thread', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const hung = createServer((s) => sockets.push(s)); // accepts, never answers: the send stays in the thread
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    const ended: string[] = [];
    const stuck = new TwilioSenderThread({ accountSid: fake.accountSid, authToken: fake.authToken, from: FROM, apiBase: `http://127.0.0.1:${port}`, publicUrl: api.url }, (why) => ended.push(why));
    try {
      await stuck.whenReady();
      const held = stuck.send(outbound({ notificationId: 'ntf-held' }));
      await new Promise((r) => setTimeout(r, 200));
      await threadOf(stuck)!.terminate();
      expect(await held).toMatchObject({ ok: false, retryable: true, uncertain: true, error: expect.stringContaining('thread ended') });
      expect(threadOf(stuck)).toBeUndefined();
      expect(ended).toEqual([expect.stringContaining('thread ended')]);
    } finally {
      await stuck.close();
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => hung.close(() => r()));
    }
    // The shared sender: its thread ended too, and a new one takes the next send.
    await threadOf(sender)!.terminate();
    expect(threadOf(sender)).toBeUndefined();
    expect(await sender.send(outbound({ notificationId: 'ntf-after' }))).toMatchObject({ ok: true });
    expect(threadOf(sender)).toBeDefined();
  });

  it('after close, a send is answered as not sent and retryable, and no thread starts', async () => {
    await sender.close();
    expect(await sender.send(outbound())).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('stopped') });
    expect(threadOf(sender)).toBeUndefined();
    expect(fake.requests).toHaveLength(0);
  });
});
