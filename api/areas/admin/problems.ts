/**
 * The admin screens send one site, counter, bell or person at a time; the server places it in a provisioning
 * document and validates that document exactly as a provisioning file is validated. These pure helpers turn
 * the document's problem paths (`sites[0].bells[2].key`) back into paths of the form that was sent (`key`),
 * so that the console can show each problem next to its field, by its code in the user's language (the
 * provisioning validation's English message stays beside it).
 */
import type { Problem } from '../../provisioning/index.ts';

export interface AdminProblem extends Problem {
  /** Where the same problem is in the provisioning document the server built (for the record and the logs). */
  documentPath: string;
}

/**
 * Re-roots problems at `prefix` (such as `sites[0].bells[2]`): `sites[0].bells[2].key` becomes `key`,
 * `sites[0].bells[2]` becomes `(form)`. Problems elsewhere in the document keep their document path: they are
 * about something already stored that the change ran into, and say so by their path.
 */
export function reroot(problems: readonly Problem[], prefix: string, rename: Readonly<Record<string, string>> = {}): AdminProblem[] {
  return problems.map((p) => {
    let path = p.path;
    if (p.path === prefix) path = '(form)';
    else if (p.path.startsWith(`${prefix}.`)) path = p.path.slice(prefix.length + 1);
    else if (p.path.startsWith(`${prefix}[`)) path = p.path.slice(prefix.length);
    const top = /^[A-Za-z_$][\w$]*/.exec(path)?.[0];
    if (top && path !== p.path && rename[top]) path = rename[top] + path.slice(top.length);
    return { ...p, path, documentPath: p.path };
  });
}

/** The top-level form body must be an object; anything else is one problem of the whole form. */
export function asBody(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
