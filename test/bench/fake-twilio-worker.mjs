// Entry of the fake Twilio's worker thread: TypeScript through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./fake-twilio-worker.ts');
