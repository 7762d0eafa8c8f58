/**
 * The ringing screen: one entry per unacknowledged alarm, with a big Acknowledge button.
 * Flashes unless the user prefers reduced motion; the icon and text carry the meaning too.
 */
import { useEffect, useState } from 'react';
import type { Incident, Site } from '../../../api/contract/index.ts';
import { formatAge, formatTime, useNow } from '../format.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { incidentLabel } from '../incidents.ts';
import { ErrorText } from './ErrorText.tsx';
import { CounterOnPlan } from '../places/CounterOnPlan.tsx';

/**
 * A compact line in the sticky top bar, so an alarm is seen even when the banner is scrolled away.
 * "Show" scrolls to the banner and puts the focus on the first Acknowledge button.
 */
export function AlarmStrip({ count }: { count: number }) {
  const { t } = useI18n();
  const [bannerVisible, setBannerVisible] = useState(false);
  useEffect(() => {
    const banner = document.getElementById('alarm-banner');
    if (!banner || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) setBannerVisible(entry.isIntersecting);
    });
    observer.observe(banner);
    return () => observer.disconnect();
  }, []);
  function show() {
    const banner = document.querySelector<HTMLElement>('[data-testid="alarm-banner"]');
    banner?.scrollIntoView({ block: 'start' });
    banner?.querySelector<HTMLButtonElement>('.ack-button')?.focus({ preventScroll: true });
  }
  return (
    <div className="alarm-strip" data-testid="alarm-strip" hidden={bannerVisible}>
      <span><span aria-hidden="true">⚠ </span>{t('alarm.strip', { count })}</span>
      <button type="button" onClick={show}>{t('alarm.show')}</button>
    </div>
  );
}

export function sourceText(incident: Incident, i18n: I18n): string {
  if (incident.source === 'bell') return i18n.t('source.bell', { bellId: incident.bellId ?? '?' });
  if (incident.source === 'console') return i18n.t('source.console');
  if (incident.source === 'import') return i18n.t('source.import');
  return i18n.t('source.drill');
}

interface Props {
  alarms: Incident[];
  siteById: ReadonlyMap<string, Site>;
  acking: ReadonlySet<string>;
  errors: ReadonlyMap<string, unknown>;
  onAcknowledge: (id: string) => void;
  onOpen: (id: string) => void;
}

export function AlarmBanner({ alarms, siteById, acking, errors, onAcknowledge, onOpen }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow(1_000);
  return (
    <section className="alarm-banner" id="alarm-banner" data-testid="alarm-banner" role="alert" aria-live="assertive" aria-labelledby="alarm-heading">
      <h2 id="alarm-heading" className="alarm-heading">
        <span className="alarm-icon" aria-hidden="true">⚠</span> {t('alarm.heading')}
        <span className="alarm-count"> — {t('alarm.count', { count: alarms.length })}</span>
      </h2>
      <ul className="alarm-list">
        {alarms.map((incident) => {
          const site = siteById.get(incident.siteId);
          const drill = incident.mode === 'drill';
          return (
            <li key={incident.id} className={drill ? 'alarm-item drill' : 'alarm-item'} data-testid={`alarm-item-${incident.id}`}>
              <div className="alarm-text">
                {drill && (
                  <p className="drill-tag" data-testid={`alarm-drill-${incident.id}`}>
                    {t('alarm.drill')} · {t('alarm.drillNote')}
                  </p>
                )}
                {incident.violence && (
                  <p className="violence-tag" data-testid={`alarm-violence-${incident.id}`}>
                    <span aria-hidden="true">⚠ </span>{t('alarm.violence')}
                  </p>
                )}
                {/* elementtiming: the browser reports when this line is painted (the bench's console phase). */}
                <p className="alarm-where" {...{ elementtiming: `alarm-${incident.id}` }}>
                  <strong>{incident.siteName || site?.name || incident.siteId}</strong>
                  {incident.floor && <> · {incident.floor}</>}
                  {' · '}
                  <strong>{incident.counterName || incident.counterId}</strong>
                </p>
                {incident.reference && <p className="alarm-reference" data-testid={`alarm-reference-${incident.id}`}>{t('field.reference')} {incident.reference}</p>}
                <p className="alarm-when">
                  <span data-testid={`alarm-age-${incident.id}`}>{formatAge(incident.openedAt, now, i18n)}</span>
                  {' ('}{t('alarm.openedAt', { time: formatTime(incident.openedAt, i18n.locale, site?.timezone) })}{')'}
                  {' · '}{t('alarm.source', { source: sourceText(incident, i18n) })}
                </p>
                <CounterOnPlan compact siteId={incident.siteId} siteName={incident.siteName || site?.name || incident.siteId} counterId={incident.counterId} counterName={incident.counterName || incident.counterId} testId={`alarm-plan-${incident.id}`} />
                <button type="button" className="link-button alarm-open" onClick={() => onOpen(incident.id)}>
                  {t('detail.title')} {incidentLabel(incident)}
                </button>
                <ErrorText error={errors.get(incident.id)} />
              </div>
              <button
                type="button"
                className="ack-button"
                data-testid={`ack-${incident.id}`}
                disabled={acking.has(incident.id)}
                onClick={() => onAcknowledge(incident.id)}
              >
                <span aria-hidden="true">✔ </span>
                {acking.has(incident.id) ? t('alarm.acknowledging') : t('alarm.acknowledge')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
