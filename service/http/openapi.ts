// GET /v1/openapi.json: the OpenAPI 3.1 document, generated from the same route
// declarations and zod schemas the service validates with, so it cannot drift.
import { z } from 'zod';
import { serviceVersion } from '../version.js';
import type { Route } from './route.js';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable' },
        message: { type: 'string', description: 'For a person' },
        problems: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete out['$schema'];
  return out;
}

/** The OpenAPI schema of a response body, from the zod schema of what the handler returns. */
export function responseSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete out['$schema'];
  return out;
}

function errorResponses(route: Route): Record<string, unknown> {
  const ref = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const out: Record<string, unknown> = {};
  if (route.body || route.query || route.params) {
    const malformed = route.body || route.query ? 'Malformed JSON or URL' : 'Malformed URL';
    out['400'] = {
      description: route.params
        ? `${malformed}, or a path parameter that is not valid (the message names it)`
        : malformed,
      ...ref,
    };
  }
  if (route.body || route.query) {
    out['422'] = {
      description: 'A field is unknown (no case information is accepted) or invalid; the message names it',
      ...ref,
    };
  }
  if (route.body) {
    out['413'] = { description: 'Body over the size limit', ...ref };
    out['415'] = { description: 'Body is not JSON', ...ref };
  }
  if (route.auth === 'signed') {
    out['401'] = {
      description:
        'Signature missing, malformed, wrong, replayed or out of its time window; session unknown, expired or ended',
      ...ref,
    };
    out['403'] = {
      description:
        'Role may not do this, or the account may not act (suspended, not accredited, check expired, training or agreement missing)',
      ...ref,
    };
  } else {
    out['401'] = { description: 'Sign-in refused', ...ref };
    out['429'] = { description: 'Too many attempts', ...ref };
  }
  for (const [status, description] of Object.entries(route.doc.errors ?? {})) {
    const general = (out[status] as { description?: string } | undefined)?.description;
    out[status] = { description: general ? `${general}; ${description}` : description, ...ref };
  }
  return out;
}

export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    const pathSchema = route.params
      ? (jsonSchema(route.params) as { properties?: Record<string, Record<string, unknown>> })
      : {};
    for (const name of route.path.match(/:([A-Za-z]+)/g) ?? []) {
      const { description, ...schema } = pathSchema.properties?.[name.slice(1)] ?? { type: 'string' };
      parameters.push({
        name: name.slice(1),
        in: 'path',
        required: true,
        ...(typeof description === 'string' ? { description } : {}),
        schema,
      });
    }
    if (route.query && route.query instanceof z.ZodObject) {
      const schema = jsonSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s });
      }
    }
    for (const h of route.doc.headers ?? []) {
      parameters.push({
        name: h.name,
        in: 'header',
        required: h.required,
        description: h.description,
        schema: { type: 'string' },
      });
    }
    const status = String(route.doc.status ?? 200);
    const op: Record<string, unknown> = {
      tags: [route.doc.tag],
      summary: route.doc.summary,
      ...(route.doc.description ? { description: route.doc.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: route.bodyOptional !== true,
              content: { 'application/json': { schema: jsonSchema(route.body) } },
            },
          }
        : {}),
      responses: {
        [status]: {
          description: 'Success',
          ...(route.doc.responseHeaders?.length
            ? {
                headers: Object.fromEntries(
                  route.doc.responseHeaders.map((h) => [
                    h.name,
                    { description: h.description, schema: { type: 'string' } },
                  ]),
                ),
              }
            : {}),
          ...(route.doc.response ? { content: { 'application/json': { schema: route.doc.response } } } : {}),
        },
        ...errorResponses(route),
      },
      security: route.auth === 'signed' ? [{ httpSignature: [] }] : [],
    };
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ContactPoint national index service',
      version: serviceVersion,
      description:
        'The fixed part of this contract (sessions, RFC 9421 request signatures, the record shape) is ../shared/docs/national-api.md (in the project brief, beside the repository); the rest is documented in docs/service-api.md.',
    },
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        httpSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Signature',
          description:
            'RFC 9421 HTTP Message Signature, label "cp", keyid = sessionId, alg ecdsa-p256-sha256, covering "@method" "@target-uri" and "content-digest" (RFC 9530) when there is a body; parameters created, expires (at most 300 s later), nonce, keyid, alg.',
        },
      },
    },
    paths,
  };
}
