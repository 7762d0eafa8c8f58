/** One case file: fields, complainant warning, incidents, statements, evidence with custody, legal actions, export. */
import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import { ACTION_KINDS, ACTION_STATUSES, type CaseDetailView, type CaseExistsView, type ComplainantView, type ComplainantWarning, type EvidenceView } from '../../../api/contract/cases.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { casesApi } from './api.ts';
import { api } from '../api.ts';

/** Today's date at the site (a statement taken at 08:00 in Seoul is not yesterday's, as the UTC date would say). */
export const todayAt = (timeZone: string | undefined) => new Intl.DateTimeFormat('en-CA', { timeZone: timeZone ?? undefined, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export function ComplainantWarningText({ w }: { w: ComplainantWarning }) {
  const { t } = useI18n();
  return (
    <p className="warning-text cases-warning" role="alert" data-testid={`complainant-warning-${w.complainantId}`}>
      {t('cases.knownComplainant', { name: w.name ?? t('cases.unknownName'), count: w.earlierIncidents, sites: w.siteIds.join(', ') })}
    </p>
  );
}

export function CaseDetail({ id, me, onChanged }: { id: string; me: Me; onChanged: () => void }) {
  const { t, tx, locale } = useI18n();
  const [c, setCase] = useState<CaseDetailView | CaseExistsView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    casesApi.get(id).then((v) => { setCase(v); setError(null); }, setError);
  }, [id]);
  useEffect(reload, [reload]);
  const changed = () => { reload(); onChanged(); };
  const write = me.roles.includes('legal');

  if (!c) return <section className="panel"><ErrorText error={error} testId="case-error" /></section>;
  if (c.access === 'exists') return <section className="panel"><p>{t('cases.existsOnly', { status: tx('cases.status.', c.status) })}</p></section>;

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      changed();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel cases-detail" data-testid="case-detail" aria-label={c.title}>
      <h2 data-testid="case-title">{c.title}</h2>
      <ErrorText error={error} testId="case-error" />
      <p>{tx('cases.status.', c.status)} · {c.classification.map((k) => tx('classification.', k)).join(', ')}</p>
      {c.complainant && <p>{t('cases.complainant')}: {c.complainant.name ?? t('cases.unknownName')} — {c.complainant.description} {c.complainant.identifiers.join(', ')}</p>}
      {c.complainantWarning && <ComplainantWarningText w={c.complainantWarning} />}
      {write && <ComplainantPicker current={c.complainantId} onPick={(complainantId) => act(() => casesApi.update(c.id, { complainantId }))} />}
      <p>{t('cases.assigned')}: {c.assignees.map((a) => a.name).join(', ') || '—'}</p>
      <h3>{t('cases.incidents')}</h3>
      <ul>{c.incidents.map((i) => <li key={i.id}>{i.reference && <strong>{i.reference} · </strong>}{formatTime(i.openedAt, locale, undefined)} · {i.siteName ?? i.siteId} / {i.counterName ?? i.counterId} · {tx('status.', i.status)}</li>)}</ul>
      {write && (
        <button type="button" data-testid="case-toggle-status" onClick={() => void act(() => casesApi.update(c.id, { status: c.status === 'open' ? 'closed' : 'open' }))}>
          {c.status === 'open' ? t('cases.close') : t('cases.reopen')}
        </button>
      )}

      <h3>{t('cases.statements')}</h3>
      <ul data-testid="case-statements">
        {c.statements.map((s) => <li key={s.id}><strong>{s.givenBy}</strong> ({s.takenOn}): {s.text}</li>)}
      </ul>
      {write && <StatementForm siteId={c.siteIds[0]} onAdd={(s) => act(() => casesApi.addStatement(c.id, s))} />}

      <h3>{t('cases.evidence')}</h3>
      <ul data-testid="case-evidence">
        {c.evidence.map((e) => <EvidenceItem key={e.id} caseId={c.id} e={e} />)}
      </ul>
      {write && <UploadForm onUpload={(file, description) => act(() => casesApi.upload(c.id, file, description))} />}

      <h3>{t('cases.actions')}</h3>
      <ul data-testid="case-actions">
        {c.actions.map((a) => (
          <li key={a.id} data-testid={`case-action-${a.id}`}>
            {tx('cases.action.', a.kind)} · {tx('cases.actionStatus.', a.status)}
            {a.filedOn && ` · ${t('cases.filedOn')} ${a.filedOn}`}{a.nextDate && ` · ${t('cases.nextDate')} ${a.nextDate}`}
            {a.decidedOn && ` · ${t('cases.decidedOn')} ${a.decidedOn}`}{(a.authority || a.reference) && ` · ${a.authority} ${a.reference}`}
            {a.outcome && ` · ${t('cases.outcome')}: ${a.outcome}`}
            {write && (
              <select aria-label={t('cases.actionStatus')} value={a.status} onChange={(e) => void act(() => casesApi.updateAction(c.id, a.id, { status: e.target.value }))}>
                {ACTION_STATUSES.map((s) => <option key={s} value={s}>{tx('cases.actionStatus.', s)}</option>)}
              </select>
            )}
          </li>
        ))}
      </ul>
      {write && <ActionForm onAdd={(a) => act(() => casesApi.addAction(c.id, a))} />}

      <h3>{t('cases.export')}</h3>
      <p className="muted">{t('cases.exportNote')}</p>
      <a className="button" href={casesApi.exportUrl(c.id)} download={`${c.id}.zip`} data-testid="case-export">{t('cases.export')}</a>
    </section>
  );
}

function ComplainantPicker({ current, onPick }: { current: string | null; onPick: (id: string | null) => Promise<void> }) {
  const { t } = useI18n();
  const [all, setAll] = useState<ComplainantView[]>([]);
  useEffect(() => {
    casesApi.complainants().then(setAll, () => setAll([]));
  }, []);
  return (
    <label className="cases-complainant-pick">{t('cases.complainant')}{' '}
      <select value={current ?? ''} onChange={(e) => void onPick(e.target.value || null)} data-testid="case-complainant">
        <option value="">{t('cases.complainantNone')}</option>
        {all.map((x) => <option key={x.id} value={x.id}>{x.name ?? t('cases.unknownName')} — {x.description}</option>)}
      </select>
    </label>
  );
}

function EvidenceItem({ caseId, e }: { caseId: string; e: EvidenceView }) {
  const { t, tx, locale } = useI18n();
  return (
    <li data-testid={`case-evidence-${e.id}`}>
      <a href={casesApi.evidenceUrl(caseId, e.id)} download={e.fileName}>{e.fileName}</a> ({e.mediaType}, {e.size.toLocaleString(locale)} B)
      {e.description && ` — ${e.description}`}
      <div className="muted">{t('cases.addedBy', { name: e.addedByName, at: formatTime(e.addedAt, locale, undefined) })}</div>
      <code className="cases-sha" data-testid="case-evidence-sha">SHA-256 {e.sha256}</code>
      <details>
        <summary>{t('cases.custody')} ({e.custody.length})</summary>
        <ol>{e.custody.map((x) => <li key={x.seq}>#{x.seq} {formatTime(x.at, locale, undefined)} · {t('cases.custodyEntry', { action: tx('cases.audit.', x.action), name: x.actorName })}</li>)}</ol>
      </details>
    </li>
  );
}

function StatementForm({ siteId, onAdd }: { siteId: string | undefined; onAdd: (s: { givenBy: string; takenOn: string; text: string }) => Promise<void> }) {
  const { t } = useI18n();
  const [givenBy, setGivenBy] = useState('');
  const [takenOn, setTakenOn] = useState(() => todayAt(undefined));
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!siteId || touched) return;
    let current = true;
    api.sites().then((sites) => {
      const zone = sites.find((x) => x.id === siteId)?.timezone;
      if (current && zone) setTakenOn(todayAt(zone));
    }, () => undefined);
    return () => {
      current = false;
    };
  }, [siteId, touched]);
  const [text, setText] = useState('');
  return (
    <form className="cases-form" onSubmit={(e) => { e.preventDefault(); void onAdd({ givenBy: givenBy.trim(), takenOn, text: text.trim() }).then(() => { setGivenBy(''); setText(''); }); }}>
      <label>{t('cases.statementBy')} <input value={givenBy} onChange={(e) => setGivenBy(e.target.value)} required maxLength={200} data-testid="case-statement-by" /></label>
      <label>{t('cases.statementOn')} <input type="date" value={takenOn} onChange={(e) => { setTouched(true); setTakenOn(e.target.value); }} required data-testid="case-statement-on" /></label>
      <label>{t('cases.statementText')} <textarea value={text} onChange={(e) => setText(e.target.value)} required maxLength={20000} data-testid="case-statement-text" /></label>
      <button type="submit" data-testid="case-statement-add">{t('cases.addStatement')}</button>
    </form>
  );
}

function UploadForm({ onUpload }: { onUpload: (file: File, description: string) => Promise<void> }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    await onUpload(file, description.trim());
    setBusy(false);
    setFile(null);
    setDescription('');
    setInputKey((k) => k + 1);
  }
  return (
    <form className="cases-form" onSubmit={(e) => void submit(e)}>
      <label>{t('cases.evidenceFile')} <input key={inputKey} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="case-evidence-file" /></label>
      <label>{t('cases.evidenceDescription')} <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} /></label>
      <button type="submit" disabled={!file || busy} data-testid="case-evidence-upload">{busy ? t('cases.uploading') : t('cases.upload')}</button>
    </form>
  );
}

function ActionForm({ onAdd }: { onAdd: (a: Record<string, unknown>) => Promise<void> }) {
  const { t, tx } = useI18n();
  const [kind, setKind] = useState<string>(ACTION_KINDS[0]);
  const [status, setStatus] = useState<string>('planned');
  const [filedOn, setFiledOn] = useState('');
  const [nextDate, setNextDate] = useState('');
  const [authority, setAuthority] = useState('');
  return (
    <form className="cases-form" onSubmit={(e) => {
      e.preventDefault();
      void onAdd({ kind, status, filedOn: filedOn || null, nextDate: nextDate || null, authority: authority.trim() }).then(() => { setFiledOn(''); setNextDate(''); setAuthority(''); });
    }}>
      <label>{t('cases.actionKind')} <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="case-action-kind">
        {ACTION_KINDS.map((k) => <option key={k} value={k}>{tx('cases.action.', k)}</option>)}
      </select></label>
      <label>{t('cases.actionStatus')} <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="case-action-status">
        {ACTION_STATUSES.map((s) => <option key={s} value={s}>{tx('cases.actionStatus.', s)}</option>)}
      </select></label>
      <label>{t('cases.filedOn')} <input type="date" value={filedOn} onChange={(e) => setFiledOn(e.target.value)} data-testid="case-action-filed" /></label>
      <label>{t('cases.nextDate')} <input type="date" value={nextDate} onChange={(e) => setNextDate(e.target.value)} /></label>
      <label>{t('cases.authority')} <input value={authority} onChange={(e) => setAuthority(e.target.value)} maxLength={200} data-testid="case-action-authority" /></label>
      <button type="submit" data-testid="case-action-add">{t('cases.addAction')}</button>
    </form>
  );
}
