/**
 * The bells a person may see, worst first (offline, then in trouble, then well), each state with an icon and a word,
 * never a colour alone. The guard desk shows the compact table; the bell health board adds the site, the adapter and
 * firmware, the signal, the last test and how long ago each was seen.
 */
import type { Bell, Site } from '../../../api/contract/index.ts';
import { formatAge, formatTime, useNow } from '../format.ts';
import { useI18n } from '../i18n.ts';

function severity(b: Bell): number {
  if (!b.online) return 0;
  if (b.trouble.length) return 1;
  return 2;
}

export function BellsTable({ bells, siteById }: { bells: Bell[]; siteById: ReadonlyMap<string, Site> }) {
  const { t } = useI18n();
  return (
    <section className="panel bells" aria-labelledby="bells-heading" data-testid="bells">
      <h2 id="bells-heading">{t('bells.title')}</h2>
      <BellRows bells={bells} siteById={siteById} />
    </section>
  );
}

export function BellRows({ bells, siteById, board = false }: { bells: Bell[]; siteById: ReadonlyMap<string, Site>; board?: boolean }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const now = useNow(5_000);
  const sorted = [...bells].sort((a, b) => severity(a) - severity(b) || a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id));
  if (sorted.length === 0) return <p className="muted">{t('bells.empty')}</p>;
  const testId = (what: string, bell: Bell) => `${board ? 'health' : 'bell'}-${what}-${bell.id}`;
  const when = (at: string | null | undefined, timezone: string | undefined) =>
    at ? <>{formatTime(at, i18n.locale, timezone)}{board && <div className="muted">{formatAge(at, now, i18n)}</div>}</> : t('health.never');
  return (
    <div className="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('bells.id')}</th>
            <th scope="col">{board && <>{t('health.site')} · </>}{t('bells.counter')}</th>
            <th scope="col">{t('bells.online')}</th>
            <th scope="col">{t('bells.battery')}</th>
            <th scope="col">{t(board ? 'health.lastHeartbeat' : 'bells.lastSeen')}</th>
            {board && <th scope="col">{t('health.lastTest')}</th>}
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
              <tr key={bell.id} data-testid={testId('row', bell)} data-online={bell.online ? 'yes' : 'no'} className={bell.online ? '' : 'offline'}>
                <th scope="row">{bell.id}{board && <div className="muted">{bell.adapter}{bell.fw ? ` · ${bell.fw}` : ''}</div>}</th>
                <td>{board && <>{site?.name ?? bell.siteId} · </>}{counter?.name ?? bell.counterId}</td>
                <td data-testid={testId('online', bell)}>
                  <span aria-hidden="true">{bell.online ? '● ' : '✖ '}</span>
                  {bell.online ? t('bells.isOnline') : <strong>{t('bells.isOffline')}</strong>}
                  {board && bell.rssi != null && <div className="muted">{t('health.signal', { rssi: bell.rssi })}</div>}
                </td>
                <td className={low ? 'warn' : ''}>
                  {bell.battery === null ? t('common.none') : <>{low && <span aria-hidden="true">⚠ </span>}{bell.battery}%</>}
                </td>
                <td data-testid={testId('seen', bell)}>{when(bell.lastSeenAt, site?.timezone)}</td>
                {board && <td data-testid={testId('test', bell)}>{when(bell.lastTestAt, site?.timezone)}</td>}
                <td data-testid={testId('trouble', bell)} className={bell.trouble.length ? 'warn' : ''}>
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
  );
}
