/**
 * Cancelled alarms stay on the wall as "cancelled — verify in person" until a guard records the check: a
 * cancel may be forced. Staff see the same line for their own alarms (without the button).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CancelNotice, Site } from '../../../api/contract/index.ts';
import { apiRequest } from '../api.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { ErrorText } from '../components/ErrorText.tsx';

export function useCancelNotices(version: number): { notices: CancelNotice[]; reload: () => void } {
  const [notices, setNotices] = useState<CancelNotice[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    apiRequest<{ items: CancelNotice[] }>('GET', '/cancel-checks').then(
      (r) => current && setNotices(r.items),
      () => undefined, // Keep what is shown: an unreachable server must not clear a notice.
    );
    return () => {
      current = false;
    };
  }, [version, tick]);
  return { notices, reload: useCallback(() => setTick((n) => n + 1), []) };
}

interface Props {
  notices: CancelNotice[];
  siteById: ReadonlyMap<string, Site>;
  canCheck: boolean;
  onChecked: () => void;
}

export function CancelNotices({ notices, siteById, canCheck, onChecked }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; err: unknown } | null>(null);
  if (notices.length === 0) return null;

  async function check(id: string) {
    setBusy(id);
    setError(null);
    try {
      await apiRequest('POST', `/incidents/${encodeURIComponent(id)}/cancel-check`, {});
      onChecked();
    } catch (err) {
      setError({ id, err });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="cancel-notices" role="alert" data-testid="cancel-notices" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading"><span aria-hidden="true">⚠ </span>{t('cancel.heading')}</h2>
      <ul>
        {notices.map((n) => {
          const site = siteById.get(n.siteId);
          return (
            <li key={n.id} data-testid={`cancel-notice-${n.id}`}>
              <div className="cancel-notice-text">
                <p><strong>{t('cancel.item')}</strong> · {n.siteName || site?.name || n.siteId}{n.floor ? ` · ${n.floor}` : ''} · <strong>{n.counterName || n.counterId}</strong></p>
                <p className="muted">
                  {t('alarm.openedAt', { time: formatTime(n.openedAt, i18n.locale, site?.timezone) })}
                  {' · '}{i18n.tx('kind.', n.cancelledBy === 'counter' ? 'cancelled_at_counter' : 'cancelled')} {formatTime(n.cancelledAt, i18n.locale, site?.timezone)}
                </p>
                <p>{canCheck ? t('cancel.itemHint') : t('cancel.staffNotice')}</p>
                {error?.id === n.id && <ErrorText error={error.err} />}
              </div>
              {canCheck && (
                <button type="button" className="primary" disabled={busy === n.id} onClick={() => void check(n.id)} data-testid={`cancel-check-${n.id}`}>
                  {busy === n.id ? t('cancel.checking') : t('cancel.check')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
