/** One incident's escalation in a line for managers: which step, who was reached, who was not. Pure. */
import type { EscalationSummary, RecipientView } from '../../contract/managers.ts';
import { DELIVERED_STATUSES as DELIVERED, FAILED_STATUSES as FAILED } from '../../contract/index.ts';

export interface StepRow { stepId: string; status: string; dueAt: Date | null; firedAt: Date | null }
export interface NotificationRow {
  recipientKey: string; personId: string | null; channel: string; to: string; isPolice: boolean; status: string; createdAt: Date; updatedAt: Date;
}

/** In flight longer than this counts as not reached (the console's NOT DELIVERED uses the same minute). */
export const NOT_REACHED_AFTER_MS = 60_000;

export function summariseEscalation(
  steps: readonly StepRow[],
  notifications: readonly NotificationRow[],
  names: ReadonlyMap<string, string>,
  now: Date,
): EscalationSummary {
  const fired = steps.filter((s) => s.status === 'fired' && s.firedAt).sort((a, b) => a.firedAt!.getTime() - b.firedAt!.getTime());
  const last = fired[fired.length - 1];
  const next = steps.filter((s) => s.status === 'pending' && s.dueAt).sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())[0];

  const byRecipient = new Map<string, NotificationRow[]>();
  for (const n of [...notifications].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    const list = byRecipient.get(n.recipientKey) ?? [];
    list.push(n);
    byRecipient.set(n.recipientKey, list);
  }
  const reached: RecipientView[] = [];
  const notReached: RecipientView[] = [];
  const pending: RecipientView[] = [];
  for (const list of byRecipient.values()) {
    const first = list[0]!;
    const view = (status: string): RecipientView => ({
      personId: first.personId,
      name: first.personId ? (names.get(first.personId) ?? first.personId) : null,
      isPolice: list.some((n) => n.isPolice),
      channels: [...new Set(list.map((n) => n.channel))],
      status,
    });
    const delivered = list.find((n) => DELIVERED.includes(n.status));
    const inFlight = list.filter((n) => !DELIVERED.includes(n.status) && !FAILED.includes(n.status) && now.getTime() - n.createdAt.getTime() <= NOT_REACHED_AFTER_MS);
    if (delivered) reached.push(view(delivered.status));
    else if (inFlight.length) pending.push(view(inFlight[inFlight.length - 1]!.status));
    else notReached.push(view(list[list.length - 1]!.status));
  }
  return {
    currentStep: last?.stepId ?? null,
    currentStepAt: last?.firedAt?.toISOString() ?? null,
    nextStep: next?.stepId ?? null,
    nextStepDueAt: next?.dueAt?.toISOString() ?? null,
    stepsFired: fired.length,
    stepsTotal: steps.length,
    reached,
    notReached,
    pending,
  };
}
