/**
 * A site's clocks: what they showed at an instant (SMS, papers, statistics by month, drills by half-year, the
 * aftercare year) and the instant at which they showed a wall time (spreadsheets have no time zone). The one place
 * that asks Intl about time zones. Pure.
 */

/** What the site's clocks showed, each field two digits (the year four), the hour 00–23. */
export interface ClockFace {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** Intl's short name of the zone at that instant ("GMT+9" for Seoul, "PST", …). */
  zoneName: string;
}

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with one. */
const faces = new Map<string, Intl.DateTimeFormat>();

/** The clock face of an instant in a time zone; throws a RangeError for a zone Intl does not know. */
export function clockFace(at: Date, timeZone: string): ClockFace {
  let f = faces.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
    faces.set(timeZone, f);
  }
  const face: ClockFace = { year: '', month: '', day: '', hour: '', minute: '', second: '', zoneName: timeZone };
  for (const p of f.formatToParts(at)) {
    if (p.type === 'timeZoneName') face.zoneName = p.value;
    else if (p.type in face) face[p.type as keyof ClockFace] = p.value;
  }
  return face;
}

/** The site's calendar date, `YYYY-MM-DD`. */
export function localDate(at: Date, timeZone: string): string {
  const f = clockFace(at, timeZone);
  return `${f.year}-${f.month}-${f.day}`;
}

/** `YYYY-MM-DD HH:mm` on the site's clocks. */
export function localMinute(at: Date, timeZone: string): string {
  const f = clockFace(at, timeZone);
  return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`;
}

/** `YYYY-MM` of an instant on the site's clocks. */
export function localMonth(at: Date, timeZone: string): string {
  const f = clockFace(at, timeZone);
  return `${f.year}-${f.month}`;
}

/** The half-year (`2026-H2`) an instant falls in on the site's clocks. */
export function halfYearOf(at: Date, timeZone: string): string {
  const f = clockFace(at, timeZone);
  return `${f.year}-H${Number(f.month) <= 6 ? 1 : 2}`;
}

function offsetMs(at: number, timeZone: string): number {
  const f = clockFace(new Date(at), timeZone);
  const asUtc = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour, +f.minute, +f.second);
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
