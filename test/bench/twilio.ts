/**
 * The fake Twilio of the benchmark: the system's Twilio settings pointing at it, and a matcher that hands
 * every SMS request it received to the press run, joined to its incident, with the fake's own arrival time.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { System } from '../../api/system.ts';
import type { FakeTwilioRequest } from '../support/fake-twilio.ts';

/** What the bench needs of a fake Twilio: its settings and the requests it received. */
export interface FakeTwilioLike {
  readonly apiBase: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly requests: readonly FakeTwilioRequest[];
}

/** The settings of test/escalation/support.ts's twilioEnv, but with the system's default tick unless one is asked for. */
export function benchTwilioEnv(fake: FakeTwilioLike, tickMs: number | undefined): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE: fake.apiBase,
    ...(tickMs === undefined ? {} : { ESCALATION_TICK_MS: String(tickMs) }),
  };
}

/** Our notification id, which the status callback URL carries (`?n=ntf_…`). */
export function notificationIdOf(r: FakeTwilioRequest): string | undefined {
  if (!r.statusCallback) return undefined;
  try {
    return new URL(r.statusCallback).searchParams.get('n') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Joins the SMS requests at the fake (polled, with the fake's arrival time) to their incidents: the status
 * callback URL names our notification (`?n=`), and the outbox announces each notification with its incident on
 * the in-process hub (`notification.status`, after the send). Exact per incident, whatever the counter.
 * `receivedAt` is Date.now() (whole ms since the epoch); one offset taken at the start maps it onto
 * performance.now(), the clock of the press times (both clocks of this process).
 */
export class SmsMatcher {
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;
  private untap: (() => void) | undefined;
  private readonly epochMinusPerf = Date.now() - performance.now();
  /** Notification id → incident, from the hub; and requests still waiting for theirs. */
  private readonly incidentOf = new Map<string, string>();
  private readonly waiting = new Map<string, FakeTwilioRequest[]>();

  constructor(
    private readonly fake: FakeTwilioLike,
    private readonly onSms: (incidentId: string, atPerf: number, request: FakeTwilioRequest) => void,
  ) {}

  /** Polls the fake's requests every `everyMs`: only when a bell may be freed depends on it, never a measured time. */
  start(system: System, everyMs = 5): void {
    const prefix = '{"type":"notification.status"';
    this.untap = system.hub.subscribe({
      canSee: () => true,
      send: (text) => {
        if (!text.startsWith(prefix)) return;
        const { data } = JSON.parse(text) as { data: { id: string; incidentId: string; channel: string } };
        if (data.channel !== 'sms' || this.incidentOf.has(data.id)) return;
        this.incidentOf.set(data.id, data.incidentId);
        for (const r of this.waiting.get(data.id) ?? []) this.deliver(data.incidentId, r);
        this.waiting.delete(data.id);
      },
    });
    this.timer = setInterval(() => this.drain(), everyMs);
  }

  private drain(): void {
    const rs = this.fake.requests;
    while (this.cursor < rs.length) {
      const r = rs[this.cursor++]!;
      if (r.kind !== 'sms') continue;
      const id = notificationIdOf(r);
      if (id === undefined) continue; // every SMS of ours carries one
      const incidentId = this.incidentOf.get(id);
      if (incidentId !== undefined) this.deliver(incidentId, r);
      else this.waiting.set(id, [...(this.waiting.get(id) ?? []), r]);
    }
  }

  private deliver(incidentId: string, r: FakeTwilioRequest): void {
    this.onSms(incidentId, r.receivedAt - this.epochMinusPerf, r);
  }

  stop(): void {
    clearInterval(this.timer);
    this.drain();
    this.untap?.();
  }
}

/** Rows of a raw query, on PGlite and on pg alike. */
export async function rows<T>(system: System, q: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await system.database.db.execute(q)) as unknown as { rows: T[] };
  return res.rows;
}

/** Notification id → incident and step, for the notifications of one step (or all). */
export async function notificationIndex(system: System, stepId?: string): Promise<Map<string, { incidentId: string; stepId: string }>> {
  const rs = await rows<{ id: string; incident_id: string; step_id: string }>(
    system,
    stepId === undefined
      ? sql`select id, incident_id, step_id from notifications`
      : sql`select id, incident_id, step_id from notifications where step_id = ${stepId}`,
  );
  return new Map(rs.map((r) => [r.id, { incidentId: r.incident_id, stepId: r.step_id }]));
}
