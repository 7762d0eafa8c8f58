// Entry of the Twilio sender's thread: TypeScript through tsx, as in bin/guardbell.js.
import { register } from 'tsx/esm/api';

register();
await import('./sender-worker.ts');
