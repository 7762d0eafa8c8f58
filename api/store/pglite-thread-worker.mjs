// Entry of the PGlite thread: TypeScript through tsx, as in bin/guardbell.js.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-thread-worker.ts');
