// Entry of the import workbook thread: TypeScript through tsx, as in bin/guardbell.js.
import { register } from 'tsx/esm/api';

register();
await import('./workbook-worker.ts');
