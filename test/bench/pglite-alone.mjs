// The start phase's floor: PGlite in a bare Node process with Guardbell's start parameters
// (api/store/pglite-template.ts) and nothing else, on a folder extracted from the prepared migrated copy when one is
// given (as `guardbell start` seeds an empty DATA_DIR), else on an empty folder (initdb). Prints "ready" once it
// answers a query, then idles until killed.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { extract } from 'tar';

const [dir, template] = process.argv.slice(2);
if (template) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await extract({ file: template, cwd: dir });
}
const db = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
await db.query('select 1');
console.log('ready');
setInterval(() => undefined, 1 << 30);
