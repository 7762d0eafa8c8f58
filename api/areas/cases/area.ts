/** Legal case files, evidence and complainants (need-to-know, audited); evidence uploads read their own body. An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { evidenceUploadRoutes } from './evidence-routes.ts';
import { casesOpenApiPaths } from './openapi.ts';
import { caseRoutes } from './routes.ts';

export const casesArea = routesArea('cases', { routes: caseRoutes, rawRoutes: evidenceUploadRoutes, openApiPaths: casesOpenApiPaths });
