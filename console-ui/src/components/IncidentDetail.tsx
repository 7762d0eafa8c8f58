/**
 * One incident: its fields, the actions the user's roles allow, its escalation (steps and every
 * notification, kept live by `notification.status` messages) and its timeline (oldest first).
 */
import { useEffect, useRef, useState } from 'react';
import type { EscalationStepView, Incident, IncidentDetail, Me, NotificationView, Site, TimelineEntry } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { applyNotifications, nextDueAt } from '../escalation.ts';
import { formatAge, formatTime, useNow } from '../format.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { incidentLabel, isOpen } from '../incidents.ts';
import { canCloseIncidents, isResponder } from '../roles.ts';
import { sourceText } from './AlarmBanner.tsx';
import { CloseForm } from './CloseForm.tsx';
import { EscalationPanel, escalationTimelineText } from './EscalationPanel.tsx';
import { ErrorText } from './ErrorText.tsx';
import { STATUS_ICON } from './IncidentList.tsx';
import { ResponseActions } from './ResponseActions.tsx';
import { SeparationText } from '../aftercare/SeparationForm.tsx';
import { IncidentCaseFiles } from '../cases/IncidentCaseFiles.tsx';
import { CounterOnPlan } from '../places/CounterOnPlan.tsx';

interface Props {
  id: string;
  me: Me;
  siteById: ReadonlyMap<string, Site>;
  /** Bumped when the incident changed on the server: refetch. */
  version: number;
  acking: boolean;
  ackError: unknown;
  onAcknowledge: (id: string) => void;
  onApplied: (incident: Incident) => void;
  onClose: () => void;
  /** Live notification statuses; the detail upserts them without refetching. */
  subscribeNotifications?: (listener: (n: NotificationView) => void) => () => void;
}

/** Backoff for refetching while a step is past its due time but not yet fired or skipped. */
const OVERDUE_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000] as const;
/** A step's due time plus this: the engine (ticking every 250 ms) has fired it by then. */
const AFTER_DUE_MS = 600;

function kindLabel(kind: string, i18n: I18n): string {
  const asKind = i18n.tx('kind.', kind);
  return asKind !== kind ? asKind : i18n.tx('event.', kind);
}

function sortTimeline(entries: TimelineEntry[]): TimelineEntry[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => Date.parse(a.entry.at) - Date.parse(b.entry.at) || a.index - b.index)
    .map(({ entry }) => entry);
}

export function IncidentDetailView({
  id, me, siteById, version, acking, ackError, onAcknowledge, onApplied, onClose, subscribeNotifications,
}: Props) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const now = useNow(1_000);
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  /** Bumped when a pending step is due: its outcome (fired or skipped) is only in the detail. */
  const [stepReload, setStepReload] = useState(0);
  /** The steps as the server last sent them (live messages may already show some as fired). */
  const [serverSteps, setServerSteps] = useState<EscalationStepView[] | undefined>(undefined);
  /** Every live notification of this incident, replayed over each fetch (newest `updatedAt` wins). */
  const liveNotifications = useRef(new Map<string, NotificationView>());
  const overdue = useRef<{ due: number; count: number }>({ due: 0, count: 0 });

  useEffect(() => {
    if (!subscribeNotifications) return;
    return subscribeNotifications((n) => {
      if (n.incidentId !== id) return;
      const seen = liveNotifications.current.get(n.id);
      if (!seen || Date.parse(n.updatedAt) >= Date.parse(seen.updatedAt)) liveNotifications.current.set(n.id, n);
      setDetail((current) => (current ? applyNotifications(current, [n]) : current));
    });
  }, [id, subscribeNotifications]);

  useEffect(() => {
    const controller = new AbortController();
    api.incident(id).then(
      (loaded) => {
        if (controller.signal.aborted) return;
        setDetail(applyNotifications(loaded, liveNotifications.current.values()));
        setServerSteps(loaded.escalation);
        setError(null);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setError(err);
      },
    );
    return () => controller.abort();
  }, [id, version, stepReload]);

  // When the server's next pending step is due, read the detail once more: whether it fired or was
  // skipped, and its timeline entry, are only there. (Its notifications alone come live.)
  useEffect(() => {
    const due = nextDueAt(serverSteps ?? []);
    if (due === null) return;
    const wait = due - Date.now();
    let delay: number;
    if (wait > 0) {
      overdue.current = { due, count: 0 };
      delay = wait + AFTER_DUE_MS;
    } else {
      const count = overdue.current.due === due ? overdue.current.count : 0;
      overdue.current = { due, count: count + 1 };
      delay = count === 0 ? AFTER_DUE_MS : OVERDUE_RETRY_MS[Math.min(count - 1, OVERDUE_RETRY_MS.length - 1)]!;
    }
    const timer = setTimeout(() => setStepReload((n) => n + 1), delay);
    return () => clearTimeout(timer);
  }, [serverSteps]);

  useEffect(() => {
    headingRef.current?.focus();
  }, [id]);

  /** After an action: show the returned incident at once; onApplied bumps `version`, which reloads the timeline. */
  function applied(incident: Incident) {
    setDetail((current) => (current ? { ...current, ...incident } : current));
    onApplied(incident);
  }

  const site = detail ? siteById.get(detail.siteId) : undefined;
  const tz = site?.timezone;
  const open = detail ? isOpen(detail) : false;

  return (
    <section className="panel incident-detail" data-testid="incident-detail" aria-labelledby="detail-heading">
      <div className="detail-top">
        <h2 id="detail-heading" ref={headingRef} tabIndex={-1}>{t('detail.title')} {detail ? incidentLabel(detail) : id}</h2>
        <button type="button" onClick={onClose} data-testid="detail-close">{t('detail.back')}</button>
      </div>
      <ErrorText error={error} testId="detail-error" />
      {!detail ? (
        !error && <p className="muted">{t('detail.loading')}</p>
      ) : (
        <>
          {detail.mode === 'drill' && <p className="drill-tag">{t('alarm.drill')} · {t('alarm.drillNote')}</p>}
          {detail.violence && <p className="violence-tag">⚠ {t('alarm.violence')}</p>}
          {!detail.stored && <p className="warning-text">⚠ {t('detail.notStored')}</p>}
          <dl className="fields">
            {detail.reference && (
              <>
                <dt>{t('field.reference')}</dt>
                <dd data-testid="detail-reference">{detail.reference}</dd>
              </>
            )}
            <dt>{t('field.status')}</dt>
            <dd data-testid="detail-status"><span aria-hidden="true">{STATUS_ICON[detail.status] ?? '•'} </span>{tx('status.', detail.status)}</dd>
            <dt>{t('field.site')}</dt>
            <dd>{detail.siteName || site?.name || detail.siteId}</dd>
            <dt>{t('field.counter')}</dt>
            <dd>{detail.counterName || detail.counterId}</dd>
            <dt>{t('field.floor')}</dt>
            <dd>{detail.floor ?? t('common.none')}</dd>
            <dt>{t('field.mode')}</dt>
            <dd>{tx('mode.', detail.mode)}</dd>
            <dt>{t('field.severity')}</dt>
            <dd>{tx('severity.', detail.severity)}</dd>
            <dt>{t('field.violence')}</dt>
            <dd>{detail.violence ? t('common.yes') : t('common.no')}</dd>
            <dt>{t('field.source')}</dt>
            <dd>{sourceText(detail, i18n)}</dd>
            <dt>{t('field.openedAt')}</dt>
            <dd>{formatTime(detail.openedAt, i18n.locale, tz)} ({formatAge(detail.openedAt, now, i18n)})</dd>
            <dt>{t('field.acknowledgedAt')}</dt>
            <dd>{formatTime(detail.acknowledgedAt, i18n.locale, tz)}</dd>
            {detail.closedAt && (
              <>
                <dt>{t('field.closedAt')}</dt>
                <dd>{formatTime(detail.closedAt, i18n.locale, tz)}</dd>
              </>
            )}
            {detail.outcome && (
              <>
                <dt>{t('field.outcome')}</dt>
                <dd>{detail.outcome}</dd>
              </>
            )}
            {detail.classification.length > 0 && (
              <>
                <dt>{t('field.classification')}</dt>
                <dd>{detail.classification.map((c) => tx('classification.', c)).join(', ')}</dd>
              </>
            )}
          </dl>
          <CounterOnPlan siteId={detail.siteId} siteName={detail.siteName || site?.name || detail.siteId} counterId={detail.counterId} counterName={detail.counterName || detail.counterId} testId="detail-plan" />
          {detail.mode === 'live' && <IncidentCaseFiles incidentId={detail.id} me={me} classification={detail.classification} label={`${detail.siteName || detail.siteId} / ${detail.counterName || detail.counterId} ${detail.openedAt.slice(0, 10)}`} />}

          {isResponder(me) && detail.status === 'triggered' && (
            <div className="detail-ack">
              <button
                type="button"
                className="ack-button"
                data-testid={`detail-ack-${detail.id}`}
                disabled={acking}
                onClick={() => onAcknowledge(detail.id)}
              >
                <span aria-hidden="true">✔ </span>{acking ? t('alarm.acknowledging') : t('actions.detailAck')}
              </button>
              <ErrorText error={ackError} />
            </div>
          )}

          {isResponder(me) && open && <ResponseActions incidentId={detail.id} onRecorded={applied} />}
          {canCloseIncidents(me) && open && <CloseForm incidentId={detail.id} onClosed={applied} />}

          <h3>{t('timeline.title')}</h3>
          {detail.timeline.length === 0 ? (
            <p className="muted">{t('timeline.empty')}</p>
          ) : (
            <ol className="timeline" data-testid="timeline">
              {sortTimeline(detail.timeline).map((entry) => {
                const data = entry.data ?? {};
                const note = typeof data.note === 'string' ? data.note : typeof data.reason === 'string' ? data.reason : null;
                const label = entry.kind === 'escalation_step' ? escalationTimelineText(data, i18n) : kindLabel(entry.kind, i18n);
                return (
                  <li key={entry.id} data-testid={`timeline-${entry.id}`} className={entry.kind === 'escalation_step' ? 'escalation-entry' : undefined}>
                    <time dateTime={entry.at}>{formatTime(entry.at, i18n.locale, tz)}</time>
                    <span className="kind">{label}</span>
                    <span className="actor">{entry.actorName ?? t('timeline.system')}</span>
                    {entry.kind === 'victim_separated' && <SeparationText data={data} openedAt={detail.openedAt} at={entry.at} />}
                    {note && <span className="note">“{note}”</span>}
                  </li>
                );
              })}
            </ol>
          )}

          {/* After the timeline: the story first, then who was (or could not be) reached. */}
          {(detail.escalation !== undefined || detail.notifications !== undefined) && (
            <EscalationPanel steps={detail.escalation} notifications={detail.notifications} now={now} tz={tz} i18n={i18n} />
          )}
        </>
      )}
    </section>
  );
}
