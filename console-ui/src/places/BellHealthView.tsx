/**
 * The bell health board: every bell the user may see, worst first, with online or offline, battery, last
 * heartbeat, last test and its troubles in words. Every state has an icon and a word, never a colour alone.
 */
import type { Bell, Site } from '../../../api/contract/index.ts';
import { formatAge, formatTime, useNow } from '../format.ts';
import { useI18n } from '../i18n.ts';


function severity(b: Bell): number {
  if (!b.online) return 0;
  if (b.trouble.length) return 1;
  return 2;
}

export function BellHealthView({ bells, siteById }: { bells: Bell[]; siteById: ReadonlyMap<string, Site> }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const now = useNow(5_000);
  const sorted = [...bells].sort((a, b) => severity(a) - severity(b) || a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id));
  const offline = bells.filter((b) => !b.online).length;
  const troubled = bells.filter((b) => b.trouble.length > 0).length;
  return (
    <section className="panel places-health-board" aria-labelledby="health-heading" data-testid="bell-health">
      <h2 id="health-heading">{t('health.title')}</h2>
      <p data-testid="health-summary" role="status">{t('health.summary', { total: bells.length, offline, troubled })}</p>
      {sorted.length === 0 ? <p className="muted">{t('bells.empty')}</p> : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('bells.id')}</th>
                <th scope="col">{t('health.site')} · {t('bells.counter')}</th>
                <th scope="col">{t('bells.online')}</th>
                <th scope="col">{t('bells.battery')}</th>
                <th scope="col">{t('health.lastHeartbeat')}</th>
                <th scope="col">{t('health.lastTest')}</th>
                <th scope="col">{t('bells.trouble')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((bell) => {
                const site = siteById.get(bell.siteId);
                const counter = site?.counters.find((c) => c.id === bell.counterId);
                // The server's rule (gateway/supervision.ts) decides low battery; the console only shows it.
                const low = bell.trouble.includes('low_battery');
                return (
                  <tr key={bell.id} data-testid={`health-row-${bell.id}`} data-online={bell.online ? 'yes' : 'no'} className={bell.online ? '' : 'offline'}>
                    <th scope="row">{bell.id}<div className="muted">{bell.adapter}{bell.fw ? ` · ${bell.fw}` : ''}</div></th>
                    <td>{site?.name ?? bell.siteId} · {counter?.name ?? bell.counterId}</td>
                    <td data-testid={`health-online-${bell.id}`}>
                      <span aria-hidden="true">{bell.online ? '● ' : '✖ '}</span>
                      {bell.online ? t('bells.isOnline') : <strong>{t('bells.isOffline')}</strong>}
                      {bell.rssi != null && <div className="muted">{t('health.signal', { rssi: bell.rssi })}</div>}
                    </td>
                    <td className={low ? 'warn' : ''}>
                      {bell.battery === null ? t('common.none') : <>{low && <span aria-hidden="true">⚠ </span>}{bell.battery}%</>}
                    </td>
                    <td data-testid={`health-seen-${bell.id}`}>
                      {bell.lastSeenAt ? <>{formatTime(bell.lastSeenAt, i18n.locale, site?.timezone)}<div className="muted">{formatAge(bell.lastSeenAt, now, i18n)}</div></> : t('health.never')}
                    </td>
                    <td data-testid={`health-test-${bell.id}`}>
                      {bell.lastTestAt ? <>{formatTime(bell.lastTestAt, i18n.locale, site?.timezone)}<div className="muted">{formatAge(bell.lastTestAt, now, i18n)}</div></> : t('health.never')}
                    </td>
                    <td data-testid={`health-trouble-${bell.id}`} className={bell.trouble.length ? 'warn' : ''}>
                      {bell.trouble.length
                        ? <><span aria-hidden="true">⚠ </span>{bell.trouble.map((x) => tx('trouble.', x)).join(', ')}</>
                        : <><span aria-hidden="true">✔ </span>{t('health.ok')}</>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
