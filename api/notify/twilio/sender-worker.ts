/** The Twilio sender's own thread (sender-thread.ts): one TwilioSender, a request per message, an answer per request. */
import { parentPort, workerData } from 'node:worker_threads';
import type { OutboundMessage } from '../types.ts';
import { classifyError, TwilioSender, type TwilioSenderOptions } from './sender.ts';

const sender = new TwilioSender(workerData as TwilioSenderOptions);
const port = parentPort!;
port.on('message', ({ id, message }: { id: number; message: OutboundMessage }) => {
  sender.send(message).then(
    (outcome) => port.postMessage({ id, outcome }),
    (err: unknown) => port.postMessage({ id, outcome: classifyError(err) }),
  );
});
port.postMessage({ ready: true });
