import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../http/openapi.ts';
import { placesOpenApiPaths } from './openapi.ts';

describe('floor plans and managers in openapi.json', () => {
  it('lists the routes with the history filters from the zod schema', () => {
    const paths = openApiDocument(placesOpenApiPaths()).paths as Record<string, { get?: { parameters?: { name: string }[] } }>;
    for (const p of ['/floor-plans', '/sites/{siteId}/floor-plans/{floor}/image', '/sites/{siteId}/floor-plans/{floor}/counters/{counterId}', '/managers/open', '/managers/history']) {
      expect(paths[p], p).toBeDefined();
    }
    expect(paths['/managers/history']!.get!.parameters!.map((x) => x.name).sort()).toEqual(['counterId', 'from', 'kind', 'limit', 'mode', 'siteId', 'status', 'to']);
  });
});
