/**
 * A scenario written as a form: title, the script line by line, classification, violence, and the steps with
 * their targets. The JSON stays available as an advanced view (pasting a scenario from another office).
 * Each problem the server names is said under the control it concerns.
 */
import { useState, type FormEvent } from 'react';
import { CLASSIFICATIONS, type Classification } from '../../../api/contract/index.ts';
import { DRILL_MILESTONES, type DrillMilestone } from '../../../api/contract/drills.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import { issuesAt, issuesElsewhere, type FieldIssue } from '../forms/field-issues.ts';
import { useI18n } from '../i18n.ts';
import { drillsApi } from './api.ts';

interface Draft {
  id: string;
  title: { ko: string; en: string };
  script: { ko: string; en: string }[];
  classification: Classification[];
  violence: boolean;
  steps: { milestone: DrillMilestone; targetSeconds: number; required: boolean }[];
}

const EMPTY: Draft = {
  id: '', title: { ko: '', en: '' }, script: [{ ko: '', en: '' }], classification: [], violence: false,
  steps: [{ milestone: 'acknowledged', targetSeconds: 20, required: true }, { milestone: 'on_scene', targetSeconds: 120, required: true }],
};
const FIELDS = ['id', 'title', 'script', 'classification', 'violence', 'steps'] as const;

export function ScenarioForm({ onSaved, milestoneName }: { onSaved: () => void; milestoneName: (m: string) => string }) {
  const { t, tx } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [advanced, setAdvanced] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const at = (field: string) => issuesAt(error, field);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const setStep = (i: number, change: Partial<Draft['steps'][number]>) => set('steps', draft.steps.map((s, j) => (j === i ? { ...s, ...change } : s)));
  const setLine = (i: number, lang: 'ko' | 'en', text: string) => set('script', draft.script.map((l, j) => (j === i ? { ...l, [lang]: text } : l)));
  // A nested problem says which step or line it is about.
  const part = (noun: string) => (issue: FieldIssue) => {
    const index = Number(issue.path.split('.')[1]);
    return Number.isInteger(index) ? `${noun} ${index + 1}` : null;
  };

  // A step listed twice is named as the list names it, not by its code.
  const namedMilestone = (issue: FieldIssue): FieldIssue =>
    issue.code === 'duplicate' && issue.params?.value !== undefined ? { ...issue, params: { ...issue.params, value: milestoneName(String(issue.params.value)) } } : issue;

  async function save(e: FormEvent) {
    e.preventDefault();
    let body: unknown = draft;
    if (advanced !== null) {
      try {
        body = JSON.parse(advanced);
      } catch {
        setError(t('drills.badJson'));
        return;
      }
    }
    try {
      await drillsApi.saveScenario(body);
      setError(null);
      setDraft(EMPTY);
      setAdvanced(null);
      onSaved();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <form className="scenario-form" onSubmit={(e) => void save(e)} data-testid="scenario-form">
      <h3>{t('drills.newScenario')}</h3>
      {advanced === null ? (
        <>
          <label>{t('scenario.id')}
            <input value={draft.id} onChange={(e) => set('id', e.target.value)} placeholder="queue-dispute" data-testid="scenario-id" aria-invalid={at('id').length > 0} />
          </label>
          <p className="muted">{t('scenario.idHint')}</p>
          <FieldIssues issues={at('id')} testId="scenario-id-issues" />
          <label>{t('scenario.titleKo')}<input value={draft.title.ko} onChange={(e) => set('title', { ...draft.title, ko: e.target.value })} data-testid="scenario-title-ko" /></label>
          <label>{t('scenario.titleEn')}<input value={draft.title.en} onChange={(e) => set('title', { ...draft.title, en: e.target.value })} data-testid="scenario-title-en" /></label>
          <FieldIssues issues={at('title')} testId="scenario-title-issues" label={(i) => (i.path.endsWith('.ko') ? '한국어' : i.path.endsWith('.en') ? 'English' : null)} />

          <fieldset className="scenario-script">
            <legend>{t('scenario.script')}</legend>
            {draft.script.map((line, i) => (
              <div key={i} className="scenario-line">
                <span>{i + 1}.</span>
                <input value={line.ko} onChange={(e) => setLine(i, 'ko', e.target.value)} placeholder={t('scenario.lineKo')} aria-label={`${t('scenario.lineKo')} ${i + 1}`} />
                <input value={line.en} onChange={(e) => setLine(i, 'en', e.target.value)} placeholder={t('scenario.lineEn')} aria-label={`${t('scenario.lineEn')} ${i + 1}`} />
                {draft.script.length > 1 && <button type="button" onClick={() => set('script', draft.script.filter((_, j) => j !== i))}>{t('scenario.remove')}</button>}
              </div>
            ))}
            <button type="button" onClick={() => set('script', [...draft.script, { ko: '', en: '' }])}>{t('scenario.addLine')}</button>
            <FieldIssues issues={at('script')} label={part(t('scenario.line'))} />
          </fieldset>

          <fieldset className="scenario-classification">
            <legend>{t('field.classification')}</legend>
            {CLASSIFICATIONS.map((c) => (
              <label key={c}>
                <input type="checkbox" checked={draft.classification.includes(c)} data-testid={`scenario-class-${c}`}
                  onChange={(e) => set('classification', e.target.checked ? [...draft.classification, c] : draft.classification.filter((x) => x !== c))} />
                {tx('classification.', c)}
              </label>
            ))}
            <FieldIssues issues={at('classification')} testId="scenario-classification-issues" />
          </fieldset>
          <label><input type="checkbox" checked={draft.violence} onChange={(e) => set('violence', e.target.checked)} />{t('scenario.violence')}</label>

          <fieldset className="scenario-steps">
            <legend>{t('scenario.steps')}</legend>
            <table>
              <thead><tr><th>{t('drills.step')}</th><th>{t('scenario.targetSeconds')}</th><th>{t('scenario.required')}</th><th /></tr></thead>
              <tbody>
                {draft.steps.map((s, i) => (
                  <tr key={i} className={at(`steps.${i}`).length > 0 ? 'field-invalid' : undefined}>
                    <td>
                      <select value={s.milestone} onChange={(e) => setStep(i, { milestone: e.target.value as DrillMilestone })} data-testid={`scenario-step-${i}-milestone`} aria-label={`${t('drills.step')} ${i + 1}`}>
                        {DRILL_MILESTONES.map((m) => <option key={m} value={m}>{milestoneName(m)}</option>)}
                      </select>
                    </td>
                    <td>
                      <input type="number" value={Number.isNaN(s.targetSeconds) ? '' : s.targetSeconds} onChange={(e) => setStep(i, { targetSeconds: e.target.valueAsNumber })}
                        data-testid={`scenario-step-${i}-target`} aria-label={`${t('scenario.targetSeconds')} ${i + 1}`} />
                    </td>
                    <td><input type="checkbox" checked={s.required} onChange={(e) => setStep(i, { required: e.target.checked })} aria-label={`${t('scenario.required')} ${i + 1}`} /></td>
                    <td>{draft.steps.length > 1 && <button type="button" onClick={() => set('steps', draft.steps.filter((_, j) => j !== i))}>{t('scenario.remove')}</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <button type="button" data-testid="scenario-add-step"
              onClick={() => set('steps', [...draft.steps, { milestone: DRILL_MILESTONES.find((m) => !draft.steps.some((s) => s.milestone === m)) ?? 'contained', targetSeconds: 300, required: false }])}>
              {t('scenario.addStep')}
            </button>
            <FieldIssues issues={at('steps').map(namedMilestone)} testId="scenario-steps-issues" label={part(t('drills.step'))} />
          </fieldset>
          <FieldIssues issues={issuesElsewhere(error, FIELDS)} />
        </>
      ) : (
        <label>{t('scenario.json')}<textarea rows={10} value={advanced} onChange={(e) => setAdvanced(e.target.value)} data-testid="scenario-json" /></label>
      )}
      {advanced !== null && <FieldIssues issues={issuesElsewhere(error, [])} testId="scenario-json-issues" />}
      <p>
        <button type="button" className="link-button" onClick={() => setAdvanced(advanced === null ? JSON.stringify(draft, null, 2) : null)} data-testid="scenario-advanced">
          {advanced === null ? t('scenario.showJson') : t('scenario.showForm')}
        </button>
      </p>
      <button type="submit" data-testid="scenario-save">{t('drills.saveScenario')}</button>
      <ErrorText error={error} testId="scenario-error" />
    </form>
  );
}
