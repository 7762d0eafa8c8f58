/** Wall-clock times of a site (spreadsheets have no time zone) turned into instants. Pure. */

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The instant at which the site's clocks showed this wall time (the earlier one in a DST overlap). */
export function zonedInstant(w: WallTime, timeZone: string): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let at = guess - offsetMs(guess, timeZone);
  at = guess - offsetMs(at, timeZone);
  return new Date(at);
}

const TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;

/** `YYYY-MM-DD HH:mm[:ss]` as a wall time, or null when it is not one (31 February included). */
export function parseWallTime(text: string): WallTime | null {
  const m = TEXT.exec(text.trim());
  if (!m) return null;
  const w = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] ? +m[6] : 0 };
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
  if (d.getUTCFullYear() !== w.year || d.getUTCMonth() !== w.month - 1 || d.getUTCDate() !== w.day || w.hour > 23 || w.minute > 59 || w.second > 59) return null;
  return w;
}

/** A spreadsheet date cell carries the wall time in its UTC fields (Excel has no time zone). */
export function wallTimeOfCellDate(d: Date): WallTime {
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with one. */
const monthFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM` of an instant on the site's clocks. */
export function localMonth(at: Date, timeZone: string): string {
  let f = monthFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' });
    monthFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(at);
  return `${parts.find((p) => p.type === 'year')?.value ?? ''}-${parts.find((p) => p.type === 'month')?.value ?? ''}`;
}
