/** Recording a separation: who (one or more staff, or a name), where to; the one recording is "by whom". */
import { useEffect, useState, type FormEvent } from 'react';
import type { Incident } from '../../../api/contract/index.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n } from '../i18n.ts';
import { aftercareApi, type Separation } from './api.ts';

export function SeparationForm({ incidentId, onRecorded, onCancel }: { incidentId: string; onRecorded: (i: Incident) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [staff, setStaff] = useState<{ id: string; name: string }[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [otherName, setOtherName] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    aftercareApi.staff(incidentId).then(setStaff, setError);
  }, [incidentId]);

  function toggle(id: string) {
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const victims = [...[...chosen].map((personId) => ({ personId })), ...(otherName.trim() ? [{ name: otherName.trim() }] : [])];
    setBusy(true);
    setError(null);
    try {
      const body: Separation = { ...(victims.length ? { victims } : {}), ...(to.trim() ? { separatedTo: to.trim() } : {}) };
      onRecorded(await aftercareApi.separate(incidentId, body));
      onCancel();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="aftercare-separation" onSubmit={(e) => void submit(e)} data-testid="separation-form">
      <fieldset>
        <legend>{t('separation.who')}</legend>
        {staff.map((p) => (
          <label key={p.id} className="aftercare-check">
            <input type="checkbox" checked={chosen.has(p.id)} onChange={() => toggle(p.id)} data-testid={`separation-victim-${p.id}`} />
            {p.name}
          </label>
        ))}
        <label>
          {t('separation.otherName')}
          <input value={otherName} onChange={(e) => setOtherName(e.target.value)} data-testid="separation-other" />
        </label>
      </fieldset>
      <label>
        {t('separation.to')}
        <input value={to} onChange={(e) => setTo(e.target.value)} placeholder={t('separation.toPlaceholder')} data-testid="separation-to" />
      </label>
      <div className="inline">
        <button type="submit" disabled={busy} data-testid="separation-submit">{busy ? t('actions.saving') : t('separation.record')}</button>
        <button type="button" onClick={onCancel}>{t('aftercare.cancel')}</button>
      </div>
      <ErrorText error={error} testId="separation-error" />
    </form>
  );
}

/** The separation's details on the timeline: who, where to, by whom, and how long after the press. */
export function SeparationText({ data, openedAt, at }: { data: Record<string, unknown>; openedAt: string; at: string }) {
  const { t } = useI18n();
  const victims = Array.isArray(data.victims) ? (data.victims as { name?: string }[]).map((v) => v.name ?? '?') : [];
  const seconds = Math.max(0, Math.round((Date.parse(at) - Date.parse(openedAt)) / 1000));
  const after = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return (
    <span className="aftercare-separation-text" data-testid="separation-text">
      {victims.length > 0 && <> {t('separation.victims', { names: victims.join(', ') })}</>}
      {typeof data.separatedTo === 'string' && <> {t('separation.toText', { place: data.separatedTo })}</>}
      {typeof data.separatedByName === 'string' && <> {t('separation.byText', { name: data.separatedByName })}</>}
      {' '}{t('separation.afterPress', { after })}
    </span>
  );
}
