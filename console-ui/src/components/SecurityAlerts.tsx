/** Device security warnings (bad MAC, replay): amber, never an emergency alarm. */
import type { SecurityAlert, Site } from '../../../api/contract/index.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';

interface Props {
  alerts: SecurityAlert[];
  siteById: ReadonlyMap<string, Site>;
  onDismiss: (alert: SecurityAlert) => void;
}

export function SecurityAlerts({ alerts, siteById, onDismiss }: Props) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section className="security-alerts" data-testid="security-alerts" aria-labelledby="security-heading">
      <h2 id="security-heading"><span aria-hidden="true">◆ </span>{t('security.title')}</h2>
      <p className="muted">{t('security.notEmergency')}</p>
      <ul>
        {alerts.map((alert) => (
          <li key={`${alert.bellId}|${alert.at}|${alert.reason}`} data-testid="security-alert">
            <div>
              <strong>{t('security.alert', { bellId: alert.bellId, reason: alert.reason })}</strong>
              {alert.detail && <span className="muted"> — {alert.detail}</span>}
              <span className="muted"> · {formatTime(alert.at, i18n.locale, alert.siteId ? siteById.get(alert.siteId)?.timezone : undefined)}</span>
            </div>
            <button type="button" onClick={() => onDismiss(alert)}>{t('security.dismiss')}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
