/** The import workbook read on its own thread (workbook-thread.ts): zip limits first, then exceljs. */
import { parentPort, workerData } from 'node:worker_threads';
import { readImportWorkbook, type WorkbookRead } from './import-workbook.ts';
import { declaredZipProblem, inflatedZipProblem } from './zip-limits.ts';

const bytes = Buffer.from(workerData.bytes as Uint8Array);
const refused = declaredZipProblem(bytes) ?? inflatedZipProblem(bytes);
const answer: WorkbookRead = refused ? { ok: false, problems: [{ row: 0, column: null, reason: refused }] } : await readImportWorkbook(bytes);
parentPort!.postMessage(answer);
