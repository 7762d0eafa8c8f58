import type { Incident, Site } from '../../../api/contract/index.ts';
import { formatAge, useNow } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { incidentLabel, sortIncidents } from '../incidents.ts';
import { ErrorText } from './ErrorText.tsx';
import { ReferenceSearch } from './ReferenceSearch.tsx';

interface Props {
  title: MessageKey;
  incidents: ReadonlyMap<string, Incident>;
  siteById: ReadonlyMap<string, Site>;
  selectedId: string | null;
  loadError: unknown;
  onSelect: (id: string) => void;
}

export const STATUS_ICON: Record<string, string> = {
  triggered: '⚠', acknowledged: '✔', responding: '➜', on_scene: '◎', contained: '■', closed: '✓', cancelled: '✕',
};

export function IncidentList({ title, incidents, siteById, selectedId, loadError, onSelect }: Props) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const now = useNow(1_000);
  const items = sortIncidents(incidents.values());
  return (
    <section className="panel incident-list" aria-labelledby="incident-list-heading">
      <h2 id="incident-list-heading">{t(title)} <span className="count">({items.length})</span></h2>
      <ErrorText error={loadError} testId="incidents-error" />
      <ReferenceSearch onSelect={onSelect} />
      {items.length === 0 ? (
        <p className="muted" data-testid="incidents-empty">{t('list.empty')}</p>
      ) : (
        <ul>
          {items.map((incident) => {
            const site = siteById.get(incident.siteId);
            const classes = ['incident-row', `status-${incident.status}`];
            if (incident.id === selectedId) classes.push('selected');
            return (
              <li key={incident.id}>
                <button
                  type="button"
                  className={classes.join(' ')}
                  data-testid={`incident-row-${incident.id}`}
                  aria-current={incident.id === selectedId ? 'true' : undefined}
                  onClick={() => onSelect(incident.id)}
                >
                  <span className="row-status">
                    <span aria-hidden="true">{STATUS_ICON[incident.status] ?? '•'} </span>
                    {tx('status.', incident.status)}
                  </span>
                  <span className="row-where">
                    {incident.reference && <span className="row-reference" data-testid={`incident-reference-${incident.id}`}>{incidentLabel(incident)} · </span>}
                    <strong>{incident.counterName || incident.counterId}</strong>
                    {incident.floor && <> · {incident.floor}</>}
                    <span className="muted"> · {incident.siteName || site?.name || incident.siteId}</span>
                  </span>
                  <span className="row-tags">
                    {incident.mode === 'drill' && <span className="tag drill-tag-small">{t('alarm.drill')}</span>}
                    {incident.violence && <span className="tag violence-tag-small">⚠ {t('list.violence')}</span>}
                    <span className="row-age">{formatAge(incident.openedAt, now, i18n)}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
