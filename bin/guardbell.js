#!/usr/bin/env node
// Runs the command line from the bundle `npm install` made of it while every source it was made from is unchanged
// (bin/server-bundle.js), otherwise the TypeScript sources directly through tsx: there is no build step to forget.
import { pathToFileURL } from 'node:url';
import { freshServerBundle } from './server-bundle.js';

const bundle = freshServerBundle();
if (bundle) await import(pathToFileURL(bundle).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
