/**
 * An area beside the alarm path (case files, aftercare, audit, statistics, managers, floor plans, administration,
 * drills): its OpenAPI paths, what it lends the alarm core, its routes and its lifetime. The composition root (system/) lists the areas once, so
 * nothing under api/ imports an area, and the HTTP app mounts whatever it is given.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { BusPort } from './bus/index.ts';
import type { AlarmCore } from './core/alarm-core.ts';
import type { Places } from './core/places.ts';
import type { DrillModePort } from './core/ports.ts';
import type { ApiContext } from './http/context.ts';
import type { Db, DirectoryStore, EscalationStore, IncidentStore } from './store/index.ts';

/** What the alarm path offers an area once it is built. */
export interface AreaServices {
  db: Db;
  core: AlarmCore;
  incidents: IncidentStore;
  escalation: EscalationStore;
  directory: DirectoryStore;
  places: Places;
  bus: BusPort;
  logger: Logger;
  /** The process's steady clock (api/clock): never jumps with the wall clock. */
  now: () => Date;
  /** The broker for the area's own MQTT clients (a drill's virtual bells); `url` is known once the broker runs. */
  mqtt: { readonly url: string; topicRoot: string; perBellCredentials: boolean; username?: string | undefined; password?: string | undefined };
}

/** What an area's routes are given: the HTTP context and, apart from it, the database its own stores read. */
export type AreaContext = ApiContext & { db: Db };

/** An area once built: its routes under /api/v1 and its lifetime (started after the alarm path, stopped before it). */
export interface AttachedArea {
  routes(ctx: ApiContext): Router;
  /** Routes that read their own request body (uploads), mounted before the API's 64 KiB JSON parser. */
  rawRoutes?(ctx: ApiContext): Router;
  start?(): Promise<void>;
  stop?(): Promise<void> | void;
}

/** An area opened for one process, before the alarm core is built. */
export interface OpenedArea {
  /** Lent to the alarm core: the drill a bell event belongs to, decided at the edge from memory. */
  drillMode?: DrillModePort;
  attach(services: AreaServices): AttachedArea;
}

export interface Area {
  name: string;
  openApiPaths(): Record<string, unknown>;
  open(bus: BusPort): OpenedArea;
}

/** An area that is only routes over stores of its own (most of the back office). */
export function routesArea(name: string, parts: { routes(ctx: AreaContext): Router; rawRoutes?(ctx: AreaContext): Router; openApiPaths?(): Record<string, unknown> }): Area {
  const { routes, rawRoutes } = parts;
  return {
    name,
    openApiPaths: parts.openApiPaths ?? (() => ({})),
    open: () => ({
      attach: ({ db }) => ({
        routes: (ctx) => routes({ ...ctx, db }),
        ...(rawRoutes ? { rawRoutes: (ctx: ApiContext) => rawRoutes({ ...ctx, db }) } : {}),
      }),
    }),
  };
}
