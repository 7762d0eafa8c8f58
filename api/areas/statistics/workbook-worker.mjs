// Entry of the import workbook thread: TypeScript through tsx, while its bundle
// (bin/source-bundle.js) is missing or older than the sources.
import { register } from 'tsx/esm/api';

register();
await import('./workbook-worker.ts');
