/**
 * The managers' board: every open incident of the manager's sites with its escalation (which step, who was
 * reached, who was NOT), and the history with filters and response times computed from the timeline.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CLASSIFICATIONS, type Incident, type Site } from '../../../api/contract/index.ts';
import type { ManagerHistory, ManagerOpenIncident, Measure, MeasureSummary, RecipientView } from '../../../api/contract/managers.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { formatAge, formatTime, useNow } from '../format.ts';
import { useI18n, type I18n } from '../i18n.ts';
import { placesApi, type HistoryFilters } from './api.ts';

const MEASURE_KEYS: readonly Measure[] = ['acknowledged', 'responding', 'onScene', 'contained', 'separated', 'policeCalled', 'policeHandover', 'closed'];
/** The open board is read again this often (escalation steps fire on the clock) and on every change of the open list. */
const OPEN_REFRESH_MS = 10_000;

export function duration(seconds: number | null, i18n: I18n): string {
  if (seconds === null) return i18n.t('common.none');
  if (seconds < 60) return i18n.t('mgr.seconds', { s: seconds });
  return i18n.t('mgr.minutes', { m: Math.floor(seconds / 60), s: Math.round(seconds % 60) });
}

function who(r: RecipientView, i18n: I18n): string {
  const name = r.isPolice ? i18n.t('mgr.police') : (r.name ?? '?');
  return `${name} (${r.channels.map((c) => i18n.tx('channel.', c)).join('→')}, ${i18n.tx('notifStatus.', r.status)})`;
}

function Reach({ label, icon, people, testId, i18n, strong }: { label: string; icon: string; people: RecipientView[]; testId: string; i18n: I18n; strong?: boolean }) {
  return (
    <p className={strong && people.length ? 'places-mgr-reach not-reached' : 'places-mgr-reach'} data-testid={testId}>
      <span aria-hidden="true">{icon} </span>
      {strong && people.length ? <strong>{label}</strong> : label}: {people.length ? people.map((p) => who(p, i18n)).join(', ') : i18n.t('mgr.nobody')}
    </p>
  );
}

function OpenBoard({ liveIncidents, siteById, openIncident }: { liveIncidents: ReadonlyMap<string, Incident>; siteById: ReadonlyMap<string, Site>; openIncident: (id: string) => void }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const now = useNow(1_000);
  const [items, setItems] = useState<ManagerOpenIncident[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setItems(await placesApi.managersOpen());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => void load(), 150);
    return () => clearTimeout(timer);
  }, [load, liveIncidents]);
  useEffect(() => {
    const timer = setInterval(() => void load(), OPEN_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section className="panel places-mgr-open" aria-labelledby="mgr-open-heading" data-testid="mgr-open">
      <h2 id="mgr-open-heading">{t('mgr.openTitle')}</h2>
      <ErrorText error={error} />
      {items === null ? <p className="muted">{t('mgr.loading')}</p> : items.length === 0 ? <p className="muted">{t('mgr.noOpen')}</p> : (
        <ul className="places-mgr-open-list">
          {items.map((i) => {
            const e = i.escalation;
            const tz = siteById.get(i.siteId)?.timezone;
            return (
              <li key={i.id} data-testid={`mgr-open-${i.id}`} className="places-mgr-open-item">
                <p className="places-mgr-where">
                  {i.mode === 'drill' && <span className="drill-tag">{t('alarm.drill')} </span>}
                  {i.violence && <span className="violence-tag"><span aria-hidden="true">⚠ </span>{t('alarm.violence')} </span>}
                  <strong>{i.siteName}</strong>{i.floor && <> · {i.floor}</>} · <strong>{i.counterName}</strong>
                  {' · '}{tx('status.', i.status)} · {formatAge(i.openedAt, now, i18n)}
                </p>
                <p data-testid={`mgr-step-${i.id}`}>
                  <span aria-hidden="true">➤ </span>{t('mgr.step')}: {e.currentStep ? t('mgr.stepOf', { step: e.currentStep, fired: e.stepsFired, total: e.stepsTotal }) : t('mgr.stepNone')}
                  {e.nextStep && <> · {t('mgr.next', { step: e.nextStep, time: formatTime(e.nextStepDueAt, i18n.locale, tz) })}</>}
                </p>
                <Reach label={t('mgr.reached')} icon="✔" people={e.reached} testId={`mgr-reached-${i.id}`} i18n={i18n} />
                <Reach label={t('mgr.notReached')} icon="✖" people={e.notReached} testId={`mgr-not-reached-${i.id}`} i18n={i18n} strong />
                {e.pending.length > 0 && <Reach label={t('mgr.pendingReach')} icon="…" people={e.pending} testId={`mgr-pending-${i.id}`} i18n={i18n} />}
                <p className="muted">
                  {t('measure.acknowledged')}: {duration(i.responseTimes.fromPress.acknowledged, i18n)} · {t('measure.onScene')}: {duration(i.responseTimes.fromPress.onScene, i18n)}
                </p>
                <button type="button" className="link-button" onClick={() => openIncident(i.id)}>{t('detail.title')} {i.id}</button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** A local calendar day as the instant it starts (the browser's time zone). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

function History({ sites, siteById }: { sites: Site[]; siteById: ReadonlyMap<string, Site> }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [form, setForm] = useState({ siteId: '', counterId: '', kind: '', from: '', to: '', mode: 'all', status: 'all' });
  const [data, setData] = useState<ManagerHistory | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const counters = sites.filter((s) => !form.siteId || s.id === form.siteId).flatMap((s) => s.counters.map((c) => ({ ...c, siteId: s.id })));

  const load = useCallback(async (f: typeof form) => {
    setLoading(true);
    const filters: HistoryFilters = { mode: f.mode as HistoryFilters['mode'], status: f.status as HistoryFilters['status'] };
    if (f.siteId) filters.siteId = f.siteId;
    if (f.counterId) filters.counterId = f.counterId;
    if (f.kind) filters.kind = f.kind;
    const from = dayStart(f.from);
    const to = dayStart(f.to, 1);
    if (from) filters.from = from;
    if (to) filters.to = to;
    try {
      setData(await placesApi.managersHistory(filters));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load({ siteId: '', counterId: '', kind: '', from: '', to: '', mode: 'all', status: 'all' });
  }, [load]);

  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [name]: e.target.value, ...(name === 'siteId' ? { counterId: '' } : {}) })),
    'data-testid': `mgr-filter-${name}`,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    void load(form);
  }
  const summaryRows: [string, MeasureSummary][] = data ? [
    ...MEASURE_KEYS.map((m) => [m, data.summary[m]] as [string, MeasureSummary]),
    ['acknowledgedToOnScene', data.summary.acknowledgedToOnScene],
  ] : [];

  return (
    <section className="panel places-mgr-history" aria-labelledby="mgr-history-heading" data-testid="mgr-history">
      <h2 id="mgr-history-heading">{t('mgr.historyTitle')}</h2>
      <form className="places-mgr-filters" onSubmit={submit}>
        <label>{t('mgr.filterSite')} <select {...field('siteId')}><option value="">{t('mgr.any')}</option>{sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}</select></label>
        <label>{t('mgr.filterCounter')} <select {...field('counterId')}><option value="">{t('mgr.any')}</option>{counters.map((c) => <option key={`${c.siteId}/${c.id}`} value={c.id}>{c.name}</option>)}</select></label>
        <label>{t('mgr.filterKind')} <select {...field('kind')}><option value="">{t('mgr.any')}</option>{CLASSIFICATIONS.map((k) => <option key={k} value={k}>{tx('classification.', k)}</option>)}</select></label>
        <label>{t('mgr.filterFrom')} <input type="date" {...field('from')} /></label>
        <label>{t('mgr.filterTo')} <input type="date" {...field('to')} /></label>
        <label>{t('mgr.filterMode')} <select {...field('mode')}><option value="all">{t('mgr.any')}</option><option value="live">{tx('mode.', 'live')}</option><option value="drill">{tx('mode.', 'drill')}</option></select></label>
        <label>{t('mgr.filterStatus')} <select {...field('status')}><option value="all">{t('mgr.any')}</option><option value="open">{t('mgr.open')}</option><option value="closed">{t('mgr.closed')}</option></select></label>
        <button type="submit" disabled={loading} data-testid="mgr-apply">{t('mgr.apply')}</button>
      </form>
      <ErrorText error={error} testId="mgr-history-error" />
      {loading && <p role="status" className="muted">{t('mgr.loading')}</p>}
      {data && (
        <>
          {data.truncated && <p className="warning-text">⚠ {t('mgr.truncated', { count: data.items.length })}</p>}
          <h3>{t('mgr.summary', { count: data.items.length })}</h3>
          <div className="table-scroll">
            <table data-testid="mgr-summary">
              <thead><tr><th scope="col">{t('mgr.measure')}</th><th scope="col">{t('mgr.count')}</th><th scope="col">{t('mgr.median')}</th><th scope="col">{t('mgr.p90')}</th><th scope="col">{t('mgr.max')}</th></tr></thead>
              <tbody>
                {summaryRows.map(([m, s]) => (
                  <tr key={m}><th scope="row">{tx('measure.', m)}</th><td>{s.count}</td><td>{duration(s.medianSeconds, i18n)}</td><td>{duration(s.p90Seconds, i18n)}</td><td>{duration(s.maxSeconds, i18n)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.items.length === 0 ? <p className="muted">{t('mgr.noHistory')}</p> : (
            <div className="table-scroll">
              <table data-testid="mgr-history-table">
                <thead>
                  <tr>
                    <th scope="col">{t('mgr.opened')}</th><th scope="col">{t('mgr.where')}</th><th scope="col">{t('mgr.status')}</th><th scope="col">{t('mgr.kind')}</th>
                    <th scope="col">{t('measure.acknowledged')}</th><th scope="col">{t('measure.onScene')}</th><th scope="col">{t('measure.separated')}</th><th scope="col">{t('measure.closed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((i) => (
                    <tr key={i.id} data-testid={`mgr-history-${i.id}`}>
                      <td>{formatTime(i.openedAt, i18n.locale, siteById.get(i.siteId)?.timezone)}{i.mode === 'drill' && <> · {t('alarm.drill')}</>}</td>
                      <td>{i.siteName} · {i.counterName}</td>
                      <td>{tx('status.', i.status)}</td>
                      <td>{i.classification.length ? i.classification.map((c) => tx('classification.', c)).join(', ') : t('common.none')}</td>
                      <td>{duration(i.responseTimes.fromPress.acknowledged, i18n)}</td>
                      <td>{duration(i.responseTimes.fromPress.onScene, i18n)}</td>
                      <td>{duration(i.responseTimes.fromPress.separated, i18n)}</td>
                      <td>{duration(i.responseTimes.fromPress.closed, i18n)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function ManagersView({ sites, siteById, liveIncidents, openIncident }: {
  sites: Site[]; siteById: ReadonlyMap<string, Site>; liveIncidents: ReadonlyMap<string, Incident>; openIncident: (id: string) => void;
}) {
  return (
    <div className="places-mgr-view" data-testid="managers">
      <OpenBoard liveIncidents={liveIncidents} siteById={siteById} openIncident={openIncident} />
      <History sites={sites} siteById={siteById} />
    </div>
  );
}
