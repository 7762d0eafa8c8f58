/**
 * An .xlsx is a zip: a few hundred KB can unpack to gigabytes, and exceljs inflates every entry into memory
 * before it reads a cell. So the upload is judged first by its central directory (the sizes every entry
 * declares), then by inflating it in small steps with a running count, since a crafted zip can lie in its
 * directory. Only a file that passes both goes to exceljs.
 */
import { Unzip, UnzipInflate, unzipSync, type UnzipFileInfo } from 'fflate';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  /** Uncompressed/compressed; checked only for entries above `ratioFromBytes` (tiny XML parts compress well). */
  maxRatio: number;
  ratioFromBytes: number;
}

const MiB = 1024 * 1024;
/** A filled template of thousands of rows unpacks to a few MiB, at ratios near 10. */
export const XLSX_LIMITS: ZipLimits = { maxEntries: 1_000, maxEntryBytes: 32 * MiB, maxTotalBytes: 64 * MiB, maxRatio: 100, ratioFromBytes: MiB };

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** What is wrong with the entries the zip declares, or null. */
export function declaredZipProblem(bytes: Uint8Array, limits: ZipLimits = XLSX_LIMITS): string | null {
  const entries: UnzipFileInfo[] = [];
  try {
    // The filter sees each central directory entry; refusing them all inflates nothing.
    unzipSync(bytes, { filter: (file) => (entries.push(file), false) });
  } catch {
    return 'the file is not an Excel workbook (.xlsx): its zip directory cannot be read';
  }
  if (entries.length > limits.maxEntries) return `the workbook has ${entries.length} parts (at most ${limits.maxEntries})`;
  let total = 0;
  for (const e of entries) {
    total += e.originalSize;
    if (e.originalSize > limits.maxEntryBytes) return `the workbook part ${e.name} unpacks to ${mib(e.originalSize)} (at most ${mib(limits.maxEntryBytes)})`;
    if (e.originalSize > limits.ratioFromBytes && e.originalSize > limits.maxRatio * Math.max(1, e.size)) {
      return `the workbook part ${e.name} is compressed ${Math.round(e.originalSize / Math.max(1, e.size))} to 1 (at most ${limits.maxRatio}): refused as a zip bomb`;
    }
  }
  if (total > limits.maxTotalBytes) return `the workbook unpacks to ${mib(total)} (at most ${mib(limits.maxTotalBytes)})`;
  return null;
}

/** Inflates every entry in small steps, counting, and stops at the first limit passed; null when none is. */
export function inflatedZipProblem(bytes: Uint8Array, limits: ZipLimits = XLSX_LIMITS): string | null {
  let problem: string | null = null;
  let total = 0;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    let size = 0;
    file.ondata = (err, chunk) => {
      if (problem) return;
      if (err) {
        problem = `the workbook part ${file.name} is damaged`;
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxEntryBytes) problem = `the workbook part ${file.name} unpacks to more than ${mib(limits.maxEntryBytes)}`;
      else if (total > limits.maxTotalBytes) problem = `the workbook unpacks to more than ${mib(limits.maxTotalBytes)}`;
      if (problem) file.terminate();
    };
    file.start();
  };
  // 4 KiB of deflate unpacks to at most about 4 MiB: the count stops a bomb after one such step.
  const STEP = 4096;
  try {
    for (let at = 0; at < bytes.length && !problem; at += STEP) unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
  } catch {
    return problem ?? 'the file is not an Excel workbook (.xlsx)';
  }
  return problem;
}
