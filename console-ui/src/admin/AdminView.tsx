/**
 * Administration: sites with counters, bells, people and roles, rosters, escalation policies.
 * Shown to admins only; the server refuses everyone else on every admin route anyway.
 */
import { useCallback, useEffect, useState, type KeyboardEvent } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n, type MessageKey } from '../i18n.ts';
import { adminApi, type AdminDirectory } from './api.ts';
import { BellsTab } from './BellsTab.tsx';
import { PeopleTab } from './PeopleTab.tsx';
import { EscalationTab, RosterTab } from './RosterTab.tsx';
import { SitesTab } from './SitesTab.tsx';

export function canAdminister(me: Me): boolean {
  return me.roles.includes('admin');
}

const TABS = ['sites', 'bells', 'people', 'roster', 'escalation'] as const;
type Tab = (typeof TABS)[number];

export function AdminView({ me }: { me: Me }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('sites');
  const [dir, setDir] = useState<AdminDirectory | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(() => {
    adminApi.directory().then((d) => { setDir(d); setError(null); }, setError);
  }, []);
  useEffect(reload, [reload]);

  // Tabs as the WAI-ARIA pattern: arrow keys move between them, Tab goes into the panel.
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    document.getElementById(`admin-tab-${next}`)?.focus();
  };

  return (
    <div className="admin-view" data-testid="admin-view">
      <h1>{t('admin.title')}</h1>
      <div role="tablist" aria-label={t('admin.title')} className="admin-tabs">
        {TABS.map((id) => (
          <button key={id} id={`admin-tab-${id}`} type="button" role="tab" aria-selected={tab === id} aria-controls="admin-panel"
            tabIndex={tab === id ? 0 : -1} onClick={() => setTab(id)} onKeyDown={onKey}>
            {t(`admin.tab.${id}` as MessageKey)}
          </button>
        ))}
      </div>
      <div id="admin-panel" role="tabpanel" aria-labelledby={`admin-tab-${tab}`}>
        <ErrorText error={error} />
        {dir && tab === 'sites' && <SitesTab dir={dir} reload={reload} />}
        {dir && tab === 'bells' && <BellsTab dir={dir} reload={reload} />}
        {dir && tab === 'people' && <PeopleTab dir={dir} reload={reload} myId={me.id} />}
        {dir && tab === 'roster' && <RosterTab dir={dir} reload={reload} />}
        {dir && tab === 'escalation' && <EscalationTab dir={dir} reload={reload} />}
      </div>
    </div>
  );
}
