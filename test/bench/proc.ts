/** Reading a process's lines in Linux's /proc, for the bench's measurements of processes not its own. */
import { readFileSync } from 'node:fs';

/**
 * The fields of a `/proc/<pid>/stat` line from field 3 on (state, ppid, …; index 0 is field 3). The command name,
 * field 2, may hold spaces and parentheses: the fields after its last closing parenthesis are fixed.
 */
export function statFieldsFrom3(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The resident set in bytes from the text of `/proc/<pid>/status`, or NaN when it has none (a zombie). */
export function vmRssBytes(status: string): number {
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

/** USER_HZ, the unit of Linux's process times: 100 on x86 and Arm (`getconf CLK_TCK`). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds (user + system) one of this process's threads has used, by its thread id (the main thread's is the
 * pid), or undefined where there is no /proc. The process's own figure also counts its worker threads and its
 * collector's helpers; this one is the thread that acknowledges presses.
 */
export function threadCpuMs(tid: number = process.pid): number | undefined {
  try {
    const f = statFieldsFrom3(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
