import { useState, type FormEvent } from 'react';
import type { Incident } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { incidentLabel } from '../incidents.ts';
import { ErrorText } from './ErrorText.tsx';

/** A caller reads out a reference (2026-0042, or just 42): the incidents of any status that carry it. */
export function ReferenceSearch({ onSelect }: { onSelect: (id: string) => void }) {
  const i18n = useI18n();
  const { t, tx } = i18n;
  const [text, setText] = useState('');
  const [found, setFound] = useState<{ reference: string; items: Incident[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    const reference = text.trim();
    if (!reference) return;
    setError(null);
    try {
      setFound({ reference, items: await api.findByReference(reference) });
    } catch (err) {
      setFound(null);
      setError(err);
    }
  }

  return (
    <form className="reference-search" onSubmit={(e) => void search(e)} role="search">
      <label>
        {t('list.search')}{' '}
        <input value={text} onChange={(e) => setText(e.target.value)} placeholder={t('list.searchHint')} inputMode="numeric" data-testid="reference-search" />
      </label>{' '}
      <button type="submit" data-testid="reference-search-go">{t('list.searchButton')}</button>
      <ErrorText error={error} testId="reference-search-error" />
      {found && found.items.length === 0 && <p className="muted" data-testid="reference-search-none">{t('list.searchNone', { reference: found.reference })}</p>}
      {found && found.items.length > 0 && (
        <ul aria-label={t('list.searchResults')} data-testid="reference-search-results">
          {found.items.map((i) => (
            <li key={i.id}>
              <button type="button" className="link-button" onClick={() => onSelect(i.id)}>
                <strong>{incidentLabel(i)}</strong> · {i.counterName || i.counterId} · {tx('status.', i.status)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
