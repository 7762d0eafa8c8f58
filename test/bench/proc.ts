/** Reading a process's lines in Linux's /proc, for the bench's measurements of processes not its own. */

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
