/** Sites and their counters. */
import { useEffect, useState, type FormEvent } from 'react';
import { DEFAULT_TIMEZONE } from '../../../api/contract/index.ts';
import { useI18n } from '../i18n.ts';
import { adminApi, type AdminDirectory, type AdminSite } from './api.ts';
import { clean, Field, FormErrors, list, number, optional, useSubmit } from './FormKit.tsx';

const SITE_FIELDS = ['id', 'name', 'address', 'timezone', 'police', 'situationRoom', 'drillLiaison', 'aftercareAllowanceKrw', 'serialPorts'];

interface SiteForm {
  id: string; name: string; address: string; timezone: string; policeChannel: string; policeTo: string;
  roomChannel: string; roomTo: string; drillLiaison: string; allowance: string; serialPorts: string;
}

const emptySite: SiteForm = { id: '', name: '', address: '', timezone: DEFAULT_TIMEZONE, policeChannel: '', policeTo: '', roomChannel: '', roomTo: '', drillLiaison: '', allowance: '', serialPorts: '' };

function formOf(s: AdminSite): SiteForm {
  return {
    id: s.id, name: s.name, address: s.address, timezone: s.timezone,
    policeChannel: s.police?.channel ?? '', policeTo: s.police?.to ?? '',
    roomChannel: s.situationRoom?.channel ?? '', roomTo: s.situationRoom?.to ?? '',
    drillLiaison: s.drillLiaison.join(', '), allowance: s.aftercareAllowanceKrw === null ? '' : String(s.aftercareAllowanceKrw),
    serialPorts: s.serialPorts.join(', '),
  };
}

export function SitesTab({ dir, reload }: { dir: AdminDirectory; reload: () => void }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string>('');
  const site = dir.sites.find((s) => s.id === selected);
  return (
    <div className="admin-two">
      <section className="panel" aria-labelledby="admin-sites-h">
        <h2 id="admin-sites-h">{t('admin.sites')}</h2>
        <ul className="admin-list" data-testid="admin-site-list">
          <li><button type="button" className="link-button" aria-pressed={selected === ''} onClick={() => setSelected('')}>+ {t('admin.site.new')}</button></li>
          {dir.sites.map((s) => (
            <li key={s.id}>
              <button type="button" className="link-button" aria-pressed={selected === s.id} onClick={() => setSelected(s.id)}>
                {s.name} <span className="muted">({s.id}, {t('admin.counters.count', { n: s.counters.length })})</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      <div>
        <SiteEditor key={selected || '(new)'} site={site} onSaved={(id) => { setSelected(id); reload(); }} />
        {site && <CountersEditor site={site} onSaved={reload} />}
      </div>
    </div>
  );
}

function SiteEditor({ site, onSaved }: { site: AdminSite | undefined; onSaved: (id: string) => void }) {
  const { t } = useI18n();
  const [f, setF] = useState<SiteForm>(site ? formOf(site) : emptySite);
  const [saved, setSaved] = useState(false);
  const { problems, error, busy, run } = useSubmit();
  const set = (k: keyof SiteForm) => (e: { target: { value: string } }) => { setF({ ...f, [k]: e.target.value }); setSaved(false); };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = clean({
      id: site ? undefined : f.id.trim(), name: f.name, address: f.address, timezone: f.timezone.trim(),
      police: f.policeChannel ? { channel: f.policeChannel, to: f.policeTo.trim() } : undefined,
      situationRoom: f.roomChannel ? { channel: f.roomChannel, to: f.roomTo.trim() } : undefined,
      drillLiaison: list(f.drillLiaison), aftercareAllowanceKrw: number(f.allowance), serialPorts: list(f.serialPorts),
    });
    const r = await run(() => (site ? adminApi.updateSite(site.id, body) : adminApi.createSite(body)));
    if (r) { setSaved(true); onSaved(r.site.id); }
  };

  return (
    <form className="panel admin-form" onSubmit={submit} noValidate data-testid="admin-site-form">
      <h2>{site ? t('admin.site.edit', { name: site.name }) : t('admin.site.new')}</h2>
      {!site && <Field label={t('admin.field.id')} field="id" problems={problems} hint={t('admin.hint.id')}>{(p) => <input {...p} value={f.id} onChange={set('id')} autoComplete="off" />}</Field>}
      <Field label={t('admin.field.name')} field="name" problems={problems}>{(p) => <input {...p} value={f.name} onChange={set('name')} />}</Field>
      <Field label={t('admin.field.address')} field="address" problems={problems}>{(p) => <input {...p} value={f.address} onChange={set('address')} />}</Field>
      <Field label={t('admin.field.timezone')} field="timezone" problems={problems} hint={DEFAULT_TIMEZONE}>{(p) => <input {...p} value={f.timezone} onChange={set('timezone')} />}</Field>
      <Field label={t('admin.field.policeChannel')} field="police.channel" problems={problems}>{(p) => (
        <select {...p} value={f.policeChannel} onChange={set('policeChannel')}>
          <option value="">{t('admin.none')}</option>
          {['sms', 'call', 'webhook'].map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      )}</Field>
      {f.policeChannel && <Field label={t('admin.field.policeTo')} field="police" problems={problems} hint={t('admin.hint.phone')}>{(p) => <input {...p} value={f.policeTo} onChange={set('policeTo')} />}</Field>}
      <Field label={t('admin.field.roomChannel')} field="situationRoom.channel" problems={problems}>{(p) => (
        <select {...p} value={f.roomChannel} onChange={set('roomChannel')}>
          <option value="">{t('admin.none')}</option>
          {['sms', 'call'].map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      )}</Field>
      {f.roomChannel && <Field label={t('admin.field.roomTo')} field="situationRoom" problems={problems} hint={t('admin.hint.phone')}>{(p) => <input {...p} value={f.roomTo} onChange={set('roomTo')} />}</Field>}
      <Field label={t('admin.field.drillLiaison')} field="drillLiaison" problems={problems} hint={t('admin.hint.list')}>{(p) => <input {...p} value={f.drillLiaison} onChange={set('drillLiaison')} />}</Field>
      <Field label={t('admin.field.allowance')} field="aftercareAllowanceKrw" problems={problems} hint={t('admin.hint.allowance')}>{(p) => <input {...p} inputMode="numeric" value={f.allowance} onChange={set('allowance')} />}</Field>
      <Field label={t('admin.field.serialPorts')} field="serialPorts" problems={problems} hint="/dev/ttyUSB0@115200">{(p) => <input {...p} value={f.serialPorts} onChange={set('serialPorts')} />}</Field>
      <FormErrors error={error} problems={problems} fields={SITE_FIELDS} />
      {saved && <p className="admin-saved" role="status">{t('admin.saved')}</p>}
      <button type="submit" className="admin-primary" disabled={busy}>{site ? t('admin.save') : t('admin.create')}</button>
    </form>
  );
}

function CountersEditor({ site, onSaved }: { site: AdminSite; onSaved: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string>('');
  const counter = site.counters.find((c) => c.id === editing);
  const [f, setF] = useState({ id: '', name: '', floor: '', managerIds: '' });
  const { problems, error, busy, run, reset } = useSubmit();
  useEffect(() => {
    setF(counter ? { id: counter.id, name: counter.name, floor: counter.floor ?? '', managerIds: counter.managerIds.join(', ') } : { id: '', name: '', floor: '', managerIds: '' });
    reset();
  }, [editing, site.id]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = clean({ id: counter ? undefined : f.id.trim(), name: f.name, floor: optional(f.floor), managerIds: list(f.managerIds) });
    const r = await run(() => (counter ? adminApi.updateCounter(site.id, counter.id, body) : adminApi.createCounter(site.id, body)));
    if (r) { setEditing(counter ? counter.id : ''); if (!counter) setF({ id: '', name: '', floor: '', managerIds: '' }); onSaved(); }
  };
  return (
    <section className="panel" aria-labelledby="admin-counters-h">
      <h2 id="admin-counters-h">{t('admin.counters', { site: site.name })}</h2>
      <ul className="admin-list" data-testid="admin-counter-list">
        <li><button type="button" className="link-button" aria-pressed={editing === ''} onClick={() => setEditing('')}>+ {t('admin.counter.new')}</button></li>
        {site.counters.map((c) => (
          <li key={c.id}><button type="button" className="link-button" aria-pressed={editing === c.id} onClick={() => setEditing(c.id)}>{c.name} <span className="muted">({c.id}{c.floor ? `, ${c.floor}` : ''})</span></button></li>
        ))}
      </ul>
      <form className="admin-form" onSubmit={submit} noValidate data-testid="admin-counter-form">
        {!counter && <Field label={t('admin.field.id')} field="id" problems={problems} hint={t('admin.hint.id')}>{(p) => <input {...p} value={f.id} onChange={(e) => setF({ ...f, id: e.target.value })} autoComplete="off" />}</Field>}
        <Field label={t('admin.field.name')} field="name" problems={problems}>{(p) => <input {...p} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />}</Field>
        <Field label={t('admin.field.floor')} field="floor" problems={problems}>{(p) => <input {...p} value={f.floor} onChange={(e) => setF({ ...f, floor: e.target.value })} />}</Field>
        <Field label={t('admin.field.managerIds')} field="managerIds" problems={problems} hint={t('admin.hint.list')}>{(p) => <input {...p} value={f.managerIds} onChange={(e) => setF({ ...f, managerIds: e.target.value })} />}</Field>
        <FormErrors error={error} problems={problems} fields={['id', 'name', 'floor', 'managerIds']} />
        <button type="submit" className="admin-primary" disabled={busy}>{counter ? t('admin.save') : t('admin.counter.add')}</button>
      </form>
    </section>
  );
}
