/** Response buttons for guards, managers and admins, in the order the work is done, plus a note. */
import { useState, type FormEvent } from 'react';
import type { Incident, ResponseEventType } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { RESPONSE_ACTIONS } from '../incidents.ts';
import { ErrorText } from './ErrorText.tsx';
import { SeparationForm } from '../aftercare/SeparationForm.tsx';

export function ResponseActions({ incidentId, onRecorded }: { incidentId: string; onRecorded: (incident: Incident) => void }) {
  const { t, tx } = useI18n();
  const [busy, setBusy] = useState<ResponseEventType | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [separating, setSeparating] = useState(false);

  async function record(type: ResponseEventType, text?: string) {
    setBusy(type);
    setError(null);
    try {
      onRecorded(await api.recordEvent(incidentId, type, text));
      if (type === 'note') setNote('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  function submitNote(event: FormEvent) {
    event.preventDefault();
    const text = note.trim();
    if (!text) {
      setError(t('actions.noteRequired'));
      return;
    }
    void record('note', text);
  }

  return (
    <div className="actions" aria-labelledby="actions-heading">
      <h3 id="actions-heading">{t('actions.title')}</h3>
      <div className="action-buttons">
        {RESPONSE_ACTIONS.map((type) => (
          <button
            key={type}
            type="button"
            data-testid={`action-${type}`}
            disabled={busy !== null}
            onClick={() => (type === 'victim_separated' ? setSeparating(true) : void record(type))}
          >
            {busy === type ? t('actions.saving') : tx('event.', type)}
          </button>
        ))}
      </div>
      {separating && <SeparationForm incidentId={incidentId} onRecorded={onRecorded} onCancel={() => setSeparating(false)} />}
      <form className="note-form" onSubmit={submitNote}>
        <label htmlFor={`note-${incidentId}`}>{t('actions.noteLabel')}</label>
        <div className="inline">
          <input
            id={`note-${incidentId}`}
            value={note}
            placeholder={t('actions.notePlaceholder')}
            onChange={(e) => setNote(e.target.value)}
            data-testid="note-input"
          />
          <button type="submit" data-testid="action-note" disabled={busy !== null}>
            {busy === 'note' ? t('actions.saving') : t('event.note')}
          </button>
        </div>
      </form>
      <ErrorText error={error} testId="actions-error" />
    </div>
  );
}
