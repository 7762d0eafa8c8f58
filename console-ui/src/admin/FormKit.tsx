/**
 * Small pieces shared by the admin forms: a labelled field whose problems (by the server's path) are shown
 * under it and tied to it with aria-describedby, and the problems that belong to no field of the form.
 */
import { useId, useState, type ReactNode } from 'react';
import { ApiRequestError } from '../api.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { FieldIssues } from '../forms/FieldIssues.tsx';
import { useI18n } from '../i18n.ts';
import { FormProblems, type FieldProblem } from './api.ts';

/** The problems of one field: its own path, or a path inside it (`police.to` for `police`, `roster[2]` …). */
export function problemsAt(problems: readonly FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.path === field || p.path.startsWith(`${field}.`) || p.path.startsWith(`${field}[`));
}

/** Problems no field of the form claims, shown above the buttons so none is ever hidden. */
export function unclaimed(problems: readonly FieldProblem[], fields: readonly string[]): FieldProblem[] {
  return problems.filter((p) => !fields.some((f) => problemsAt([p], f).length > 0));
}

/**
 * Problems under a field, in the user's language by their code (English screens keep provisioning's own
 * sentence); `label` names the part a nested problem is about, by default the rest of its path.
 */
export function Problems({ problems, field, id, testId, label }: {
  problems: readonly FieldProblem[]; field?: string; id?: string; testId?: string; label?: (p: FieldProblem) => string | null;
}) {
  const { tx } = useI18n();
  // A role is a word of the console's own (보안 요원), not the server's `guard`.
  const sayable = problems.map((p) => (typeof p.params?.role === 'string' ? { ...p, params: { ...p.params, role: tx('role.', p.params.role) } } : p));
  return (
    <FieldIssues issues={sayable} id={id} testId={testId} className="admin-problems" englishFromServer
      label={label ?? ((p) => (p.path === field || namesItsItem(p, field) ? null : p.path))} />
  );
}

/** A list item's problem that names the item itself (`'nobody'을(를) 찾을 수 없습니다`) needs no `managerIds[1]` before it. */
function namesItsItem(p: FieldProblem, field: string | undefined): boolean {
  return field !== undefined && /^\[\d+\]$/.test(p.path.slice(field.length)) && p.path.startsWith(field)
    && (p.params?.id !== undefined || p.params?.value !== undefined);
}

export function Field({ label, field, problems, hint, children }: {
  label: string; field: string; problems: readonly FieldProblem[]; hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; name: string }) => ReactNode;
}) {
  const id = useId();
  const mine = problemsAt(problems, field);
  const describedBy = [hint ? `${id}-hint` : '', mine.length > 0 ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`admin-field${mine.length > 0 ? ' admin-field-bad' : ''}`} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name: field, 'aria-invalid': mine.length > 0, ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint && <p className="admin-hint muted" id={`${id}-hint`}>{hint}</p>}
      <Problems problems={mine} field={field} id={`${id}-err`} testId={`problem-${field}`} />
    </div>
  );
}

/** A group of checkboxes (roles, sites) in a fieldset, with the field's problems under it. */
export function Checks({ legend, field, options, value, onChange, problems }: {
  legend: string; field: string; options: { value: string; label: string }[]; value: string[];
  onChange: (v: string[]) => void; problems: readonly FieldProblem[];
}) {
  const mine = problemsAt(problems, field);
  return (
    <fieldset className={`admin-checks${mine.length > 0 ? ' admin-field-bad' : ''}`} data-field={field}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="admin-check">
          <input type="checkbox" checked={value.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...value, o.value] : value.filter((v) => v !== o.value))} />
          {o.label}
        </label>
      ))}
      <Problems problems={mine} field={field} testId={`problem-${field}`} />
    </fieldset>
  );
}

/** Submitting state, problems by path and the error of a request that failed otherwise. */
export function useSubmit() {
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      setProblems([]);
      return result;
    } catch (err) {
      if (err instanceof FormProblems) {
        setProblems(err.problems);
        setError(err);
      } else {
        setProblems([]);
        setError(err instanceof ApiRequestError || err instanceof Error ? err : String(err));
      }
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const reset = () => { setProblems([]); setError(null); };
  return { problems, error, busy, run, reset };
}

export function FormErrors({ error, problems, fields }: { error: unknown; problems: readonly FieldProblem[]; fields: readonly string[] }) {
  const rest = unclaimed(problems, fields);
  return (
    <>
      <ErrorText error={error} testId="admin-form-error" />
      <Problems problems={rest} testId="problem-other" />
    </>
  );
}

/** Text inputs send nothing when empty, so an optional field left blank is left out of the document. */
export function optional(value: string): string | undefined {
  const v = value.trim();
  return v === '' ? undefined : v;
}

/** A comma- or newline-separated list (phone numbers, manager ids). */
export function list(value: string): string[] | undefined {
  const items = value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  return items.length > 0 ? items : undefined;
}

/** A whole number from a text field; text that is not a number is sent as it is, so the server names the problem. */
export function number(value: string): number | string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  return /^-?\d+$/.test(v) ? Number(v) : v;
}

/** Leaves out the keys whose value is undefined. */
export function clean(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
