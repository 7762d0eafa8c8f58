/**
 * What a provisioning application changed, record by record, for the audit log: which fields, never their
 * secret values (a password, a bell key or MQTT password is named as changed, not shown).
 */
import type { AuditEntry } from '../audit/audit-log.ts';

export type ChangedRecord = 'site' | 'counter' | 'bell' | 'bridge' | 'person' | 'roster';

export interface Change {
  recordType: ChangedRecord;
  recordId: string;
  action: 'create' | 'update';
  fields: string[];
  /** Values safe and useful to keep: a person's roles and sites. */
  now?: Record<string, unknown>;
}

/** Column names as an administrator knows them, secrets by name only. */
const FIELD_NAMES: Record<string, string> = { passwordHash: 'password', keyHex: 'key', mqttPasswordHash: 'mqttPassword', escalationPolicy: 'escalation' };
const SHOWN: Partial<Record<ChangedRecord, string[]>> = { person: ['roles', 'siteIds', 'username'] };

export class ChangeLog {
  readonly changes: Change[] = [];

  record(recordType: ChangedRecord, recordId: string, action: 'create' | 'update', columns: string[], row: Record<string, unknown> = {}): void {
    const fields = columns.map((c) => FIELD_NAMES[c] ?? c);
    const shown = (SHOWN[recordType] ?? []).filter((k) => columns.includes(k) || action === 'create');
    const now = shown.length > 0 ? Object.fromEntries(shown.map((k) => [k, row[k] ?? null])) : undefined;
    this.changes.push({ recordType, recordId, action, fields, ...(now ? { now } : {}) });
  }

  /** People whose password changed (not set for the first time): their sessions must end. */
  passwordChanged(): string[] {
    return this.changes.filter((c) => c.recordType === 'person' && c.action === 'update' && c.fields.includes('password')).map((c) => c.recordId);
  }

  /** People whose roles or sites changed: their open streams must reopen with the new rights. */
  rightsChanged(): string[] {
    return this.changes.filter((c) => c.recordType === 'person' && c.action === 'update' && (c.fields.includes('roles') || c.fields.includes('siteIds'))).map((c) => c.recordId);
  }

  auditEntries(actorId: string, via: string): AuditEntry[] {
    return this.changes.map((c) => ({
      actorId,
      action: c.action,
      recordType: c.recordType,
      recordId: c.recordId,
      detail: { via, fields: c.fields, ...(c.now ? { now: c.now } : {}) },
    }));
  }
}
