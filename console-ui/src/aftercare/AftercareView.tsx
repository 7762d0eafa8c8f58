/**
 * The victim view. Counsellors and managers: victims awaiting aftercare, staff targeted repeatedly,
 * the records (whole for counsellors, status only for managers). Staff: their own incidents and support.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import type { AftercareStatusView, MyIncidentView, RepeatTargetingView } from '../../../api/contract/aftercare.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { formatTime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { aftercareApi, type VictimWithoutRecord } from './api.ts';
import { RecordPanel, RepeatWarning } from './RecordPanel.tsx';

export function canSeeAftercare(me: Me): boolean {
  return me.roles.some((r) => r === 'counselor' || r === 'manager' || r === 'auditor' || r === 'staff');
}

const mayOpen = (me: Me) => me.roles.includes('counselor') || me.roles.includes('manager');

export function AftercareView({ me }: { me: Me }) {
  const { t, tx, locale } = useI18n();
  const [records, setRecords] = useState<AftercareStatusView[]>([]);
  const [victims, setVictims] = useState<VictimWithoutRecord[]>([]);
  const [targets, setTargets] = useState<(RepeatTargetingView & { personName: string })[]>([]);
  const [mine, setMine] = useState<MyIncidentView[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(() => {
    const work: Promise<unknown>[] = [aftercareApi.list().then(setRecords)];
    if (mayOpen(me)) work.push(aftercareApi.victims().then(setVictims), aftercareApi.repeatTargets().then(setTargets));
    if (me.roles.includes('staff')) work.push(aftercareApi.myIncidents().then(setMine));
    Promise.all(work).then(() => setError(null), setError);
  }, [me]);
  useEffect(reload, [reload]);

  async function open(v: VictimWithoutRecord) {
    try {
      const r = await aftercareApi.open(v.incidentId, v.personId);
      reload();
      setSelected(r.id);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="aftercare-view" data-testid="aftercare-view">
      <ErrorText error={error} testId="aftercare-view-error" />
      {targets.length > 0 && (
        <section className="panel" aria-label={t('aftercare.repeatTitle')}>
          <h2>{t('aftercare.repeatTitle')}</h2>
          <ul>{targets.map((x) => <li key={x.personId} data-testid={`aftercare-target-${x.personId}`}>{x.personName}: <RepeatWarning count={x.count} /></li>)}</ul>
        </section>
      )}
      {me.roles.includes('staff') && (
        <section className="panel" aria-label={t('aftercare.myIncidents')}>
          <h2>{t('aftercare.myIncidents')}</h2>
          {mine.length === 0 ? <p className="muted">{t('aftercare.noIncidents')}</p> : (
            <ul data-testid="aftercare-my-incidents">
              {mine.map((i) => (
                <li key={i.incidentId}>
                  {formatTime(i.openedAt, locale, undefined)} · {i.siteName} · {i.counterName} · {tx('status.', i.status)}
                  {i.separatedAt && <> · {t('aftercare.separatedAt', { time: formatTime(i.separatedAt, locale, undefined), place: i.separatedTo ?? '—' })}</>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {mayOpen(me) && victims.length > 0 && (
        <section className="panel" aria-label={t('aftercare.awaiting')}>
          <h2>{t('aftercare.awaiting')}</h2>
          <ul>
            {victims.map((v) => (
              <li key={`${v.incidentId}-${v.personId}`}>
                {v.personName} · {formatTime(v.openedAt, locale, undefined)}{' '}
                <button type="button" onClick={() => void open(v)} data-testid={`aftercare-open-${v.personId}`}>{t('aftercare.open')}</button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="panel" aria-label={t('aftercare.records')}>
        <h2>{me.roles.includes('counselor') || !me.roles.includes('staff') ? t('aftercare.records') : t('aftercare.mySupport')}</h2>
        {records.length === 0 ? <p className="muted">{t('aftercare.noRecords')}</p> : (
          <ul className="aftercare-list" data-testid="aftercare-list">
            {records.map((r) => (
              <li key={r.id}>
                <button type="button" onClick={() => setSelected(r.id)} data-testid={`aftercare-item-${r.personId}`}>
                  {r.personName} — {tx('aftercare.status.', r.status)}
                </button>
                {r.repeatTargeting && <span className="aftercare-badge">⚠ {r.repeatTargeting.count}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {selected && <RecordPanel key={selected} id={selected} onChanged={reload} />}
    </div>
  );
}
