import type { Bell, Site } from '../../../api/contract/index.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';

export function BellsTable({ bells, siteById }: { bells: Bell[]; siteById: ReadonlyMap<string, Site> }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const sorted = [...bells].sort((a, b) => Number(a.online) - Number(b.online) || a.id.localeCompare(b.id));
  return (
    <section className="panel bells" aria-labelledby="bells-heading" data-testid="bells">
      <h2 id="bells-heading">{t('bells.title')}</h2>
      {sorted.length === 0 ? (
        <p className="muted">{t('bells.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('bells.id')}</th>
                <th scope="col">{t('bells.counter')}</th>
                <th scope="col">{t('bells.online')}</th>
                <th scope="col">{t('bells.battery')}</th>
                <th scope="col">{t('bells.lastSeen')}</th>
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
                  <tr key={bell.id} data-testid={`bell-row-${bell.id}`} className={bell.online ? '' : 'offline'}>
                    <th scope="row">{bell.id}</th>
                    <td>{counter?.name ?? bell.counterId}</td>
                    <td>
                      <span aria-hidden="true">{bell.online ? '● ' : '○ '}</span>
                      {bell.online ? t('bells.isOnline') : <strong>{t('bells.isOffline')}</strong>}
                    </td>
                    <td className={low ? 'warn' : ''}>
                      {bell.battery === null ? t('common.none') : <>{low && <span aria-hidden="true">⚠ </span>}{bell.battery}%</>}
                    </td>
                    <td>{formatTime(bell.lastSeenAt, i18n.locale, site?.timezone)}</td>
                    <td className={bell.trouble.length ? 'warn' : ''}>
                      {bell.trouble.length ? <>⚠ {bell.trouble.map((code) => tx('trouble.', code)).join(', ')}</> : t('common.none')}
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
