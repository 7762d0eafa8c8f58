/** Aftercare records as each viewer may see them (policy.ts decides the view; this file cuts to it). */
import type { AftercareView } from './policy.ts';
import type { AftercareEntryView, AftercareStatus, AftercareStatusView, ClaimView, TransferView } from '../../contract/aftercare.ts';
import type { ClaimRow, EntryRow, RecordRow } from './store.ts';

export function presentStatus(r: RecordRow, view: Exclude<AftercareView, null>, personName: string): AftercareStatusView {
  return {
    view, id: r.id, incidentId: r.incidentId, personId: r.personId, personName, siteId: r.siteId,
    status: r.status as AftercareStatus, updatedAt: r.updatedAt.toISOString(),
  };
}

/** The counsellor's note only in the `full` view; the staff member sees that a session happened, not what was noted. */
export function presentEntry(e: EntryRow, view: 'full' | 'self', names: ReadonlyMap<string, string>): AftercareEntryView {
  return {
    id: String(e.id), kind: e.kind, at: e.at.toISOString(), actorId: e.actorId, actorName: names.get(e.actorId) ?? e.actorId,
    detail: e.detail,
    ...(view === 'full' ? { note: e.confidentialNote } : {}),
  };
}

export function presentClaim(c: ClaimRow): ClaimView {
  return {
    id: String(c.id), kind: c.kind, claimDate: c.claimDate, year: c.year, amountKrw: c.amountKrw, description: c.description,
    status: c.status as ClaimView['status'], exceptionReason: c.exceptionReason, decidedAt: c.decidedAt?.toISOString() ?? null,
  };
}

export function presentTransfer(t: Record<string, unknown> | null): TransferView | null {
  if (!t) return null;
  return t as unknown as TransferView;
}
