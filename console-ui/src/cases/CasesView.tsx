/**
 * The legal team's view: case files, opened from incidents, with statements, evidence (upload,
 * download, chain of custody), legal actions and the export. Legal writes; auditors read. Admins never see it
 * (the server refuses them anyway).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Incident, Me } from '../../../api/contract/index.ts';
import { CLASSIFICATIONS } from '../../../api/contract/index.ts';
import type { CaseExistsView, CaseSummaryView, ComplainantView } from '../../../api/contract/cases.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import { issuesAt, issuesElsewhere } from '../forms/field-issues.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { casesApi } from './api.ts';
import { CaseDetail } from './CaseDetail.tsx';

export function canSeeCases(me: Me): boolean {
  return me.roles.some((r) => r === 'legal' || r === 'auditor');
}

export const canWriteCases = (me: Me) => me.roles.includes('legal');

export function CasesView({ me }: { me: Me }) {
  const { t, tx } = useI18n();
  const [cases, setCases] = useState<(CaseSummaryView | CaseExistsView)[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    casesApi.list().then((items) => { setCases(items); setError(null); }, setError);
  }, []);
  useEffect(reload, [reload]);

  return (
    <div className="cases-view" data-testid="cases-view">
      <ErrorText error={error} testId="cases-view-error" />
      <section className="panel cases-list" aria-label={t('cases.title')}>
        <h2>{t('cases.title')}</h2>
        {cases.length === 0 ? <p className="muted">{t('cases.none')}</p> : (
          <ul>
            {cases.map((c) => (
              <li key={c.id}>
                <button type="button" className={selected === c.id ? 'selected' : ''} data-testid={`case-item-${c.id}`} onClick={() => setSelected(c.id)}>
                  {'title' in c ? c.title : c.id} · {tx('cases.status.', c.status)}
                  {'evidenceCount' in c && <span className="muted"> · {t('cases.counts', { evidence: c.evidenceCount, actions: c.actionCount })}</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {canWriteCases(me) && <NewCaseForm onOpened={(id) => { reload(); setSelected(id); }} />}
      {selected && <CaseDetail key={selected} id={selected} me={me} onChanged={reload} />}
    </div>
  );
}

/** The fields of the two forms, by the paths the server names them with (api/areas/cases/bodies.ts). */
const CASE_FIELDS = ['title', 'incidentIds', 'classification', 'complainantId'];
const COMPLAINANT_FIELDS = ['name', 'description', 'identifiers'];

function NewCaseForm({ onOpened }: { onOpened: (id: string) => void }) {
  const { t, tx, locale } = useI18n();
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [complainants, setComplainants] = useState<ComplainantView[]>([]);
  const [picked, setPicked] = useState<string[]>([]);
  const [classification, setClassification] = useState<string[]>([]);
  const [title, setTitle] = useState('');
  const [complainantId, setComplainantId] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    casesApi.recentIncidents().then((items) => setIncidents(items.slice(0, 30)), setError);
    casesApi.complainants().then(setComplainants, setError);
  }, []);
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const c = await casesApi.create({ title: title.trim(), incidentIds: picked, classification, complainantId: complainantId || null });
      setTitle(''); setPicked([]); setClassification([]); setComplainantId(''); setError(null);
      onOpened(c.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="panel cases-new" onSubmit={submit} data-testid="case-new-form">
      <h2>{t('cases.new')}</h2>
      <label>{t('cases.newTitle')} <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-testid="case-new-title" /></label>
      <FieldIssues issues={issuesAt(error, 'title')} testId="case-new-title-issues" />
      <fieldset>
        <legend>{t('cases.pickIncidents')}</legend>
        {incidents.length === 0 && <p className="muted">{t('cases.noIncidents')}</p>}
        {incidents.map((i) => (
          <label key={i.id} className="cases-check">
            <input type="checkbox" checked={picked.includes(i.id)} onChange={() => setPicked(toggle(picked, i.id))} data-testid={`case-new-incident-${i.id}`} />
            {formatTime(i.openedAt, locale, undefined)} · {i.siteName || i.siteId} / {i.counterName || i.counterId} · {tx('status.', i.status)}
          </label>
        ))}
        <FieldIssues issues={issuesAt(error, 'incidentIds')} />
      </fieldset>
      <fieldset>
        <legend>{t('cases.classification')}</legend>
        {CLASSIFICATIONS.map((c) => (
          <label key={c} className="cases-check">
            <input type="checkbox" checked={classification.includes(c)} onChange={() => setClassification(toggle(classification, c))} data-testid={`case-new-class-${c}`} />
            {tx('classification.', c)}
          </label>
        ))}
        <FieldIssues issues={issuesAt(error, 'classification')} />
      </fieldset>
      <label>{t('cases.complainant')}{' '}
        <select value={complainantId} onChange={(e) => setComplainantId(e.target.value)} data-testid="case-new-complainant">
          <option value="">{t('cases.complainantNone')}</option>
          {complainants.map((c) => <option key={c.id} value={c.id}>{c.name ?? t('cases.unknownName')} — {c.description}</option>)}
        </select>
      </label>
      <FieldIssues issues={[...issuesAt(error, 'complainantId'), ...issuesElsewhere(error, CASE_FIELDS)]} />
      <ErrorText error={error} testId="case-new-error" />
      <button type="submit" disabled={busy || !picked.length || !title.trim()} data-testid="case-new-submit">{t('cases.open')}</button>
      <NewComplainantForm incidentIds={picked} onAdded={(c) => { setComplainants([...complainants, c]); setComplainantId(c.id); }} />
    </form>
  );
}

function NewComplainantForm({ incidentIds, onAdded }: { incidentIds: string[]; onAdded: (c: ComplainantView) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [ids, setIds] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function add() {
    try {
      const identifiers = ids.split(',').map((s) => s.trim()).filter(Boolean);
      onAdded(await casesApi.addComplainant({ name: name.trim() || null, description: description.trim(), identifiers, incidentIds }));
      setName(''); setDescription(''); setIds(''); setError(null);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <details className="cases-complainant-new">
      <summary>{t('cases.newComplainant')}</summary>
      <label>{t('cases.complainantName')} <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} /></label>
      <FieldIssues issues={issuesAt(error, 'name')} />
      <label>{t('cases.complainantDescription')} <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} /></label>
      <FieldIssues issues={issuesAt(error, 'description')} />
      <label>{t('cases.complainantIds')} <input value={ids} onChange={(e) => setIds(e.target.value)} /></label>
      <FieldIssues issues={issuesAt(error, 'identifiers')} testId="case-complainant-ids-issues" />
      <FieldIssues issues={issuesElsewhere(error, COMPLAINANT_FIELDS)} testId="case-complainant-issues" />
      <ErrorText error={error} />
      <button type="button" onClick={() => void add()}>{t('cases.addComplainant')}</button>
    </details>
  );
}
