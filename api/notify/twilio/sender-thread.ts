/**
 * TwilioSender on a thread of its own. Building, signing, sending and reading each of the twilio library's requests
 * (axios and node's HTTP client under it) took about a tenth of the main thread in an alarm burst with SMS, the thread
 * that also acknowledges presses and rings consoles. Here it costs the main thread a message each way.
 *
 * The thread starts with the sender, so the first alert does not wait for it. If it ends (a crash, running out of
 * memory), the sends it held are answered as retryable and uncertain (they may have reached Twilio: the outbox waits
 * for their reports before it tries again, as after a timeout) and the next send starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../../bin/source-bundle.js';
import type { MessageSender, OutboundMessage, SendChannel, SendOutcome } from '../types.ts';
import type { TwilioSenderOptions } from './sender.ts';

type Answer = { id: number; outcome: SendOutcome } | { ready: true };

export class TwilioSenderThread implements MessageSender {
  readonly channels: readonly SendChannel[] = ['sms', 'voice'];
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (outcome: SendOutcome) => void>();
  private next = 0;
  private closed = false;
  private ready: Promise<void> = Promise.resolve();

  /** `onEnded` hears of a thread that ended by itself (the operator's log): it is replaced at the next send. */
  constructor(
    private readonly opts: TwilioSenderOptions,
    private readonly onEnded: (why: string) => void = () => undefined,
  ) {
    this.worker = this.spawn();
  }

  /** Resolves once the thread has loaded the library (tests, and a start that wants to know). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  send(message: OutboundMessage): Promise<SendOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, retryable: true, error: 'the Twilio sender is stopped' });
    const worker = (this.worker ??= this.spawn());
    const id = this.next++;
    return new Promise<SendOutcome>((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, message });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.endPending('the Twilio sender stopped');
    await worker?.terminate();
  }

  private spawn(): Worker {
    const worker = new Worker(threadEntry(new URL('./sender-worker.mjs', import.meta.url)), { workerData: this.opts });
    // The thread never keeps the process alive; sends in flight keep their own promises.
    worker.unref();
    let loaded: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => (loaded = resolve));
    worker.on('message', (m: Answer) => {
      if ('ready' in m) return loaded();
      const resolve = this.pending.get(m.id);
      if (!resolve) return;
      this.pending.delete(m.id);
      resolve(m.outcome);
    });
    const ended = (why: string) => {
      loaded();
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.onEnded(why);
      this.endPending(why);
    };
    worker.on('error', (err) => ended(`the Twilio sender's thread failed: ${err.message}`));
    worker.on('exit', (code) => ended(`the Twilio sender's thread ended (${code})`));
    return worker;
  }

  private endPending(why: string): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, retryable: true, uncertain: true, error: why });
    this.pending.clear();
  }
}
