/**
 * The fake Twilio (test/support/fake-twilio.ts) in a worker thread: its HTTP server and its status callbacks
 * run on another thread (the machine's other core), not on the event loop of the system under test, as
 * Twilio itself would. Its requests are mirrored to the main thread every 2 ms, with its own arrival times.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { FakeTwilio, type FakeTwilioRequest } from '../support/fake-twilio.ts';

type ToWorker = { type: 'flush' } | { type: 'close' };
type FromWorker =
  | { type: 'ready'; apiBase: string; accountSid: string; authToken: string }
  | { type: 'requests'; items: FakeTwilioRequest[] }
  | { type: 'flushed' }
  | { type: 'closed' };

/** The main thread's handle: the fake's settings and a mirror of its requests. */
export class FakeTwilioThread {
  readonly requests: FakeTwilioRequest[] = [];
  private waiters: { type: 'flushed' | 'closed'; resolve: () => void }[] = [];

  private constructor(
    private readonly worker: Worker,
    readonly apiBase: string,
    readonly accountSid: string,
    readonly authToken: string,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'requests') for (const r of m.items) this.requests.push(r);
      else if (m.type === 'flushed' || m.type === 'closed') {
        const [now, later] = [this.waiters.filter((w) => w.type === m.type), this.waiters.filter((w) => w.type !== m.type)];
        this.waiters = later;
        for (const w of now) w.resolve();
      }
    });
  }

  static async start(): Promise<FakeTwilioThread> {
    const worker = new Worker(new URL('./fake-twilio-worker.mjs', import.meta.url));
    const ready = await new Promise<Extract<FromWorker, { type: 'ready' }>>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: FromWorker) => (m.type === 'ready' ? resolve(m) : reject(new Error(`fake Twilio worker said ${m.type}`))));
    });
    return new FakeTwilioThread(worker, ready.apiBase, ready.accountSid, ready.authToken);
  }

  private ask(type: 'flush' | 'close', answer: 'flushed' | 'closed', timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({ type: answer, resolve: () => (clearTimeout(timer), resolve()) });
      this.worker.postMessage({ type } satisfies ToWorker);
    });
  }

  /** Every request the fake received so far is in `requests` once this resolves. */
  flush(): Promise<void> {
    return this.ask('flush', 'flushed', 5_000);
  }

  /** Waits for callbacks still on their way, stops the fake and the thread. */
  async close(): Promise<void> {
    await this.ask('close', 'closed', 10_000);
    await this.worker.terminate();
  }
}

// Inside the worker thread.
if (parentPort) {
  const port = parentPort;
  const fake = await new FakeTwilio().start();
  let cursor = 0;
  const send = () => {
    if (cursor >= fake.requests.length) return;
    port.postMessage({ type: 'requests', items: fake.requests.slice(cursor) } satisfies FromWorker);
    cursor = fake.requests.length;
  };
  const timer = setInterval(send, 2);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'flush') {
      send();
      port.postMessage({ type: 'flushed' } satisfies FromWorker);
    } else {
      clearInterval(timer);
      void fake.close().finally(() => {
        send();
        port.postMessage({ type: 'closed' } satisfies FromWorker);
      });
    }
  });
  port.postMessage({ type: 'ready', apiBase: fake.apiBase, accountSid: fake.accountSid, authToken: fake.authToken } satisfies FromWorker);
}
