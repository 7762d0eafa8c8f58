#!/usr/bin/env node
// `npm start` builds the console only when its sources, or anything of api/ and drills/ (it imports types
// and pure functions from both), are newer than the last build: a build is seconds of CPU that a start with an unchanged console does not need.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const newest = (path) => {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
};
const sources = ['console-ui/src', 'console-ui/index.html', 'console-ui/vite.config.ts', 'api', 'drills', 'package-lock.json'];
const built = newest(join(root, 'console-ui/dist/index.html'));
if (built === 0 || Math.max(...sources.map((s) => newest(join(root, s)))) > built) {
  const result = spawnSync('npm', ['run', 'build:console'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
