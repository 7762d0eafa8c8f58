#!/usr/bin/env node
// Run by `npm install`: prepares the PGlite clusters (empty, and migrated) that new databases are copied
// from (api/store/pglite-template.ts), so that the first `npm start` waits for neither initdb nor migrations.
import { register } from 'tsx/esm/api';
register();
try {
  const { clusterTemplate } = await import('../api/store/pglite-template.ts');
  await clusterTemplate('migrated');
} catch (err) {
  // Never fail an install for this: the first start makes the copy instead.
  console.warn(`guardbell: the PGlite database copies were not prepared (${err instanceof Error ? err.message : String(err)})`);
}
