/**
 * The software panic button for counter staff. Two steps so it is never sent by accident, yet quick: the
 * confirm step appears somewhere else (a double click or double Enter lands on the now-disabled first button
 * or on a checkbox), and sending is a press-and-hold with visible progress. The counter is the person's own
 * (provisioning), else the one this device remembers; with neither, the button asks first. Silent: no sound.
 */
import { useMemo, useRef, useState, useEffect } from 'react';
import type { Incident, Me, Site } from '../../../api/contract/index.ts';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { STATUS_ICON } from './IncidentList.tsx';
import { ErrorText } from './ErrorText.tsx';
import { countersOf, initialCounter, ownCounters, rememberCounter, rememberedCounter } from '../desk/counter-choice.ts';
import { HoldButton } from '../desk/HoldButton.tsx';

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
  const own = useMemo(() => new Set(ownCounters(me, counters).map((c) => c.key)), [me, counters]);
  const [choice, setChoice] = useState<string>('');
  const [asked, setAsked] = useState(false);
  const [releasedEarly, setReleasedEarly] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  // The sites arrive after the first render: choose once they do, never overriding the person's own choice.
  useEffect(() => {
    if (!choice && counters.length > 0) setChoice(initialCounter(me, counters, rememberedCounter(me.id)));
  }, [counters, me, choice]);
  const [confirming, setConfirming] = useState(false);
  const [violence, setViolence] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<Incident | null>(null);
  const violenceRef = useRef<HTMLInputElement>(null);

  const current = sent ? (incidents.get(sent.id) ?? sent) : null;
  const selected = counters.find((c) => c.key === choice);

  useEffect(() => {
    if (confirming) violenceRef.current?.focus();
  }, [confirming]);

  function cancel() {
    setConfirming(false);
    setViolence(false);
  }

  function choose(key: string) {
    setChoice(key);
    setAsked(false);
    if (key) rememberCounter(me.id, key);
  }

  async function confirm() {
    if (!selected || busy) return;
    setBusy(true);
    setError(null);
    setReleasedEarly(false);
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
              ref={selectRef}
              value={selected?.key ?? ''}
              onChange={(e) => choose(e.target.value)}
              disabled={confirming}
              aria-invalid={asked}
              data-testid="panic-counter"
            >
              {!selected && <option value="">— {t('panic.chooseCounter')} —</option>}
              {counters.map((c) => (
                <option key={c.key} value={c.key}>{own.has(c.key) ? `★ ${c.label}` : c.label}</option>
              ))}
            </select>
            {asked && <p className="error-text" role="alert" data-testid="panic-choose-first">{t('panic.chooseCounter')}</p>}
            <button
              type="button"
              className="panic-button"
              data-testid="panic-button"
              aria-expanded={confirming}
              aria-controls="panic-confirm-step"
              disabled={confirming}
              onClick={() => {
                setError(null);
                setReleasedEarly(false);
                if (!selected) {
                  // No counter known: ask first, never guess.
                  setAsked(true);
                  selectRef.current?.focus();
                  return;
                }
                setConfirming(true);
              }}
            >
              <span aria-hidden="true">⚠ </span>{confirming ? t('panic.pending') : t('panic.button')}
            </button>
          </div>
          {confirming && (
            <div className="panic-confirm-step" id="panic-confirm-step" role="group" aria-labelledby="panic-prompt">
              <p id="panic-prompt" className="panic-prompt">{t('panic.confirmPrompt')} <strong data-testid="panic-where">{selected?.label}</strong></p>
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
                <HoldButton
                  className="panic-confirm"
                  testId="panic-confirm"
                  disabled={busy}
                  onHeld={() => void confirm()}
                  onReleasedEarly={() => setReleasedEarly(true)}
                  label={busy ? t('panic.sending') : <>{t('panic.confirm')}<br /><small>{t('panic.holdHint')}</small></>}
                  holdingLabel={(percent) => t('panic.holding', { percent })}
                />
              </div>
              {releasedEarly && <p className="error-text" role="alert" data-testid="panic-released-early">{t('panic.releasedEarly')}</p>}
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
