/** People and their roles, sites and login; a password is set here and never shown. */
import { useState, type FormEvent } from 'react';
import { ROLES } from '../../../api/contract/index.ts';
import { useI18n, type MessageKey } from '../i18n.ts';
import { adminApi, type AdminDirectory, type AdminPerson } from './api.ts';
import { Checks, clean, Field, FormErrors, optional, useSubmit } from './FormKit.tsx';

const FIELDS = ['id', 'name', 'roles', 'siteIds', 'phone', 'email', 'language', 'username', 'password'];

export function PeopleTab({ dir, reload, myId }: { dir: AdminDirectory; reload: () => void; myId: string }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState('');
  const person = dir.people.find((p) => p.id === selected);
  return (
    <div className="admin-two">
      <section className="panel" aria-labelledby="admin-people-h">
        <h2 id="admin-people-h">{t('admin.people')}</h2>
        <ul className="admin-list" data-testid="admin-person-list">
          <li><button type="button" className="link-button" aria-pressed={selected === ''} onClick={() => setSelected('')}>+ {t('admin.person.new')}</button></li>
          {dir.people.map((p) => (
            <li key={p.id}>
              <button type="button" className="link-button" aria-pressed={selected === p.id} onClick={() => setSelected(p.id)}>
                {p.name} <span className="muted">({p.id}; {p.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ')}{p.active ? '' : `; ${t('admin.person.inactive')}`})</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <PersonEditor key={selected || '(new)'} dir={dir} person={person} myId={myId} onSaved={(id) => { setSelected(id); reload(); }} />
    </div>
  );
}

function PersonEditor({ dir, person, myId, onSaved }: { dir: AdminDirectory; person: AdminPerson | undefined; myId: string; onSaved: (id: string) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState({
    id: person?.id ?? '', name: person?.name ?? '', roles: person?.roles ?? [], siteIds: person?.siteIds ?? [],
    phone: person?.phone ?? '', email: person?.email ?? '', language: person?.language ?? 'ko', username: person?.username ?? '', password: '',
  });
  const [saved, setSaved] = useState(false);
  const { problems, error, busy, run } = useSubmit();
  const set = (k: 'id' | 'name' | 'phone' | 'email' | 'language' | 'username' | 'password') => (e: { target: { value: string } }) => { setF({ ...f, [k]: e.target.value }); setSaved(false); };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = clean({
      id: person ? undefined : f.id.trim(), name: f.name, roles: f.roles, siteIds: f.siteIds, phone: optional(f.phone), email: optional(f.email),
      language: f.language, username: optional(f.username), password: f.password === '' ? undefined : f.password,
    });
    const r = await run(() => (person ? adminApi.updatePerson(person.id, body) : adminApi.createPerson(body)));
    if (r) { setSaved(true); onSaved(r.person.id); }
  };
  const toggle = async () => {
    if (!person) return;
    if (person.active && !window.confirm(t('admin.person.deactivateConfirm', { name: person.name }))) return;
    const r = await run(() => adminApi.setActive(person.id, !person.active));
    if (r) onSaved(person.id);
  };

  return (
    <form className="panel admin-form" onSubmit={submit} noValidate data-testid="admin-person-form">
      <h2>{person ? t('admin.person.edit', { name: person.name }) : t('admin.person.new')}</h2>
      {person && !person.active && <p className="warning-text">{t('admin.person.inactiveNote')}</p>}
      {!person && <Field label={t('admin.field.id')} field="id" problems={problems} hint={t('admin.hint.id')}>{(p) => <input {...p} value={f.id} onChange={set('id')} autoComplete="off" />}</Field>}
      <Field label={t('admin.field.name')} field="name" problems={problems}>{(p) => <input {...p} value={f.name} onChange={set('name')} />}</Field>
      <Checks legend={t('admin.field.roles')} field="roles" problems={problems} value={f.roles} onChange={(roles) => setF({ ...f, roles })}
        options={ROLES.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }))} />
      <Checks legend={t('admin.field.sites')} field="siteIds" problems={problems} value={f.siteIds} onChange={(siteIds) => setF({ ...f, siteIds })}
        options={dir.sites.map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))} />
      <Field label={t('admin.field.phone')} field="phone" problems={problems} hint={t('admin.hint.phone')}>{(p) => <input {...p} type="tel" value={f.phone} onChange={set('phone')} />}</Field>
      <Field label={t('admin.field.email')} field="email" problems={problems}>{(p) => <input {...p} type="email" value={f.email} onChange={set('email')} />}</Field>
      <Field label={t('admin.field.language')} field="language" problems={problems}>{(p) => (
        <select {...p} value={f.language} onChange={set('language')}><option value="ko">한국어</option><option value="en">English</option></select>
      )}</Field>
      <Field label={t('admin.field.username')} field="username" problems={problems}>{(p) => <input {...p} value={f.username} onChange={set('username')} autoComplete="off" />}</Field>
      <Field label={t('admin.field.password')} field="password" problems={problems} hint={person?.hasPassword ? t('admin.hint.keepPassword') : t('admin.hint.password')}>
        {(p) => <input {...p} type="password" value={f.password} onChange={set('password')} autoComplete="new-password" />}
      </Field>
      <FormErrors error={error} problems={problems} fields={FIELDS} />
      {saved && <p className="admin-saved" role="status">{t('admin.saved')}</p>}
      <div className="admin-actions">
        <button type="submit" className="admin-primary" disabled={busy}>{person ? t('admin.save') : t('admin.create')}</button>
        {person && person.id !== myId && (
          <button type="button" onClick={() => void toggle()} disabled={busy}>{person.active ? t('admin.person.deactivate') : t('admin.person.activate')}</button>
        )}
      </div>
    </form>
  );
}
