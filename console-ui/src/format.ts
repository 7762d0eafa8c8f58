/** Times in the site's timezone and ticking ages, localised through i18n. */
import { useEffect, useState } from 'react';
import type { I18n } from './i18n.ts';

import { DEFAULT_TIMEZONE } from '../../api/contract/index.ts';

export { DEFAULT_TIMEZONE };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    };
    try {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(locale, { ...options, timeZone: DEFAULT_TIMEZONE });
    }
    formatters.set(key, f);
  }
  return f;
}

/** An RFC 3339 time shown in the given IANA timezone; '—' when absent or unreadable. */
export function formatTime(iso: string | null | undefined, locale: string, timeZone: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return formatter(locale, timeZone || DEFAULT_TIMEZONE).format(ms);
}

/** "12s ago", "3m 5s ago", "1h 2m ago". */
export function formatAge(iso: string, now: number, i18n: I18n): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  const total = Math.max(0, Math.floor((now - ms) / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  if (d > 0) return i18n.t('age.days', { d, h });
  if (h > 0) return i18n.t('age.hours', { h, m });
  if (m > 0) return i18n.t('age.minutes', { m, s });
  return i18n.t('age.seconds', { s });
}

/** The current time, re-rendering every `periodMs`. */
export function useNow(periodMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}
