/**
 * A standing warning while a roster leaves one of the user's sites without a guard to reach: an
 * alarm there would ring on consoles but reach no guard by SMS or call. Not dismissable; it goes
 * away when the roster is fixed (read every minute and on reconnect).
 */
import type { Site } from '../../../api/contract/index.ts';
import { useI18n } from '../i18n.ts';
import type { DutyWarning } from '../useLiveConsole.ts';

interface Props {
  warnings: readonly DutyWarning[];
  siteById: ReadonlyMap<string, Site>;
}

export function DutyWarningBanner({ warnings, siteById }: Props) {
  const { t } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div className="duty-warning" data-testid="duty-warning" role="status">
      <ul>
        {warnings.map((w) => {
          const site = siteById.get(w.siteId)?.name ?? w.siteId;
          const text = w.warning === 'nobody_on_duty'
            ? t('duty.nobodyOnDuty', { site })
            : w.warning === 'nobody_reachable_by_phone'
              ? t('duty.nobodyReachable', { site })
              : t('duty.other', { site, warning: w.warning });
          return (
            <li key={`${w.siteId}|${w.warning}`} data-testid={`duty-warning-${w.siteId}`} data-warning={w.warning}>
              <span className="duty-icon" aria-hidden="true">⚠</span> <strong>{text}</strong>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
