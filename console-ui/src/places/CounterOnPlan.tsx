/** Where an incident's counter is: its floor plan with a marker ("HERE · Passport counter 3"). Renders nothing without a plan. */
import { useI18n } from '../i18n.ts';
import { PlanImage } from './PlanImage.tsx';
import { placementOf, useFloorPlans } from './plans.ts';

interface Props {
  siteId: string;
  siteName: string;
  counterId: string;
  counterName: string;
  /** The small version, in the alarm banner. */
  compact?: boolean;
  /** Distinguishes the banner's copy from the detail's in tests. */
  testId?: string;
}

export function CounterOnPlan({ siteId, siteName, counterId, counterName, compact, testId }: Props) {
  const { t } = useI18n();
  const { plans } = useFloorPlans();
  const found = placementOf(plans, siteId, counterId);
  if (!found) return null;
  const { plan, at } = found;
  return (
    <figure className={compact ? 'places-where compact' : 'places-where'} data-testid={testId ?? `plan-where-${counterId}`}>
      <figcaption>{t('plan.whereTitle', { floor: plan.floor })}</figcaption>
      <PlanImage
        plan={plan}
        compact={compact}
        alt={t('plan.imageAlt', { site: siteName, floor: plan.floor })}
        markers={[{
          id: counterId, x: at.x, y: at.y, emphasis: 'alarm',
          label: `${t('plan.here')} · ${counterName}`,
          description: t('plan.markerLabel', { counter: counterName, floor: plan.floor }),
        }]}
      />
    </figure>
  );
}
