import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AlarmCore } from '../core/alarm-core.ts';
import type { BellSupervisor } from '../core/bell-supervisor.ts';
import type { Places } from '../core/places.ts';
import type { LiveHub } from '../live/hub.ts';
import type { BusPort } from '../bus/index.ts';
import type { DirectoryStore, EscalationStore, IncidentStore } from '../store/index.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Clock } from '../clock/index.ts';
import { tokenFrom } from '../auth/sessions.ts';
import type { User } from '../auth/policy.ts';
import { unauthorized } from './errors.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  db: 'ok' | 'down';
  broker: 'ok' | 'down';
  pendingWrites: number;
  /** Each native serial line of SERIAL_PORTS, and whether it is open. */
  serial?: { path: string; connected: boolean }[];
}

/** Everything the routes use, handed in by the composition root. */
export interface ApiContext {
  core: AlarmCore;
  supervisor: BellSupervisor;
  incidents: IncidentStore;
  directory: DirectoryStore;
  escalation: EscalationStore;
  places: Places;
  sessions: Sessions;
  hub: LiveHub;
  /** The alarm bus: routes that change what other processes cache tell it (`directory.changed`, `session.ended`). */
  bus: BusPort;
  registry: Registry;
  logger: Logger;
  health(): Promise<HealthReport>;
  /** Applies a provisioning document sent over HTTP; returns problems or a summary. */
  provision?(text: string, fileName: string, actorId?: string): Promise<{ ok: true; summary: unknown } | { ok: false; problems: { path: string; message: string }[] }>;
  /** Who may read /metrics (METRICS): nobody, loopback clients only (the default), or anyone. */
  metricsAccess?: 'off' | 'local' | 'open';
  secureCookies: boolean;
  sessionTtlMs: number;
  /** The process clock (api/clock): session lifetimes, rosters and checks measured on it, not on a steppable wall clock. */
  clock: Clock;
}

export function authenticate(ctx: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const token = tokenFrom({ cookie: req.headers.cookie, authorization: req.headers.authorization });
    if (!token) throw unauthorized();
    const user = await ctx.sessions.resolve(token);
    if (!user) throw unauthorized();
    res.locals.user = user;
    res.locals.token = token;
    next();
  };
}

export function userOf(res: Response): User {
  return res.locals.user as User;
}
