/** Mock drills: coverage, planning, running (start, resume, end), the report and PDF, trends, scenarios. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Me, Site } from '../../../api/contract/index.ts';
import type { DrillReport, DrillView, ScenarioView, TrendPoint } from '../../../api/contract/drills.ts';
import { api } from '../api.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n } from '../i18n.ts';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import { issuesAt, issuesElsewhere } from '../forms/field-issues.ts';
import { drillsApi } from './api.ts';
import { ParticipantPicker } from './ParticipantPicker.tsx';
import { ScenarioForm } from './ScenarioForm.tsx';

export function canSeeDrills(me: Me): boolean {
  return me.roles.includes('admin') || (me.roles.includes('manager') && me.siteIds.length > 0);
}

const ACTIVE = ['running', 'paused'];

/** A drill's counter by the name people know it by (its id only if the site no longer has it). */
function counterName(sites: readonly Site[], d: Pick<DrillView, 'siteId' | 'counterId'>): string {
  return sites.find((s) => s.id === d.siteId)?.counters.find((c) => c.id === d.counterId)?.name ?? d.counterId;
}

/** A milestone's name as the incident timeline shows it. */
function milestone(tx: (prefix: string, value: string) => string, m: string): string {
  const asKind = tx('kind.', m);
  return asKind !== m ? asKind : tx('event.', m);
}

export function DrillsView({ me, openIncident }: { me: Me; openIncident: (id: string) => void }) {
  const { t, tx, lang } = useI18n();
  const [drills, setDrills] = useState<DrillView[]>([]);
  const [sites, setSites] = useState<Site[]>([]);
  const [scenarios, setScenarios] = useState<ScenarioView[]>([]);
  const [coverage, setCoverage] = useState<Awaited<ReturnType<typeof drillsApi.coverage>>>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [report, setReport] = useState<DrillReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    Promise.all([drillsApi.list(), drillsApi.coverage()]).then(([d, c]) => {
      setDrills(d);
      setCoverage(c);
      setError(null);
    }, setError);
  }, []);
  useEffect(() => {
    load();
    api.sites().then((s) => setSites(me.roles.includes('admin') ? s : s.filter((x) => me.siteIds.includes(x.id))), setError);
    drillsApi.scenarios().then(setScenarios, setError);
  }, [load, me]);

  const running = drills.some((d) => ACTIVE.includes(d.status));
  useEffect(() => {
    // While a drill runs its report changes by the second: poll it.
    if (!running && !selected) return;
    const timer = setInterval(() => {
      load();
      if (selected) drillsApi.report(selected).then(setReport, () => undefined);
    }, 2_000);
    return () => clearInterval(timer);
  }, [running, selected, load]);

  const show = (id: string) => {
    setSelected(id);
    drillsApi.report(id).then(setReport, setError);
  };
  const act = async (id: string, action: 'start' | 'resume' | 'end' | 'cancel') => {
    try {
      await drillsApi.act(id, action);
      setError(null);
      load();
      show(id);
    } catch (err) {
      setError(err);
    }
  };
  const title = (d: DrillView) => (d.scenarioTitle ? d.scenarioTitle[lang] : d.scenarioId);

  return (
    <div className="drills-view" data-testid="drills-view">
      <p className="drill-tag drills-banner" role="note">{t('alarm.drill')} · {t('drills.banner')}</p>
      <ErrorText error={error} testId="drills-error" />
      <section className="panel">
        <h2>{t('drills.coverage')}</h2>
        <table className="drills-coverage" data-testid="drills-coverage">
          <thead><tr><th>{t('drills.site')}</th><th>{coverage[0]?.halfYear ?? ''}</th><th>{t('drills.coverage.last')}</th><th>{t('drills.coverage.scheduled')}</th></tr></thead>
          <tbody>
            {coverage.map((c) => (
              <tr key={c.siteId} className={c.covered ? '' : 'drills-uncovered'} data-testid={`drills-coverage-${c.siteId}`}>
                <td>{c.siteName}</td>
                <td>{c.covered ? `${t('drills.coverage.covered')} (${c.drillsThisHalf})` : t('drills.coverage.uncovered')}</td>
                <td>{c.lastDrillAt ? new Date(c.lastDrillAt).toLocaleDateString() : t('drills.coverage.none')}</td>
                <td>{c.scheduled}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <PlanForm sites={sites} scenarios={scenarios} onPlanned={load} />

      <section className="panel">
        <h2>{t('drills.list')}</h2>
        {drills.length === 0 ? <p className="muted">{t('drills.empty')}</p> : (
          <ul className="drills-list" data-testid="drills-list">
            {drills.map((d) => (
              <li key={d.id} className={`drills-item drills-${d.status}`} data-testid={`drill-${d.id}`}>
                <strong>{title(d)}</strong> · {sites.find((s) => s.id === d.siteId)?.name ?? d.siteId} / {counterName(sites, d)} · {new Date(d.scheduledAt).toLocaleString()}
                {' '}<span className="tag drill-tag-small" data-testid={`drill-status-${d.id}`}>{tx('drills.status.', d.status)}</span>
                {d.jointPolice && <span className="tag">{t('drills.jointPolice')}</span>}
                <div className="drills-actions">
                  {d.status === 'scheduled' && <button type="button" onClick={() => void act(d.id, 'start')} data-testid={`drill-start-${d.id}`}>{t('drills.start')}</button>}
                  {d.status === 'paused' && <button type="button" onClick={() => void act(d.id, 'resume')} data-testid={`drill-resume-${d.id}`}>{t('drills.resume')}</button>}
                  {ACTIVE.includes(d.status) && <button type="button" onClick={() => void act(d.id, 'end')} data-testid={`drill-end-${d.id}`}>{t('drills.end')}</button>}
                  {d.status === 'scheduled' && <button type="button" onClick={() => void act(d.id, 'cancel')}>{t('drills.cancel')}</button>}
                  {d.status !== 'scheduled' && d.status !== 'cancelled' && <button type="button" onClick={() => show(d.id)} data-testid={`drill-report-${d.id}`}>{t('drills.report')}</button>}
                  {d.incidentId && <button type="button" onClick={() => openIncident(d.incidentId!)}>{t('drills.openIncident')}</button>}
                </div>
                {d.status === 'paused' && <p className="drills-paused" role="alert">{t('drills.paused')}</p>}
                {d.status === 'running' && d.trigger === 'real_bell' && !d.incidentId && <p className="drills-waiting">{t('drills.waitingPress')}</p>}
              </li>
            ))}
          </ul>
        )}
      </section>

      {report && report.drill.id === selected && <Report report={report} />}
      <Trends sites={sites} version={drills.filter((d) => d.status === 'completed').length} />
      <Scenarios scenarios={scenarios} onSaved={() => drillsApi.scenarios().then(setScenarios, setError)} />
    </div>
  );
}

/** The fields of the plan form, by the server's paths: a problem under any other path is said above the button. */
const PLAN_FIELDS = ['siteId', 'counterId', 'scenarioId', 'scheduledAt', 'participants', 'jointPolice', 'trigger'] as const;

function PlanForm({ sites, scenarios, onPlanned }: { sites: Site[]; scenarios: ScenarioView[]; onPlanned: () => void }) {
  const { t, lang } = useI18n();
  const [siteId, setSiteId] = useState('');
  const [counterId, setCounterId] = useState('');
  const [scenarioId, setScenarioId] = useState('');
  const [when, setWhen] = useState('');
  const [participants, setParticipants] = useState<string[]>([]);
  const [announced, setAnnounced] = useState(true);
  const [jointPolice, setJointPolice] = useState(false);
  const [trigger, setTrigger] = useState<'virtual_bell' | 'real_bell'>('virtual_bell');
  const [error, setError] = useState<unknown>(null);
  const site = sites.find((s) => s.id === (siteId || sites[0]?.id));
  const at = (field: string) => issuesAt(error, field);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!site) return;
    try {
      await drillsApi.schedule({
        siteId: site.id, counterId: counterId || site.counters[0]?.id, scenarioId: scenarioId || scenarios[0]?.id,
        scheduledAt: (when ? new Date(when) : new Date()).toISOString(), participants, announced, jointPolice, trigger,
      });
      setError(null);
      onPlanned();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="panel">
      <h2>{t('drills.plan')}</h2>
      <form className="drills-plan" onSubmit={(e) => void submit(e)} data-testid="drills-plan">
        <label>{t('drills.site')}
          <select value={site?.id ?? ''} onChange={(e) => { setSiteId(e.target.value); setCounterId(''); setParticipants([]); }} data-testid="drills-plan-site">
            {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <label>{t('drills.counter')}
          <select value={counterId || site?.counters[0]?.id || ''} onChange={(e) => setCounterId(e.target.value)} data-testid="drills-plan-counter">
            {site?.counters.map((c) => <option key={c.id} value={c.id}>{c.name}{c.floor ? ` · ${c.floor}` : ''}</option>)}
          </select>
        </label>
        <FieldIssues issues={at('counterId')} testId="drills-plan-counter-issues" />
        <label>{t('drills.scenario')}
          <select value={scenarioId || scenarios[0]?.id || ''} onChange={(e) => setScenarioId(e.target.value)} data-testid="drills-plan-scenario">
            {scenarios.map((s) => <option key={s.id} value={s.id}>{s.title[lang]}</option>)}
          </select>
        </label>
        <FieldIssues issues={at('scenarioId')} />
        <label>{t('drills.when')}<input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} /></label>
        <FieldIssues issues={at('scheduledAt')} testId="drills-plan-when-issues" />
        <ParticipantPicker siteId={site?.id} value={participants} onChange={setParticipants} issues={at('participants')} />
        <label><input type="checkbox" checked={announced} onChange={(e) => setAnnounced(e.target.checked)} />{t('drills.announced')}</label>
        <label><input type="checkbox" checked={jointPolice} onChange={(e) => setJointPolice(e.target.checked)} data-testid="drills-plan-joint" />{t('drills.jointPolice')}</label>
        <FieldIssues issues={at('jointPolice')} />
        <label>{t('drills.trigger')}
          <select value={trigger} onChange={(e) => setTrigger(e.target.value as typeof trigger)}>
            <option value="virtual_bell">{t('drills.trigger.virtual_bell')}</option>
            <option value="real_bell">{t('drills.trigger.real_bell')}</option>
          </select>
        </label>
        <FieldIssues issues={[...at('trigger'), ...issuesElsewhere(error, PLAN_FIELDS)]} />
        <button type="submit" data-testid="drills-plan-submit">{t('drills.schedule')}</button>
      </form>
      <ErrorText error={error} testId="drills-plan-error" />
    </section>
  );
}

function Report({ report }: { report: DrillReport }) {
  const { t, tx } = useI18n();
  const f = report.facts;
  const name = (id: string) => report.names[id] ?? id;
  return (
    <section className="panel drills-report" data-testid="drills-report">
      <h2>{t('alarm.drill')} · {t('drills.report')} — {report.siteName} / {report.counterName}</h2>
      <p><a href={drillsApi.pdfUrl(report.drill.id)} data-testid="drills-report-pdf">{t('drills.pdf')}</a></p>
      {f && (
        <>
          <p className="drills-score" data-testid="drills-score">{t('drills.score')}: {f.score.score}% · {f.score.passed ? t('drills.passed') : t('drills.notPassed')}</p>
          {f.pausedSeconds > 0 && <p>{t('drills.pausedFor', { seconds: f.pausedSeconds })}</p>}
          <table data-testid="drills-steps">
            <thead><tr><th>{t('drills.step')}</th><th>{t('drills.target')}</th><th>{t('drills.actual')}</th><th /></tr></thead>
            <tbody>
              {f.score.steps.map((s) => (
                <tr key={s.milestone} className={s.atSeconds === null && s.required ? 'drills-missed' : !s.onTime && s.atSeconds !== null ? 'drills-late' : ''}>
                  <td>{milestone(tx, s.milestone)}</td>
                  <td>{s.targetSeconds} s</td>
                  <td>{s.atSeconds === null ? '—' : `${Math.round(s.atSeconds)} s`}</td>
                  <td>{s.atSeconds === null ? (s.required ? t('drills.missed') : t('drills.notDone')) : s.onTime ? t('drills.onTime') : `${t('drills.late')} +${Math.round(s.lateBySeconds ?? 0)} s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>{t('drills.reached')}: {f.score.reached.map(name).join(', ') || '—'}</p>
          <p>{t('drills.notReached')}: {f.score.notReached.map(name).join(', ') || '—'}</p>
          <p>{t('drills.delivery', { ...f.score.delivery })}</p>
          {report.drill.jointPolice && <p>{t('drills.liaison')}: {f.liaison.map((l) => `${l.to} (${tx('notifStatus.', l.status)})`).join(', ') || '—'}</p>}
          <p>{t('drills.policeLeaks')}: {f.policeLeaks.length === 0 ? '0' : f.policeLeaks.map((l) => l.to).join(', ')}</p>
        </>
      )}
    </section>
  );
}

function Trends({ sites, version }: { sites: Site[]; version: number }) {
  const { t, tx } = useI18n();
  const [siteId, setSiteId] = useState('');
  const [points, setPoints] = useState<TrendPoint[]>([]);
  const id = siteId || sites[0]?.id;
  useEffect(() => {
    if (id) drillsApi.trends(id).then(setPoints, () => setPoints([]));
  }, [id, version]);
  const milestones = [...new Set(points.flatMap((p) => Object.keys(p.steps)))];
  return (
    <section className="panel">
      <h2>{t('drills.trends')}</h2>
      <select value={id ?? ''} onChange={(e) => setSiteId(e.target.value)}>
        {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      <table data-testid="drills-trends">
        <thead><tr><th />{milestones.map((m) => <th key={m}>{milestone(tx, m)}</th>)}<th>{t('drills.score')}</th></tr></thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.drillId}>
              <td>{new Date(p.startedAt).toLocaleDateString()}</td>
              {milestones.map((m) => <td key={m}>{p.steps[m as keyof typeof p.steps] ?? '—'}</td>)}
              <td>{p.score}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Scenarios({ scenarios, onSaved }: { scenarios: ScenarioView[]; onSaved: () => void }) {
  const { t, tx, lang } = useI18n();
  return (
    <section className="panel">
      <h2>{t('drills.scenarios')}</h2>
      <ul className="drills-scenarios" data-testid="drills-scenarios">
        {scenarios.map((s) => (
          <li key={s.id}>
            <strong>{s.title[lang]}</strong> ({s.builtIn ? t('drills.builtIn') : t('drills.own')})
            {' — '}{s.steps.map((x) => `${milestone(tx, x.milestone)} ≤ ${x.targetSeconds} s`).join(', ')}
          </li>
        ))}
      </ul>
      <ScenarioForm onSaved={onSaved} milestoneName={(m) => milestone(tx, m)} />
    </section>
  );
}
