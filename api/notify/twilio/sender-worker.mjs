// Entry of the Twilio sender's thread: TypeScript through tsx, while its bundle
// (bin/source-bundle.js) is missing or older than the sources.
import { register } from 'tsx/esm/api';

register();
await import('./sender-worker.ts');
