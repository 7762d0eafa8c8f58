/**
 * Applies a provisioning document for a person (the admin screens, POST /provisioning): audited as theirs, then
 * the running system is reloaded and the sessions the change touched are ended (a changed password) or their
 * streams reopened (changed roles or sites).
 */
import type { PasswordHasher } from '../../auth/passwords.ts';
import type { Sessions } from '../../auth/sessions.ts';
import { provisionFromText } from '../../provisioning/apply.ts';
import { ChangeLog } from '../../provisioning/changes.ts';
import { schema, type Db } from '../../store/index.ts';
import type { ProvisioningDocument } from '../../provisioning/document.ts';
import { selfGrantProblem } from '../../auth/policy.ts';
import { eq } from 'drizzle-orm';

export interface ProvisionDeps {
  db: Db;
  hasher: PasswordHasher;
  sessions: Sessions;
  reloadDirectory(): Promise<void>;
  /** Issue MQTT passwords to bells without one (off only in a lab that lets anonymous bells in). */
  issueCredentials: boolean;
}

export function provisionFor(deps: ProvisionDeps) {
  return async (text: string, fileName: string, actorId = 'system') => {
    const changes = new ChangeLog();
    const refuse = async (doc: ProvisioningDocument) => {
      const own = doc.people.findIndex((p) => p.id === actorId);
      if (own < 0) return [];
      const [current] = await deps.db.select({ roles: schema.people.roles }).from(schema.people).where(eq(schema.people.id, actorId));
      const problem = selfGrantProblem(actorId, actorId, current?.roles ?? [], doc.people[own]!.roles);
      return problem ? [{ path: `people[${own}].roles`, message: problem, code: 'self_grant' as const }] : [];
    };
    const result = await provisionFromText(deps.db, text, fileName, { hasher: deps.hasher, actorId, changes, refuse, issueCredentials: deps.issueCredentials });
    if (!result.ok) return result;
    await deps.reloadDirectory();
    // The sessions rows of a changed password went with the change; this closes their streams now.
    for (const id of changes.passwordChanged()) deps.sessions.ended({ personId: id, reason: 'password_changed' });
    for (const id of changes.rightsChanged()) deps.sessions.ended({ personId: id, reason: 'roles_changed' });
    return { ok: true as const, summary: result.summary };
  };
}
