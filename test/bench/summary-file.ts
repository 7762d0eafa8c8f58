/** The one JSON summary of a bench run, written to a file (every figure beside its baseline and its target). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

const round = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);

/** Writes `summary` (with when and where it was measured) to `file`, or to .bench/summary-<time>.json; returns the path. */
export async function writeSummaryFile(file: string | undefined, summary: Record<string, unknown>, now = new Date()): Promise<string> {
  const path = resolve(file ?? `.bench/summary-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify({ measuredAt: now.toISOString(), node: process.version, platform: process.platform, ...summary }, round, 2) + '\n');
  return path;
}
