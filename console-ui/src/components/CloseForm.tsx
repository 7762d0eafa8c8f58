/** Managers and admins close an incident with an outcome and one or more classifications. */
import { useState, type FormEvent } from 'react';
import { CLASSIFICATIONS } from '../../../api/contract/index.ts';
import type { Classification, Incident } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorText } from './ErrorText.tsx';

export function CloseForm({ incidentId, onClosed }: { incidentId: string; onClosed: (incident: Incident) => void }) {
  const { t, tx } = useI18n();
  const [outcome, setOutcome] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<Classification>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  function toggle(c: Classification, on: boolean) {
    setChosen((current) => {
      const next = new Set(current);
      if (on) next.add(c);
      else next.delete(c);
      return next;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const text = outcome.trim();
    if (!text) return setError(t('close.needOutcome'));
    if (chosen.size === 0) return setError(t('close.needClassification'));
    setBusy(true);
    setError(null);
    try {
      onClosed(await api.close(incidentId, text, CLASSIFICATIONS.filter((c) => chosen.has(c))));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="close-form" onSubmit={submit} data-testid="close-form">
      <h3>{t('close.title')}</h3>
      <label htmlFor={`outcome-${incidentId}`}>{t('close.outcome')}</label>
      <textarea
        id={`outcome-${incidentId}`}
        rows={2}
        value={outcome}
        onChange={(e) => setOutcome(e.target.value)}
        data-testid="close-outcome"
      />
      <fieldset>
        <legend>{t('close.classification')}</legend>
        <div className="checks">
          {CLASSIFICATIONS.map((c) => (
            <label key={c} className="check">
              <input
                type="checkbox"
                checked={chosen.has(c)}
                onChange={(e) => toggle(c, e.target.checked)}
                data-testid={`close-class-${c}`}
              />
              {tx('classification.', c)}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorText error={error} testId="close-error" />
      <button type="submit" className="danger" disabled={busy} data-testid="action-close">
        {busy ? t('actions.saving') : t('close.submit')}
      </button>
    </form>
  );
}
