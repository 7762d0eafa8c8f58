/**
 * An incident's escalation: the policy steps (pending, fired, skipped) and every SMS, call and
 * webhook attempt with its delivery status. Anything that did not reach its recipient carries a
 * plain "NOT DELIVERED" badge with an icon: colour is never the only signal.
 */
import type { EscalationStepView, NotificationView } from '../../../api/contract/index.ts';
import { deliveryState, isStale, orderNotifications, sortSteps, summarizeEscalationStep, type DeliveryState } from '../escalation.ts';
import { formatTime } from '../format.ts';
import type { I18n } from '../i18n.ts';

const STEP_ICON: Record<string, string> = { pending: '○', fired: '➤', skipped: '⊘' };
const CHANNEL_ICON: Record<string, string> = { sms: '✉', voice: '☎', webhook: '⇄' };
const DELIVERY_ICON: Record<DeliveryState, string> = { delivered: '✔', in_flight: '…', not_delivered: '✖' };

/** "unack_1s" or, for the default policy's ids, "alert · Immediate alert". */
function StepName({ stepId, i18n }: { stepId: string; i18n: I18n }) {
  const label = i18n.tx('step.', stepId);
  return (
    <span className="step-name">
      <code>{stepId}</code>
      {label !== stepId && <span className="muted"> · {label}</span>}
    </span>
  );
}

function stepStatusText(step: EscalationStepView, now: number, i18n: I18n, tz: string | undefined): string {
  const { t, tx } = i18n;
  switch (step.status) {
    case 'pending': {
      if (!step.dueAt) return t('escalation.pendingNoDue');
      const due = Date.parse(step.dueAt);
      const seconds = Math.ceil((due - now) / 1000);
      const relative = seconds > 0 ? t('escalation.inSeconds', { s: seconds }) : t('escalation.overdue');
      return t('escalation.pendingDue', { time: formatTime(step.dueAt, i18n.locale, tz), relative });
    }
    case 'fired':
      return t('escalation.fired', { time: formatTime(step.firedAt, i18n.locale, tz) });
    case 'skipped':
      return t('escalation.skipped', { reason: step.reason ? tx('skipReason.', step.reason) : t('common.none') });
    default:
      return tx('stepStatus.', step.status);
  }
}

export function whoText(n: NotificationView, i18n: I18n): string {
  if (n.isPolice) return i18n.t('notif.police');
  if (n.personName) return n.personName;
  return n.to || i18n.t('notif.unknownRecipient');
}

/** A timeline `escalation_step` entry in words: "Escalation: step unack_1s → 3 people, police (Call)". */
export function escalationTimelineText(data: Record<string, unknown>, i18n: I18n): string {
  const { t, tx } = i18n;
  const s = summarizeEscalationStep(data);
  const parts: string[] = [];
  if (s.people === 1) parts.push(t('escalation.person'));
  else if (s.people > 1) parts.push(t('escalation.people', { count: s.people }));
  if (s.police) parts.push(t('escalation.police'));
  if (s.situationRoom) parts.push(t('escalation.situationRoom'));
  let targets: string;
  if (parts.length === 0) {
    targets = s.console ? t('escalation.consoleOnly') : t('escalation.nobody');
  } else {
    targets = parts.join(', ');
    if (s.channels.length > 0) targets += ` (${s.channels.map((c) => tx('channel.', c)).join(', ')})`;
    if (s.console) targets += ` + ${t('escalation.consoleOnly')}`;
  }
  return t('escalation.timeline', { step: s.step, targets });
}

interface Props {
  steps: readonly EscalationStepView[] | undefined;
  notifications: readonly NotificationView[] | undefined;
  now: number;
  tz: string | undefined;
  i18n: I18n;
}

export function EscalationPanel({ steps, notifications, now, tz, i18n }: Props) {
  const { t, tx } = i18n;
  const rows = orderNotifications(notifications ?? []);
  const orderedSteps = sortSteps(steps ?? []);
  // Never sent because no sender is configured: one line says so, the rows wait behind it (the timeline comes first).
  const unsent = rows.filter(({ notification: n }) => n.status === 'not_configured');
  const shown = rows.filter(({ notification: n }) => n.status !== 'not_configured');
  const undelivered = rows.filter(({ notification: n }) => deliveryState(n, now) === 'not_delivered');
  const reasons = [...new Set(undelivered.map(({ notification: n }) => tx('notifReason.', n.status)))];
  const renderRow = ({ notification: n, depth }: (typeof rows)[number]) => {
      const state = deliveryState(n, now);
      const classes = ['notification', `delivery-${state}`];
      if (n.isPolice) classes.push('police');
      if (depth > 0) classes.push('fallback');
      return (
        <li
          key={n.id}
          className={classes.join(' ')}
          style={depth > 0 ? { marginLeft: `${Math.min(depth, 3) * 1.5}rem` } : undefined}
          data-testid={`notification-${n.id}`}
          data-status={n.status}
          data-delivery={state}
        >
          {n.fallbackOf && (
            <p className="fallback-note">{n.channel === 'voice' ? t('notif.fallback') : t('notif.fallbackOther')}</p>
          )}
          <div className="notif-line">
            <strong className="who">{whoText(n, i18n)}</strong>
            <span className="channel"><span aria-hidden="true">{CHANNEL_ICON[n.channel] ?? '•'} </span>{tx('channel.', n.channel)}</span>
            {n.isPolice && <span className="tag police-tag"><span aria-hidden="true">⚑ </span>{t('notif.policeTag')}</span>}
            {n.mode === 'drill' && <span className="tag drill-tag-small">{t('alarm.drill')}</span>}
          </div>
          <div className="notif-line">
            <span className="notif-status" data-testid={`notification-status-${n.id}`}>
              <span aria-hidden="true">{DELIVERY_ICON[state]} </span>{tx('notifStatus.', n.status)}
            </span>
            {state === 'not_delivered' && (
              <strong className="not-delivered" data-testid={`not-delivered-${n.id}`}>
                <span aria-hidden="true">✖ </span>{t('notif.notDelivered')}
              </strong>
            )}
            {isStale(n, now) && <span className="muted">{t('notif.stale')}</span>}
            <span className="muted">{t('notif.attempts', { count: n.attempts })}</span>
            <span className="muted">{t('escalation.step', { step: n.stepId })}</span>
          </div>
          {n.lastError && state !== 'delivered' && n.status !== 'not_configured' && <p className="notif-error">{t('notif.lastError', { error: n.lastError })}</p>}
        </li>
      );
      };

  return (
<section className="escalation" aria-labelledby="escalation-heading">
  <h3 id="escalation-heading">{t('escalation.title')}</h3>

  <h4>{t('escalation.stepsTitle')}</h4>
  {orderedSteps.length === 0 && <p className="muted">{t('escalation.noSteps')}</p>}
  <ol className="escalation-steps" data-testid="escalation-steps">
    {orderedSteps.map((step) => (
      <li key={step.stepId} className={`step step-${step.status}`} data-testid={`step-${step.stepId}`} data-status={step.status}>
        <span className="step-icon" aria-hidden="true">{STEP_ICON[step.status] ?? '•'}</span>
        <StepName stepId={step.stepId} i18n={i18n} />
        <span className="step-status">{stepStatusText(step, now, i18n, tz)}</span>
      </li>
    ))}
  </ol>

  <h4>{t('notif.title')}</h4>
  {rows.length === 0 && <p className="muted">{t('notif.empty')}</p>}
  {undelivered.length > 0 && (
    <p className="undelivered-summary" role="status" data-testid="undelivered-summary">
      <span aria-hidden="true">✖ </span>{t('notif.undeliveredSummary', { count: undelivered.length, reasons: reasons.join(' · ') })}
    </p>
  )}
  <ul className="notifications" data-testid="notifications">
    {shown.map(renderRow)}
  </ul>
  {unsent.length > 0 && (
    <details className="unsent-notifications" data-testid="unsent-details">
      <summary>{t('notif.unsentList', { count: unsent.length })}</summary>
      <ul className="notifications">{unsent.map(renderRow)}</ul>
    </details>
  )}
</section>
  );
}
