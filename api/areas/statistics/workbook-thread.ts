/**
 * Reads an uploaded import workbook on a thread of its own, with its own memory limit and a time limit, so that
 * a hostile or merely huge file never holds up the alarm path on the main thread, and one that slips past the
 * zip limits ends its thread, not the process.
 */
import { Worker } from 'node:worker_threads';
import { threadEntry } from '../../../bin/source-bundle.js';
import type { WorkbookRead } from './import-workbook.ts';

export interface WorkbookThreadOptions {
  timeoutMs?: number;
  maxHeapMb?: number;
}

const refused = (reason: string): WorkbookRead => ({ ok: false, problems: [{ row: 0, column: null, reason }] });

export function readImportWorkbookInThread(bytes: Buffer, opts: WorkbookThreadOptions = {}): Promise<WorkbookRead> {
  const worker = new Worker(threadEntry(new URL('./workbook-worker.mjs', import.meta.url)), {
    workerData: { bytes: new Uint8Array(bytes) },
    resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb ?? 256 },
  });
  return new Promise<WorkbookRead>((resolve) => {
    const timer = setTimeout(() => {
      resolve(refused('the workbook took too long to read'));
      void worker.terminate();
    }, opts.timeoutMs ?? 60_000);
    const done = (answer: WorkbookRead) => {
      clearTimeout(timer);
      resolve(answer);
      void worker.terminate();
    };
    worker.once('message', (answer: WorkbookRead) => done(answer));
    worker.once('error', (err) => done(refused(/memory/i.test(String(err)) ? 'the workbook needs too much memory to read' : 'the workbook could not be read')));
    worker.once('exit', () => done(refused('the workbook could not be read')));
  });
}
