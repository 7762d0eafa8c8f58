/** Statistics: counts by kind, site, counter, month, mode; response times; exports; the import of earlier incidents. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Me } from '../../../api/contract/index.ts';
import type { Count, Statistics } from '../../../api/contract/statistics.ts';
import { API_BASE, apiRequest as call, ApiRequestError } from '../api.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { useI18n } from '../i18n.ts';

export function canSeeStatistics(me: Me): boolean {
  return me.roles.some((r) => r === 'manager' || r === 'admin' || r === 'auditor' || r === 'legal');
}
const mayImport = (me: Me) => me.roles.includes('manager') || me.roles.includes('admin');

interface ImportProblem { row: number; column: string | null; reason: string }

/** A bar's words: codes in the user's language; a counter by its own name first (a long site name cut it off). */
function barLabel(labels: 'classification' | 'source' | 'counter' | 'plain', item: Count & { siteName?: string; counterName?: string }, i18n: ReturnType<typeof useI18n>): string {
  if (labels === 'classification') return item.key === 'unclassified' ? i18n.tx('statistics.', 'unclassified') : i18n.tx('classification.', item.key);
  if (labels === 'source') return (i18n.code(`source.${item.key}`, { bellId: '' }) ?? item.key).trim();
  if (labels === 'counter') {
    // The counter is what tells the bars apart (every bar of one office would read its long name first).
    if (item.counterName) return item.siteName ? `${item.counterName} (${item.siteName})` : item.counterName;
    const [site, counter] = item.label.split(' · ');
    return counter ? `${counter} (${site})` : item.label;
  }
  return item.label;
}

function Bars({ title, items, testId, labels = 'plain' }: { title: string; items: (Count & { siteName?: string; counterName?: string })[]; testId: string; labels?: 'classification' | 'source' | 'counter' | 'plain' }) {
  const i18n = useI18n();
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <figure className="statistics-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      {items.map((i) => (
        <div key={i.key} className="statistics-bar-row">
          <span className="statistics-bar-label" title={i.label}>{barLabel(labels, i, i18n)}</span>
          <span className="statistics-bar" style={{ width: `${(i.count / max) * 100}%` }} aria-hidden="true" />
          <span className="statistics-bar-count">{i.count}</span>
        </div>
      ))}
    </figure>
  );
}

export function StatisticsView({ me }: { me: Me }) {
  const { t, tx } = useI18n();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [mode, setMode] = useState('live');
  const [stats, setStats] = useState<Statistics | null>(null);
  const [repeat, setRepeat] = useState<{ complainantId: string; incidents: number; sites: number }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const query = new URLSearchParams({ mode, ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();

  const load = useCallback(() => {
    call<{ statistics: Statistics; repeatComplainants: { items: typeof repeat } }>('GET', `/statistics?${query}`).then((r) => {
      setStats(r.statistics);
      setRepeat(r.repeatComplainants.items);
      setError(null);
    }, setError);
  }, [query]);
  useEffect(load, [load]);

  const times = stats?.responseTimes;
  return (
    <div className="statistics-view" data-testid="statistics-view">
      <section className="panel">
        <h2>{t('statistics.title')}</h2>
        <form className="statistics-filter" onSubmit={(e) => { e.preventDefault(); load(); }}>
          <label>{t('statistics.from')}<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label>{t('statistics.to')}<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          <label>{t('statistics.mode')}
            <select value={mode} onChange={(e) => setMode(e.target.value)} data-testid="statistics-mode">
              {['live', 'drill', 'all'].map((m) => <option key={m} value={m}>{tx('statistics.mode.', m)}</option>)}
            </select>
          </label>
          <a href={`${API_BASE}/statistics/export.xlsx?${query}`} data-testid="statistics-xlsx">{t('statistics.excel')}</a>
          <a href={`${API_BASE}/statistics/export.csv?${query}`} data-testid="statistics-csv">CSV</a>
        </form>
        <ErrorText error={error} testId="statistics-error" />
        {stats && (
          <>
            <p data-testid="statistics-total">{t('statistics.total', { count: stats.total })}</p>
            <p data-testid="statistics-false-alarms">{t('statistics.falseAlarms', { count: stats.falseAlarms ?? 0 })}</p>
            <table className="statistics-times" data-testid="statistics-times">
              <thead><tr><th>{t('statistics.measure')}</th><th>{t('statistics.count')}</th><th>{t('statistics.median')}</th><th>p90</th><th>{t('statistics.max')}</th></tr></thead>
              <tbody>
                {times && (Object.keys(times) as (keyof typeof times)[]).map((m) => (
                  <tr key={m}><td>{tx('statistics.measure.', m)}</td><td>{times[m].count}</td><td>{times[m].medianSeconds ?? '—'}</td><td>{times[m].p90Seconds ?? '—'}</td><td>{times[m].maxSeconds ?? '—'}</td></tr>
                ))}
              </tbody>
            </table>
            <div className="statistics-charts">
              <Bars title={t('statistics.byKind')} items={stats.byKind} testId="statistics-by-kind" labels="classification" />
              <Bars title={t('statistics.byMonth')} items={stats.byMonth} testId="statistics-by-month" />
              <Bars title={t('statistics.bySite')} items={stats.bySite} testId="statistics-by-site" />
              <Bars title={t('statistics.byCounter')} items={stats.byCounter} testId="statistics-by-counter" labels="counter" />
              <Bars title={t('statistics.bySource')} items={stats.bySource} testId="statistics-by-source" labels="source" />
              <Bars title={t('statistics.repeatComplainants')} items={repeat.map((r) => ({ key: r.complainantId, label: `${t('statistics.complainant', { sites: r.sites })} ${r.complainantId.slice(0, 8)}`, count: r.incidents }))} testId="statistics-repeat-complainants" />
            </div>
          </>
        )}
      </section>
      {mayImport(me) && <ImportPanel onImported={load} />}
    </div>
  );
}

function ImportPanel({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<ImportProblem[]>([]);
  const [result, setResult] = useState<{ imported: number; alreadyImported: number[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setProblems([]);
    setResult(null);
    setError(null);
    try {
      setResult(await call<{ imported: number; alreadyImported: number[] }>('POST', '/statistics/import', undefined, {
        raw: { body: file, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      }));
      onImported();
    } catch (err) {
      const details = err instanceof ApiRequestError ? err.details : undefined;
      if (Array.isArray(details)) setProblems(details as ImportProblem[]);
      setError(err);
    }
  }
  return (
    <section className="panel statistics-import">
      <h2>{t('statistics.import')}</h2>
      <p><a href={`${API_BASE}/statistics/import-template.xlsx`} data-testid="statistics-template">{t('statistics.template')}</a></p>
      <form onSubmit={(e) => void submit(e)}>
        <input type="file" accept=".xlsx" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="statistics-import-file" />
        <button type="submit" disabled={!file} data-testid="statistics-import-submit">{t('statistics.importSubmit')}</button>
      </form>
      {result && <p data-testid="statistics-import-result">{t('statistics.imported', { imported: result.imported, skipped: result.alreadyImported.length })}</p>}
      <ErrorText error={error} testId="statistics-import-error" />
      {problems.length > 0 && (
        <table data-testid="statistics-import-problems">
          <thead><tr><th>{t('statistics.row')}</th><th>{t('statistics.column')}</th><th>{t('statistics.reason')}</th></tr></thead>
          <tbody>{problems.map((p, i) => <tr key={i}><td>{p.row}</td><td>{p.column ?? ''}</td><td>{p.reason}</td></tr>)}</tbody>
        </table>
      )}
    </section>
  );
}
