/** A site's guard roster and its escalation policy, as the site's `roster` and `escalation` in the provisioning file. */
import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n.ts';
import { adminApi, type AdminDirectory, type AdminSite } from './api.ts';
import { FormErrors, Problems, problemsAt, useSubmit } from './FormKit.tsx';

/** `2026-11-23T09:00` in the browser's zone, for a datetime-local input. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A datetime-local value as an RFC 3339 time; what cannot be read goes as typed, so the server names it. */
function rfc3339(local: string): string {
  const d = new Date(local);
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : local;
}

export function SitePicker({ dir, value, onChange }: { dir: AdminDirectory; value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  return (
    <label className="admin-field">{t('admin.field.site')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="admin-site-picker">
        {dir.sites.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.id})</option>)}
      </select>
    </label>
  );
}

export function RosterTab({ dir, reload }: { dir: AdminDirectory; reload: () => void }) {
  const [siteId, setSiteId] = useState(dir.sites[0]?.id ?? '');
  const site = dir.sites.find((s) => s.id === siteId);
  return (
    <div>
      <SitePicker dir={dir} value={siteId} onChange={setSiteId} />
      {site && <RosterEditor key={site.id} dir={dir} site={site} onSaved={reload} />}
    </div>
  );
}

function RosterEditor({ dir, site, onSaved }: { dir: AdminDirectory; site: AdminSite; onSaved: () => void }) {
  const { t } = useI18n();
  // A shift's problem names its column (경비원, 시작, 종료), not the file's key.
  const columns: Record<string, string> = { personId: t('admin.roster.guard'), startsAt: t('admin.roster.from'), endsAt: t('admin.roster.to') };
  const shiftPart = (rest: string) => (rest === '' ? null : columns[rest] ?? rest);
  const guards = dir.people.filter((p) => p.active && p.roles.includes('guard') && p.siteIds.includes(site.id));
  const [rows, setRows] = useState(site.roster.map((s) => ({ personId: s.personId, startsAt: localInput(s.startsAt), endsAt: localInput(s.endsAt) })));
  const [saved, setSaved] = useState(false);
  const { problems, error, busy, run } = useSubmit();
  const update = (i: number, k: 'personId' | 'startsAt' | 'endsAt', v: string) => { setRows(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r))); setSaved(false); };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await run(() => adminApi.setRoster(site.id, rows.map((row) => ({ personId: row.personId, startsAt: rfc3339(row.startsAt), endsAt: rfc3339(row.endsAt) }))));
    if (r) { setSaved(true); onSaved(); }
  };
  const cell = (i: number, k: string) => problemsAt(problems, `roster[${i}].${k}`);
  return (
    <form className="panel admin-form" onSubmit={submit} noValidate data-testid="admin-roster-form">
      <h2>{t('admin.roster.title', { site: site.name })}</h2>
      <p className="muted">{t('admin.roster.note')}</p>
      {rows.length === 0 && <p>{t('admin.roster.empty')}</p>}
      <ol className="admin-shifts">
        {rows.map((row, i) => (
          <li key={i} className="admin-shift">
            <label>{t('admin.roster.guard')}
              <select value={row.personId} onChange={(e) => update(i, 'personId', e.target.value)} aria-invalid={cell(i, 'personId').length > 0}>
                {!guards.some((g) => g.id === row.personId) && <option value={row.personId}>{row.personId || t('admin.none')}</option>}
                {guards.map((g) => <option key={g.id} value={g.id}>{g.name} ({g.id})</option>)}
              </select>
            </label>
            <label>{t('admin.roster.from')}<input type="datetime-local" value={row.startsAt} onChange={(e) => update(i, 'startsAt', e.target.value)} aria-invalid={cell(i, 'startsAt').length > 0} /></label>
            <label>{t('admin.roster.to')}<input type="datetime-local" value={row.endsAt} onChange={(e) => update(i, 'endsAt', e.target.value)} aria-invalid={cell(i, 'endsAt').length > 0} /></label>
            <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t('admin.roster.remove')}</button>
            <Problems problems={problemsAt(problems, `roster[${i}]`)} testId={`problem-roster-${i}`} label={(p) => shiftPart(p.path.replace(/^roster\[\d+\]\.?/, ''))} />
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => setRows([...rows, { personId: guards[0]?.id ?? '', startsAt: '', endsAt: '' }])}>+ {t('admin.roster.add')}</button>
      <FormErrors error={error} problems={problems} fields={['roster']} />
      {saved && <p className="admin-saved" role="status">{t('admin.saved')}</p>}
      <button type="submit" className="admin-primary" disabled={busy}>{t('admin.save')}</button>
    </form>
  );
}

export function EscalationTab({ dir, reload }: { dir: AdminDirectory; reload: () => void }) {
  const [siteId, setSiteId] = useState(dir.sites[0]?.id ?? '');
  const site = dir.sites.find((s) => s.id === siteId);
  return (
    <div>
      <SitePicker dir={dir} value={siteId} onChange={setSiteId} />
      {site && <EscalationEditor key={site.id} site={site} onSaved={reload} />}
    </div>
  );
}

function EscalationEditor({ site, onSaved }: { site: AdminSite; onSaved: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(site.escalation ? JSON.stringify(site.escalation, null, 2) : '');
  const [saved, setSaved] = useState(false);
  const [syntax, setSyntax] = useState('');
  const { problems, error, busy, run } = useSubmit();
  // A site on the default policy starts from the default's text.
  useEffect(() => {
    if (site.escalation) return;
    adminApi.policy(site.id).then((r) => setText((old) => old || JSON.stringify(r.policy, null, 2)), () => undefined);
  }, [site.id, site.escalation]);
  const save = async (policy: unknown) => {
    const r = await run(() => adminApi.setEscalation(site.id, policy));
    if (r) { setSaved(true); setText(r.site.escalation ? JSON.stringify(r.site.escalation, null, 2) : ''); onSaved(); }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSyntax('');
    let policy: unknown;
    try {
      policy = JSON.parse(text);
    } catch (err) {
      setSyntax(err instanceof Error ? err.message : String(err));
      return;
    }
    await save(policy);
  };
  const mine = problemsAt(problems, 'escalation');
  return (
    <form className="panel admin-form" onSubmit={submit} noValidate data-testid="admin-escalation-form">
      <h2>{t('admin.escalation.title', { site: site.name })}</h2>
      <p>{site.escalation ? t('admin.escalation.own') : t('admin.escalation.default')}</p>
      <label className="admin-field" htmlFor="admin-policy">{t('admin.escalation.json')}</label>
      <textarea id="admin-policy" className="admin-policy" rows={14} value={text} spellCheck={false}
        placeholder={t('admin.escalation.placeholder')} aria-invalid={mine.length > 0 || syntax !== ''} aria-describedby="admin-policy-err"
        onChange={(e) => { setText(e.target.value); setSaved(false); }} />
      <div id="admin-policy-err">
        {syntax && <p className="error-text" role="status">{t('admin.escalation.syntax', { error: syntax })}</p>}
        <Problems problems={mine} testId="problem-escalation" />
      </div>
      <FormErrors error={error} problems={problems} fields={['escalation']} />
      {saved && <p className="admin-saved" role="status">{t('admin.saved')}</p>}
      <div className="admin-actions">
        <button type="submit" className="admin-primary" disabled={busy}>{t('admin.save')}</button>
        {site.escalation != null && <button type="button" disabled={busy} onClick={() => void save(null)}>{t('admin.escalation.useDefault')}</button>}
      </div>
    </form>
  );
}
