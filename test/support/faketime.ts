/**
 * A child process whose wall clock the test can step (libfaketime, Debian package `faketime`): `new Date()` in the
 * child follows the offset written to a file, while its monotonic clock (`performance.now()`) runs on untouched, as
 * on a machine whose clock is set by hand or by a misbehaving NTP server.
 */
import { existsSync, writeFileSync } from 'node:fs';

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** The environment that puts a child's wall clock under `file`'s offset (re-read at most once a second). */
export function steppableClockEnv(file: string): Record<string, string> {
  if (!existsSync(LIBFAKETIME)) throw new Error(`${LIBFAKETIME} is missing: install the Debian package faketime (.ci/run does)`);
  if (!existsSync(file)) writeFileSync(file, '+0\n');
  return {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: file,
    // Re-reading the file on every clock call costs ~85 µs a call; once a second is enough to see a step.
    FAKETIME_CACHE_DURATION: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
}

/** Sets the child's wall clock to the real time plus `offset` (`+1h`, `-1h`, `+0`): a step, seen within a second. */
export function stepWallClock(file: string, offset: string): void {
  writeFileSync(file, `${offset}\n`);
}
