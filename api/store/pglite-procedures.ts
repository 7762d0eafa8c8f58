/**
 * Store methods that run inside the PGlite thread, next to the engine, as one message each. A
 * transaction driven from the main thread holds PGlite's one session across a round trip per query, and
 * each round trip waits for the busy main event loop: the alarm write, the hottest transaction, runs here
 * instead, start to finish, and so do the escalation engine's claims and arming. The code is the same as on
 * PostgreSQL; only where it runs differs.
 */
import type { Db } from './database.ts';
import type { IncidentAction } from '../domain/index.ts';
import { IncidentStore, type BellEventWrite } from './incident-store.ts';
import { ClaimContextCopy, claimDueSteps, EMBEDDED_CLAIM_LIMIT } from '../escalation/step-claim.ts';
import { armIncident, armIncidents } from '../escalation/step-arm.ts';

/** The thread's copy of the roster and places, for the escalation claims. */
const claimContext = new ClaimContextCopy();

export const procedures = {
  writeBellEvent: (db: Db, write: BellEventWrite) => new IncidentStore(db).writeBellEvent(write),
  // The error that stopped a batch travels as data beside the results of those stored before it.
  writeBellEvents: async (db: Db, writes: BellEventWrite[]) => {
    const { results, error } = await new IncidentStore(db).writeBellEvents(writes);
    return error === undefined ? { results } : { results, error: errorAsData(error) };
  },
  applyAction: (db: Db, id: string, action: IncidentAction, now: Date) => new IncidentStore(db).applyAction(id, action, now),
  // The escalation engine's claim; `version` says whether the thread's copy of the roster and places is still good.
  claimDueSteps: (db: Db, now: Date, version: string | undefined) =>
    db.transaction((tx) => claimDueSteps(tx, now, () => claimContext.at(tx, version, now), EMBEDDED_CLAIM_LIMIT)),
  // And its arming of steps after an incident changed, and at start.
  armIncident: (db: Db, incidentId: string, now: Date) => db.transaction((tx) => armIncident(tx, incidentId, now)),
  armIncidents: (db: Db, ids: string[]) => db.transaction((tx) => armIncidents(tx, ids)),
};

/** An error crossing the thread as data: its message, name and SQLSTATE (a cause's, as drizzle wraps the driver's). */
function errorAsData(error: unknown): { message: string; name?: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = (error as { code?: unknown }).code ?? cause?.code;
  const message = typeof cause?.message === 'string' ? `${error.message}: ${cause.message}` : error.message;
  return { message, name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
type Rest<T> = T extends (db: Db, ...args: infer A) => unknown ? A : never;

/** Calls a procedure where the database engine runs. */
export type RunInEngine = <N extends ProcedureName>(name: N, ...args: Rest<Procedures[N]>) => ReturnType<Procedures[N]>;
