// GET /v1/openapi.json: a valid OpenAPI 3.1 document (checked by a validator we did not
// write, against the specification's own JSON Schema) that describes every route the
// service actually serves.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNationalService } from '../../../service/app.js';
import { MemoryNonceCache } from '../../../service/auth/nonce-cache.js';
import { createHandler } from '../../../service/http/handler.js';
import { openApiDocument } from '../../../service/http/openapi.js';
import { signedRoute } from '../../../service/http/route.js';
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
      const doc = openApiDocument(routes) as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
      };
      const body = doc.paths['/v1/children/{cpNumber}/involvements']!['post']!.requestBody!.content['application/json']!
        .schema as Record<string, unknown>;
      expect(body['additionalProperties']).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('declares each path parameter in: path, with the schema the service checks it with', async () => {
    const db = await openPglite();
    try {
      const { routes } = createNationalService({ db, trainingMode: true });
      type Parameter = {
        name: string;
        in: string;
        required: boolean;
        description?: string;
        schema: Record<string, unknown>;
      };
      const doc = openApiDocument(routes) as { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
      for (const route of routes) {
        const names = (route.path.match(/:([A-Za-z]+)/g) ?? []).map((n) => n.slice(1));
        const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]![route.method.toLowerCase()]!;
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(
          inPath.map((p) => p.name),
          `${route.method} ${route.path}`,
        ).toEqual(names);
        for (const p of inPath) {
          expect(p.required).toBe(true);
          expect(p.schema['type'], `${route.method} ${route.path} ${p.name}`).toBe('string');
          expect(p.description, `${route.method} ${route.path} ${p.name}`).toBeTruthy();
        }
      }
      const review = doc.paths['/v1/match-reviews/{id}/resolve']!['post']!.parameters!.find((p) => p.name === 'id')!;
      expect(review.schema['pattern']).toBe('^[1-9]\\d{0,14}$');
      const child = doc.paths['/v1/children/{cpNumber}']!['get']!.parameters!.find((p) => p.name === 'cpNumber')!;
      expect(child.description).toContain('ContactPoint number');
    } finally {
      await db.close();
    }
  });

  it('refuses to build a handler for a route whose params schema does not name exactly its path parameters', async () => {
    const db = await openPglite();
    try {
      const { ctx } = createNationalService({ db, trainingMode: true });
      const options = { scheme: 'http' as const, nonces: new MemoryNonceCache(ctx.clock) };
      const route = (path: string, params?: z.ZodObject) =>
        signedRoute({
          method: 'GET',
          path,
          ...(params ? { params } : {}),
          doc: { tag: 't', summary: 's' },
          handle: async () => ({ status: 204 }),
        });
      expect(() => createHandler(ctx, [route('/v1/things/:id')], options)).toThrow(
        /exactly its path parameters \(id\)/,
      );
      expect(() => createHandler(ctx, [route('/v1/things/:id', z.object({ thing: z.string() }))], options)).toThrow(
        /exactly/,
      );
      expect(() => createHandler(ctx, [route('/v1/things', z.object({ id: z.string() }))], options)).toThrow(
        /\(none\)/,
      );
      expect(() => createHandler(ctx, [route('/v1/things/:id', z.object({ id: z.string() }))], options)).not.toThrow();
    } finally {
      await db.close();
    }
  });
});
