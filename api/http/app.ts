import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler, type Router } from 'express';
import { Counter } from 'prom-client';
import { authenticate, userOf, type ApiContext } from './context.ts';
import { errorHandler, forbidden, HttpError, notFoundRoute } from './errors.ts';
import { openApiDocument } from './openapi.ts';
import { authRoutes } from './routes/auth.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { cancelCheckRoutes } from '../desk/cancel-checks.ts';
import { placeRoutes } from './routes/places.ts';
import { escalationRoutes } from './routes/escalation.ts';
import { canProvision } from '../auth/policy.ts';
import { staticConsole } from './static-console.ts';
import { isLoopback, securityHeaders, validPathSegments } from './headers.ts';

const consoleDist = fileURLToPath(new URL('../../console-ui/dist', import.meta.url));

/** What the composition root mounts besides the alarm path's own routes: integrations (Twilio's webhooks) and areas. */
export interface Mounts {
  /**
   * Providers' webhooks (Twilio's status reports, two or more per SMS): the most frequent requests in an alarm burst,
   * matched first, before the API's and the areas' routes are walked. They check their own signature and parse their
   * own bodies.
   */
  integrations: readonly Router[];
  routes: readonly Router[];
  /** Routes that read their own body (evidence uploads), before the JSON parser. */
  rawRoutes: readonly Router[];
  openApiPaths: Record<string, unknown>;
}

export function createApp(ctx: ApiContext, mounts: Mounts = { integrations: [], routes: [], rawRoutes: [], openApiPaths: {} }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  const refused = new Counter({
    name: 'guardbell_http_errors_total',
    help: 'HTTP requests answered with an error, by code.',
    labelNames: ['code'],
    registers: [ctx.registry],
  });

  const api = express.Router();
  api.use(validPathSegments);
  for (const routes of mounts.integrations) api.use(routes);
  // Before the API's 64 KiB JSON parser: a provisioning document may be as large in JSON as in YAML (2 MB),
  // and only an admin's body is read at all.
  const mayProvision: RequestHandler = (_req, res, next) => {
    if (!canProvision(userOf(res))) throw forbidden('provision sites, bells and people');
    next();
  };
  api.post(
    '/provisioning',
    authenticate(ctx),
    mayProvision,
    express.json({ limit: '2mb', strict: false }),
    express.text({ type: ['application/yaml', 'text/yaml', 'text/plain'], limit: '2mb' }),
    async (req, res) => {
      if (!ctx.provision) throw new HttpError(501, 'not_available', 'provisioning is not available in this process');
      const text = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      const result = await ctx.provision(text, typeof req.body === 'string' ? 'upload.yaml' : 'upload.json', userOf(res).id);
      if (!result.ok) {
        throw new HttpError(422, 'invalid_provisioning', `${result.problems.length} problem(s) in the provisioning document; nothing was applied`, result.problems);
      }
      res.json(result.summary);
    },
  );
  // Evidence uploads (up to 100 MB, any media type) before the JSON parser; read only after the role is checked.
  for (const routes of mounts.rawRoutes) api.use(routes);
  api.use(express.json({ limit: '64kb', strict: false }));
  api.get('/health', async (_req, res) => {
    res.json(await ctx.health());
  });
  api.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(mounts.openApiPaths));
  });
  api.use(authRoutes(ctx));
  api.use(placeRoutes(ctx));
  api.use(incidentRoutes(ctx));
  api.use(cancelCheckRoutes(ctx));
  api.use(escalationRoutes(ctx));
  for (const routes of mounts.routes) api.use(routes);
  api.use(notFoundRoute);
  app.use('/api/v1', api);

  // Metrics name bells, sites and error counts: for the machine's own Prometheus unless METRICS=open.
  app.get('/metrics', async (req, res) => {
    const access = ctx.metricsAccess ?? 'local';
    if (access === 'off') throw new HttpError(404, 'not_found', 'metrics are off (METRICS=off)');
    if (access === 'local' && !isLoopback(req.socket.remoteAddress)) throw new HttpError(403, 'forbidden', 'metrics are served to this machine only (METRICS=local); set METRICS=open to serve them to others');
    res.setHeader('Content-Type', ctx.registry.contentType);
    res.send(await ctx.registry.metrics());
  });

  if (existsSync(consoleDist)) {
    app.use(staticConsole(consoleDist));
    // The console is a single-page app: its routes all load index.html.
    app.get(/^\/(?!api\/|metrics).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile('index.html', { root: consoleDist });
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Guardbell API is running. The console is not built: run `npm run build:console`.');
    });
  }
  app.use(notFoundRoute);
  app.use(errorHandler(ctx.logger, (code) => refused.inc({ code })));
  return app;
}
