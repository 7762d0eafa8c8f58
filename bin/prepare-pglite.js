#!/usr/bin/env node
// Run by `npm install`: prepares the PGlite clusters (empty, and migrated) that new databases are copied
// from (api/store/pglite-template.ts), so that the first `npm start` waits for neither initdb nor migrations,
// and the server's code and each thread's, each as one JavaScript file (bin/server-bundle.js).
import { register } from 'tsx/esm/api';
import { buildServerBundle, buildThreadBundles } from './server-bundle.js';
register();
try {
  await buildServerBundle();
  await buildThreadBundles();
} catch (err) {
  // Never fail an install for this: `guardbell` then runs its TypeScript sources through tsx.
  console.warn(`guardbell: the server's and its threads' bundles were not made (${err instanceof Error ? err.message : String(err)})`);
}
try {
  const { clusterTemplate } = await import('../api/store/pglite-template.ts');
  await clusterTemplate('migrated');
} catch (err) {
  // Never fail an install for this: the first start makes the copy instead.
  console.warn(`guardbell: the PGlite database copies were not prepared (${err instanceof Error ? err.message : String(err)})`);
}
