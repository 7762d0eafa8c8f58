/** Drill participants picked by name from the site's people: a search box and a list of checkboxes. */
import { useEffect, useId, useState } from 'react';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import type { FieldIssue } from '../forms/field-issues.ts';
import { useI18n } from '../i18n.ts';
import { drillsApi, type DrillPerson } from './api.ts';

export function ParticipantPicker({ siteId, value, onChange, issues }: {
  siteId: string | undefined; value: string[]; onChange: (ids: string[]) => void; issues: readonly FieldIssue[];
}) {
  const { t, tx } = useI18n();
  const id = useId();
  const [people, setPeople] = useState<DrillPerson[] | null>(null);
  const [search, setSearch] = useState('');
  useEffect(() => {
    setPeople(null);
    if (siteId) drillsApi.people(siteId).then(setPeople, () => setPeople([]));
  }, [siteId]);
  const needle = search.trim().toLocaleLowerCase();
  const shown = (people ?? []).filter((p) => !needle || p.name.toLocaleLowerCase().includes(needle) || value.includes(p.id));
  const toggle = (personId: string, on: boolean) => onChange(on ? [...value, personId] : value.filter((v) => v !== personId));
  // A refused entry is said with the person's name where the list knows it.
  const nameOf = (issue: FieldIssue) => {
    const index = Number(issue.path.split('.')[1]);
    const pid = Number.isInteger(index) ? value[index] : undefined;
    return pid ? (people?.find((p) => p.id === pid)?.name ?? null) : null;
  };
  return (
    <fieldset className={`drills-participants${issues.length > 0 ? ' field-invalid' : ''}`} data-testid="drills-plan-participants" aria-describedby={issues.length > 0 ? `${id}-issues` : undefined}>
      <legend>{t('drills.participants')} <span className="muted">({t('drills.participantsChosen', { count: value.length })})</span></legend>
      <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('drills.participantsSearch')}
        aria-label={t('drills.participantsSearch')} data-testid="drills-plan-participants-search" />
      {people === null ? <p className="muted">{t('drills.participantsLoading')}</p>
        : people.length === 0 ? <p className="muted">{t('drills.participantsNone')}</p>
        : (
          <ul className="drills-people">
            {shown.map((p) => (
              <li key={p.id}>
                <label>
                  <input type="checkbox" checked={value.includes(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} data-testid={`drills-participant-${p.id}`} />
                  {p.name} <span className="muted">({p.roles.map((r) => tx('role.', r)).join(', ')})</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      <FieldIssues issues={issues} id={`${id}-issues`} testId="drills-plan-participants-issues" label={nameOf} />
    </fieldset>
  );
}
