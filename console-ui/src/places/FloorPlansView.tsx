/**
 * Floor plans of the user's sites: managers and admins upload a plan per floor and place the counters by
 * clicking the plan, or by typing the position (the keyboard way); guards see the plans.
 */
import { useEffect, useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import type { Me, Site } from '../../../api/contract/index.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n } from '../i18n.ts';
import { placesApi } from './api.ts';
import { PlanImage, type PlanMarker } from './PlanImage.tsx';
import { refreshPlans, useFloorPlans } from './plans.ts';
import { canEditFloorPlans } from './roles.ts';

const pct = (v: number) => Math.round(v * 1000) / 10;

export function FloorPlansView({ me, sites }: { me: Me; sites: Site[] }) {
  const { t } = useI18n();
  const { plans, error: loadError } = useFloorPlans();
  const [siteId, setSiteId] = useState('');
  const site = sites.find((s) => s.id === siteId) ?? sites[0];
  const floors = useMemo(() => {
    if (!site) return [];
    const names = new Set<string>();
    for (const c of site.counters) if (c.floor) names.add(c.floor);
    for (const p of plans) if (p.siteId === site.id) names.add(p.floor);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [site, plans]);
  const [floorChoice, setFloor] = useState('');
  const floor = floors.includes(floorChoice) ? floorChoice : (floors[0] ?? '');
  const plan = plans.find((p) => site && p.siteId === site.id && p.floor === floor);
  const editable = site ? canEditFloorPlans(me, site.id) : false;
  const counters = site ? site.counters.filter((c) => !c.floor || c.floor === floor) : [];

  const [selected, setSelected] = useState<string | null>(null);
  const [x, setX] = useState('50');
  const [y, setY] = useState('50');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    setSelected(null);
    setNotice('');
    setError(null);
  }, [site?.id, floor]);

  if (!site) return <section className="panel places-view"><h2>{t('plan.title')}</h2><p className="muted">{t('plan.noFloors')}</p></section>;

  const nameOf = (id: string) => site.counters.find((c) => c.id === id)?.name ?? id;
  const selectCounter = (id: string) => {
    setSelected(id);
    const at = plan?.counters.find((c) => c.counterId === id);
    setX(String(at ? pct(at.x) : 50));
    setY(String(at ? pct(at.y) : 50));
    setNotice('');
  };

  async function run(work: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await work();
      await refreshPlans();
      setNotice(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  function upload(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file || !site) return;
    void run(() => placesApi.uploadPlan(site.id, floor, file), t('plan.uploaded'));
  }

  function save(atX: number, atY: number) {
    if (!selected || !site) return;
    const id = selected;
    void run(() => placesApi.placeCounter(site.id, floor, id, atX, atY), t('plan.saved', { name: nameOf(id) }));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const nx = Number(x);
    const ny = Number(y);
    if (!Number.isFinite(nx) || !Number.isFinite(ny)) return;
    save(Math.min(100, Math.max(0, nx)) / 100, Math.min(100, Math.max(0, ny)) / 100);
  }

  const markers: PlanMarker[] = (plan?.counters ?? []).map((c) => ({
    id: c.counterId, x: c.x, y: c.y,
    label: nameOf(c.counterId),
    description: t('plan.markerLabel', { counter: nameOf(c.counterId), floor }),
    emphasis: c.counterId === selected ? 'selected' : 'normal',
  }));

  return (
    <section className="panel places-view" data-testid="floor-plans" aria-labelledby="plans-heading">
      <h2 id="plans-heading">{t('plan.title')}</h2>
      <div className="places-pickers">
        <label>
          {t('plan.site')}{' '}
          <select value={site.id} onChange={(e) => setSiteId(e.target.value)} data-testid="plan-site">
            {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        {floors.length > 0 && (
          <label>
            {t('plan.floor')}{' '}
            <select value={floor} onChange={(e) => setFloor(e.target.value)} data-testid="plan-floor">
              {floors.map((f) => <option key={f} value={f}>{f}</option>)}
            </select>
          </label>
        )}
      </div>
      <ErrorText error={loadError} />
      {floors.length === 0 && <p className="muted">{t('plan.noFloors')}</p>}
      {floors.length > 0 && (
        <>
          {editable ? (
            <label className="places-upload">
              {plan ? t('plan.replace') : t('plan.upload')}{' '}
              <input type="file" accept="image/png,image/jpeg,image/webp" onChange={upload} disabled={busy} data-testid="plan-upload" />
            </label>
          ) : (
            <p className="muted">{t('plan.readOnly')}</p>
          )}
          {busy && <p role="status">{t('plan.uploading')}</p>}
          <ErrorText error={error} testId="plan-error" />
          {notice && <p role="status" className="places-notice" data-testid="plan-notice">✔ {notice}</p>}
          {!plan ? (
            <p className="muted" data-testid="plan-missing">{t('plan.none')}</p>
          ) : (
            <>
              {editable && <p className="muted">{selected ? t('plan.selected', { name: nameOf(selected) }) : t('plan.clickHint')}</p>}
              <PlanImage
                plan={plan}
                alt={t('plan.imageAlt', { site: site.name, floor })}
                markers={markers}
                {...(editable && selected ? { onPick: (px: number, py: number) => save(px, py) } : {})}
              />
            </>
          )}
          {plan && (
            <>
              <h3>{t('plan.counters')}</h3>
              <ul className="places-counter-list">
                {counters.map((c) => {
                  const at = plan.counters.find((p) => p.counterId === c.id);
                  return (
                    <li key={c.id} data-testid={`plan-counter-${c.id}`}>
                      <strong>{c.name}</strong>{' — '}
                      {at ? t('plan.placedAt', { x: pct(at.x), y: pct(at.y) }) : <em>{t('plan.notPlaced')}</em>}
                      {editable && (
                        <>
                          {' '}
                          <button type="button" aria-pressed={selected === c.id} onClick={() => selectCounter(c.id)} data-testid={`plan-select-${c.id}`}>
                            {selected === c.id ? '▸ ' : ''}{t('plan.select')}
                          </button>
                          {at && (
                            <button type="button" disabled={busy} onClick={() => void run(() => placesApi.unplaceCounter(site.id, floor, c.id), t('plan.saved', { name: c.name }))}>
                              {t('plan.remove')}
                            </button>
                          )}
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
              {editable && selected && (
                <form className="places-coords" onSubmit={submit} data-testid="plan-coords">
                  <label>{t('plan.x')} <input type="number" min={0} max={100} step={0.1} value={x} onChange={(e) => setX(e.target.value)} data-testid="plan-x" /></label>
                  <label>{t('plan.y')} <input type="number" min={0} max={100} step={0.1} value={y} onChange={(e) => setY(e.target.value)} data-testid="plan-y" /></label>
                  <button type="submit" disabled={busy} data-testid="plan-save">{t('plan.save')}</button>
                </form>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
