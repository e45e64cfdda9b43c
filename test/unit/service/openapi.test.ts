// GET /v1/openapi.json: a valid OpenAPI 3.1 document (checked by a validator we did not
// write, against the specification's own JSON Schema) that describes every route the
// service actually serves.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { createNationalService } from '../../../service/app.js';
import { openApiDocument } from '../../../service/http/openapi.js';
import { openPglite } from '../../../service/store/pglite.js';

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 and lists every route with its method, security and request schema', async () => {
    const db = await openPglite();
    try {
      const { routes } = createNationalService({ db, trainingMode: true });
      const doc = openApiDocument(routes);
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const paths = doc['paths'] as Record<string, Record<string, { security: unknown[]; requestBody?: unknown }>>;
      for (const route of routes) {
        const op = paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()];
        expect(op, `${route.method} ${route.path}`).toBeDefined();
        expect(op!.security.length > 0, `${route.method} ${route.path} security`).toBe(route.auth === 'signed');
        expect(op!.requestBody !== undefined, `${route.method} ${route.path} body`).toBe(route.body !== undefined);
      }
    } finally {
      await db.close();
    }
  });

  it('documents that no unknown field is accepted: request bodies forbid additional properties', async () => {
    const db = await openPglite();
    try {
      const { routes } = createNationalService({ db, trainingMode: true });
      const doc = openApiDocument(routes) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>> };
      const body = doc.paths['/v1/children/{cpNumber}/involvements']!['post']!.requestBody!.content['application/json']!.schema as Record<string, unknown>;
      expect(body['additionalProperties']).toBe(false);
    } finally {
      await db.close();
    }
  });
});
