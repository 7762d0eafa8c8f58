/**
 * The software panic button for counter staff. Two steps so it is never sent by accident, yet
 * quick: the confirm button appears somewhere else (a double click or double Enter lands on the
 * now-disabled first button or on a checkbox, never on "Send"). Silent: no sound on this screen.
 */
import { useMemo, useRef, useState, useEffect } from 'react';
import type { Incident, Me, Site } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { STATUS_ICON } from './IncidentList.tsx';
import { ErrorText } from './ErrorText.tsx';

interface CounterChoice {
  key: string;
  siteId: string;
  counterId: string;
  label: string;
}

function countersOf(me: Me, sites: Site[]): CounterChoice[] {
  const mine = sites.filter((site) => me.siteIds.includes(site.id));
  const usable = mine.length > 0 ? mine : sites;
  return usable.flatMap((site) =>
    site.counters.map((counter) => ({
      key: `${site.id}/${counter.id}`,
      siteId: site.id,
      counterId: counter.id,
      label: `${counter.name}${counter.floor ? ` (${counter.floor})` : ''}${usable.length > 1 ? ` — ${site.name}` : ''}`,
    })),
  );
}

interface Props {
  me: Me;
  sites: Site[];
  /** The live open incidents, to follow the sent alarm's status. */
  incidents: ReadonlyMap<string, Incident>;
  onRaised: (incident: Incident) => void;
}

export function PanicButton({ me, sites, incidents, onRaised }: Props) {
  const { t, tx } = useI18n();
  const counters = useMemo(() => countersOf(me, sites), [me, sites]);
  const [choice, setChoice] = useState<string>('');
  const [confirming, setConfirming] = useState(false);
  const [violence, setViolence] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<Incident | null>(null);
  const violenceRef = useRef<HTMLInputElement>(null);

  const current = sent ? (incidents.get(sent.id) ?? sent) : null;
  const selected = counters.find((c) => c.key === choice) ?? counters[0];

  useEffect(() => {
    if (confirming) violenceRef.current?.focus();
  }, [confirming]);

  function cancel() {
    setConfirming(false);
    setViolence(false);
  }

  async function confirm() {
    if (!selected || busy) return;
    setBusy(true);
    setError(null);
    try {
      const incident = await api.raiseAlarm(selected.siteId, selected.counterId, violence);
      setSent(incident);
      onRaised(incident);
      setConfirming(false);
      setViolence(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel panic" aria-labelledby="panic-heading">
      <h2 id="panic-heading">{t('panic.title')}</h2>
      {counters.length === 0 ? (
        <p className="muted">{t('panic.noCounter')}</p>
      ) : (
        <>
          <div className="panic-first">
            <label htmlFor="panic-counter">{t('panic.counter')}</label>
            <select
              id="panic-counter"
              value={selected?.key ?? ''}
              onChange={(e) => setChoice(e.target.value)}
              disabled={confirming}
              data-testid="panic-counter"
            >
              {counters.map((c) => (
                <option key={c.key} value={c.key}>{c.label}</option>
              ))}
            </select>
            <button
              type="button"
              className="panic-button"
              data-testid="panic-button"
              aria-expanded={confirming}
              aria-controls="panic-confirm-step"
              disabled={confirming}
              onClick={() => {
                setError(null);
                setConfirming(true);
              }}
            >
              <span aria-hidden="true">⚠ </span>{confirming ? t('panic.pending') : t('panic.button')}
            </button>
          </div>
          {confirming && (
            <div className="panic-confirm-step" id="panic-confirm-step" role="group" aria-labelledby="panic-prompt">
              <p id="panic-prompt" className="panic-prompt">{t('panic.confirmPrompt')}</p>
              <label className="check violence-check">
                <input
                  ref={violenceRef}
                  type="checkbox"
                  checked={violence}
                  onChange={(e) => setViolence(e.target.checked)}
                  data-testid="panic-violence"
                />
                {t('panic.violence')}
              </label>
              <div className="panic-confirm-row">
                <button type="button" onClick={cancel} data-testid="panic-cancel">{t('panic.cancel')}</button>
                <button type="button" className="panic-confirm" onClick={() => void confirm()} disabled={busy} data-testid="panic-confirm">
                  {busy ? t('panic.sending') : t('panic.confirm')}
                </button>
              </div>
            </div>
          )}
          <ErrorText error={error} testId="panic-error" />
          {current && !confirming && (
            <p className="panic-sent" role="status" data-testid="panic-sent">
              <span aria-hidden="true">✔ </span>{t('panic.sent')} ({current.counterName || current.counterId}: <span aria-hidden="true">{STATUS_ICON[current.status] ?? ''} </span>{tx('status.', current.status)})
            </p>
          )}
        </>
      )}
    </section>
  );
}
