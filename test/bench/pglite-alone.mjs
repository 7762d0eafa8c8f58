// The start phase's floor: PGlite opened on an empty folder in a bare Node process, with Guardbell's start
// parameters (api/store/pglite-template.ts) and nothing else. Prints "ready" once it answers a query, then idles.
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create(process.argv[2], { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
await db.query('select 1');
console.log('ready');
setInterval(() => undefined, 1 << 30);
