/** One aftercare record as the server lets this person see it: status only, their own (no notes), or whole. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AftercareDetailView, AftercareStatusView } from '../../../api/contract/aftercare.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import { issuesAt, issuesElsewhere } from '../forms/field-issues.ts';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { aftercareApi } from './api.ts';

const isDetail = (v: AftercareStatusView | AftercareDetailView): v is AftercareDetailView => v.view !== 'status';

export function RecordPanel({ id, onChanged }: { id: string; onChanged?: () => void }) {
  const { t, tx, locale } = useI18n();
  const [record, setRecord] = useState<AftercareStatusView | AftercareDetailView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    aftercareApi.get(id).then((r) => { setRecord(r); setError(null); }, setError);
  }, [id]);
  useEffect(reload, [reload]);
  const changed = () => { reload(); onChanged?.(); };
  const krw = (n: number) => t('aftercare.krw', { amount: n.toLocaleString(locale) });

  if (!record) return <ErrorText error={error} testId="aftercare-error" />;
  return (
    <section className="panel aftercare-record" data-testid="aftercare-record" aria-label={t('aftercare.record')}>
      <h3>{record.personName} · <span data-testid="aftercare-status">{tx('aftercare.status.', record.status)}</span></h3>
      {record.repeatTargeting && <RepeatWarning count={record.repeatTargeting.count} />}
      {!isDetail(record) ? (
        <p className="muted" data-testid="aftercare-status-only">{t('aftercare.statusOnly')}</p>
      ) : (
        <>
          <dl className="aftercare-facts">
            <dt>{t('aftercare.incident')}</dt>
            <dd>{formatTime(record.incident.openedAt, locale, undefined)} · {record.incident.siteName} · {record.incident.counterName}</dd>
            <dt>{t('aftercare.leaveDays')}</dt>
            <dd data-testid="aftercare-leave">{record.recoveryLeaveDays}</dd>
            <dt>{t('aftercare.transfer')}</dt>
            <dd data-testid="aftercare-transfer">{record.transfer ? `${record.transfer.to} — ${tx('aftercare.transferOutcome.', record.transfer.outcome)}` : t('aftercare.none')}</dd>
            <dt>{t('aftercare.allowance', { year: record.allowance.year })}</dt>
            <dd data-testid="aftercare-remaining">{t('aftercare.remaining', { remaining: krw(record.allowance.remainingKrw), allowance: krw(record.allowance.allowanceKrw) })}</dd>
          </dl>
          <h4>{t('aftercare.entries')}</h4>
          <ol className="aftercare-entries" data-testid="aftercare-entries">
            {record.entries.map((e) => (
              <li key={e.id} data-testid={`aftercare-entry-${e.kind}`}>
                <time dateTime={e.at}>{formatTime(e.at, locale, undefined)}</time> <strong>{tx('aftercare.kind.', e.kind)}</strong> {e.actorName}
                {typeof e.detail.summary === 'string' && <span> — {e.detail.summary}</span>}
                {typeof e.detail.text === 'string' && <span className="aftercare-statement"> “{e.detail.text}”</span>}
                {e.kind === 'change' && <span> — {changeText(e.detail, t, tx)}</span>}
                {e.note && <p className="aftercare-note" data-testid="aftercare-note">{t('aftercare.noteLabel')}: {e.note}</p>}
              </li>
            ))}
          </ol>
          <h4>{t('aftercare.claims')}</h4>
          <table className="aftercare-claims" data-testid="aftercare-claims">
            <tbody>
              {record.claims.map((c) => (
                <tr key={c.id}>
                  <td>{c.claimDate}</td><td>{tx('aftercare.claimKind.', c.kind)}</td><td>{krw(c.amountKrw)}</td>
                  <td>{tx('aftercare.claimStatus.', c.status)}</td><td>{c.exceptionReason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {record.view === 'full' && <CounsellorForms record={record} onChanged={changed} />}
          {record.view === 'self' && <StatementForm id={record.id} onChanged={changed} />}
        </>
      )}
    </section>
  );
}

/** What a change entry changed: status, leave days, transfer. */
function changeText(detail: Record<string, unknown>, t: (key: 'aftercare.leaveDays' | 'aftercare.transfer') => string, tx: (prefix: string, value: string) => string): string {
  const parts: string[] = [];
  const status = detail.status as { from?: string; to?: string } | undefined;
  if (status?.to) parts.push(`${tx('aftercare.status.', status.from ?? '')} → ${tx('aftercare.status.', status.to)}`);
  const leave = detail.recoveryLeaveDays as { to?: number } | undefined;
  if (leave?.to !== undefined) parts.push(`${t('aftercare.leaveDays')}: ${leave.to}`);
  const transfer = detail.transfer as { to?: string; outcome?: string } | null | undefined;
  if (transfer?.to) parts.push(`${t('aftercare.transfer')}: ${transfer.to} (${tx('aftercare.transferOutcome.', transfer.outcome ?? 'pending')})`);
  return parts.join('; ');
}

export function RepeatWarning({ count }: { count: number }) {
  const { t } = useI18n();
  return <p className="aftercare-warning" role="alert" data-testid="aftercare-repeat-warning">{t('aftercare.repeatWarning', { count })}</p>;
}

function StatementForm({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      await aftercareApi.addStatement(id, text);
      setText('');
      setError(null);
      onChanged();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="aftercare-form" onSubmit={(e) => void submit(e)}>
      <label>{t('aftercare.statement')}<textarea value={text} onChange={(e) => setText(e.target.value)} data-testid="aftercare-statement-text" /></label>
      <FieldIssues issues={issuesAt(error, 'text')} testId="aftercare-statement-issues" />
      <button type="submit" data-testid="aftercare-statement-submit">{t('aftercare.addStatement')}</button>
      <ErrorText error={error} testId="aftercare-statement-error" />
    </form>
  );
}

/** The fields of each counsellor's form, by the paths the server names them with (api/areas/aftercare/routes.ts). */
const FIELDS = {
  entry: ['kind', 'summary', 'note'],
  claim: ['kind', 'amountKrw', 'claimDate', 'exceptionReason'],
  leave: ['recoveryLeaveDays', 'transfer'],
  status: [],
} as const satisfies Record<string, readonly string[]>;

function CounsellorForms({ record, onChanged }: { record: AftercareDetailView; onChanged: () => void }) {
  const { t, tx } = useI18n();
  const [kind, setKind] = useState('session');
  const [summary, setSummary] = useState('');
  const [note, setNote] = useState('');
  const [amount, setAmount] = useState('');
  const [claimKind, setClaimKind] = useState('treatment');
  const [claimDate, setClaimDate] = useState('');
  const [reason, setReason] = useState('');
  const [leave, setLeave] = useState(String(record.recoveryLeaveDays));
  const [transferTo, setTransferTo] = useState(record.transfer?.to ?? '');
  const [transferOutcome, setTransferOutcome] = useState(record.transfer?.outcome ?? 'pending');
  const [error, setError] = useState<unknown>(null);
  // Which of the forms was refused: its problems are shown in it, next to its own controls.
  const [failed, setFailed] = useState<keyof typeof FIELDS | null>(null);

  async function run(form: keyof typeof FIELDS, work: () => Promise<unknown>, after?: () => void) {
    try {
      await work();
      setError(null);
      setFailed(null);
      after?.();
      onChanged();
    } catch (err) {
      setError(err);
      setFailed(form);
    }
  }
  const errorOf = (form: keyof typeof FIELDS) => (failed === form ? error : null);
  const at = (form: keyof typeof FIELDS, field: string) => issuesAt(errorOf(form), field);
  /** The refusal of a form, and the problems none of its fields shows. */
  const rest = (form: keyof typeof FIELDS) => (
    <>
      <FieldIssues issues={issuesElsewhere(errorOf(form), FIELDS[form])} />
      <ErrorText error={errorOf(form)} testId="aftercare-form-error" />
    </>
  );
  const entry = (e: FormEvent) => {
    e.preventDefault();
    void run('entry', () => aftercareApi.addEntry(record.id, { kind, ...(summary.trim() ? { summary: summary.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) }), () => { setSummary(''); setNote(''); });
  };
  const claim = (e: FormEvent) => {
    e.preventDefault();
    void run('claim', () => aftercareApi.addClaim(record.id, {
      kind: claimKind, amountKrw: Number(amount), approve: true, ...(claimDate ? { claimDate } : {}), ...(reason.trim() ? { exceptionReason: reason.trim() } : {}),
    }), () => { setAmount(''); setReason(''); });
  };
  return (
    <div className="aftercare-forms">
      <form className="aftercare-form" onSubmit={entry}>
        <h4>{t('aftercare.addCare')}</h4>
        <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="aftercare-entry-kind">
          {['referral', 'session', 'programme'].map((k) => <option key={k} value={k}>{tx('aftercare.kind.', k)}</option>)}
        </select>
        <FieldIssues issues={at('entry', 'kind')} />
        <label>{t('aftercare.summary')}<input value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="aftercare-entry-summary" /></label>
        <FieldIssues issues={at('entry', 'summary')} />
        <label>{t('aftercare.noteConfidential')}<textarea value={note} onChange={(e) => setNote(e.target.value)} data-testid="aftercare-entry-note" /></label>
        <FieldIssues issues={at('entry', 'note')} />
        {rest('entry')}
        <button type="submit" data-testid="aftercare-entry-submit">{t('aftercare.save')}</button>
      </form>
      <form className="aftercare-form" onSubmit={claim}>
        <h4>{t('aftercare.addClaim')}</h4>
        <select value={claimKind} onChange={(e) => setClaimKind(e.target.value)} data-testid="aftercare-claim-kind">
          {['medical', 'treatment'].map((k) => <option key={k} value={k}>{tx('aftercare.claimKind.', k)}</option>)}
        </select>
        <FieldIssues issues={at('claim', 'kind')} />
        <label>{t('aftercare.amount')}<input inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="aftercare-claim-amount" /></label>
        <FieldIssues issues={at('claim', 'amountKrw')} testId="aftercare-claim-amount-issues" />
        <label>{t('aftercare.claimDate')}<input type="date" value={claimDate} onChange={(e) => setClaimDate(e.target.value)} data-testid="aftercare-claim-date" /></label>
        <FieldIssues issues={at('claim', 'claimDate')} />
        <label>{t('aftercare.exception')}<input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="aftercare-claim-reason" /></label>
        <FieldIssues issues={at('claim', 'exceptionReason')} />
        {/* Over the allowance, the refusal asks for the exception: said under that field. */}
        {rest('claim')}
        <button type="submit" data-testid="aftercare-claim-submit">{t('aftercare.approveClaim')}</button>
      </form>
      <form className="aftercare-form" onSubmit={(e) => { e.preventDefault(); void run('leave', () => aftercareApi.update(record.id, { recoveryLeaveDays: Number(leave), ...(transferTo.trim() ? { transfer: { to: transferTo.trim(), outcome: transferOutcome } } : {}) })); }}>
        <h4>{t('aftercare.leaveAndTransfer')}</h4>
        <label>{t('aftercare.leaveDays')}<input inputMode="numeric" value={leave} onChange={(e) => setLeave(e.target.value)} data-testid="aftercare-leave-input" /></label>
        <FieldIssues issues={at('leave', 'recoveryLeaveDays')} testId="aftercare-leave-issues" />
        <label>{t('aftercare.transferTo')}<input value={transferTo} onChange={(e) => setTransferTo(e.target.value)} data-testid="aftercare-transfer-to" /></label>
        <FieldIssues issues={at('leave', 'transfer')} />
        <select value={transferOutcome} onChange={(e) => setTransferOutcome(e.target.value as typeof transferOutcome)}>
          {['pending', 'approved', 'refused'].map((k) => <option key={k} value={k}>{tx('aftercare.transferOutcome.', k)}</option>)}
        </select>
        {rest('leave')}
        <button type="submit" data-testid="aftercare-leave-submit">{t('aftercare.save')}</button>
      </form>
      <div className="aftercare-form">
        <h4>{t('aftercare.setStatus')}</h4>
        {(['open', 'in_care', 'closed'] as const).map((s) => (
          <button key={s} type="button" disabled={record.status === s} data-testid={`aftercare-status-${s}`}
            onClick={() => void run('status', () => aftercareApi.update(record.id, { status: s }))}>{tx('aftercare.status.', s)}</button>
        ))}
        {rest('status')}
      </div>
    </div>
  );
}
