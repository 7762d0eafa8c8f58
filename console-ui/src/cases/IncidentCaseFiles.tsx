/**
 * On an incident: the known-complainant warning ("known complainant, N earlier incidents at sites …"), its case
 * files as the viewer may see them, and for legal a button that opens a case file from the incident.
 */
import { useEffect, useState } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import type { IncidentCaseFilesView } from '../../../api/contract/cases.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n } from '../i18n.ts';
import { casesApi } from './api.ts';
import { ComplainantWarningText } from './CaseDetail.tsx';

const mayLook = (me: Me) => me.roles.some((r) => r === 'legal' || r === 'auditor' || r === 'manager');

export function IncidentCaseFiles({ incidentId, me, classification, label }: { incidentId: string; me: Me; classification: string[]; label: string }) {
  const { t, tx } = useI18n();
  const [view, setView] = useState<IncidentCaseFilesView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [opened, setOpened] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!mayLook(me)) return;
    casesApi.incidentCaseFiles(incidentId).then(setView, setError);
  }, [incidentId, me, version]);
  if (!mayLook(me) || (!view && !error)) return null;
  if (view && !view.cases.length && !view.complainants.length && !view.canOpenCase) return null;

  async function open() {
    try {
      await casesApi.create({ title: label, incidentIds: [incidentId], classification, complainantId: null });
      setOpened(true);
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="cases-on-incident" data-testid="incident-case-files">
      <h3>{t('cases.onIncident')}</h3>
      <ErrorText error={error} />
      {view?.complainants.map((w) => <ComplainantWarningText key={w.complainantId} w={w} />)}
      <ul>
        {view?.cases.map((c) => (
          <li key={c.id}>{'title' in c ? `${c.title} · ${tx('cases.status.', c.status)}` : t('cases.existsOnly', { status: tx('cases.status.', c.status) })}</li>
        ))}
      </ul>
      {opened && <p role="status">{t('cases.openedFromIncident')}</p>}
      {view?.canOpenCase && !view.cases.length && (
        <button type="button" onClick={() => void open()} data-testid="incident-open-case">{t('cases.openFromIncident')}</button>
      )}
    </div>
  );
}
