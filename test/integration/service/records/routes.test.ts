// The route handlers called directly with a real store and clock: what each returns and
// refuses before the rest of the HTTP layer (tested end to end by the lead) is involved.
// Path parameters go through the route's own params schema, as the layer passes them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childSearchQuerySchema } from '../../../../domain/api/records.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import type { Route } from '../../../../service/http/route.js';
import { parseParams } from '../../../../service/http/validation.js';
import { recordRoutes } from '../../../../service/records/routes.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, child } from '../../../support/children.js';
import { actor, refusal, seedAccounts, type ActorName } from './fixtures.js';
import { testSecrets } from '../../../support/secrets.js';

let ctx: ServiceContext;
const db = () => ctx.db;

beforeAll(async () => {
  const db = await openPglite();
  await migrate(db);
  await seedAccounts(db);
  ctx = {
    db,
    clock: new SettableClock(new Date('2025-03-01T10:00:00Z')),
    randomBytes,
    trainingMode: false,
    secrets: testSecrets,
  };
});
afterAll(async () => ctx.db.close());

function route(method: string, path: string): Extract<Route, { auth: 'signed' }> {
  const r = recordRoutes.find((x) => x.method === method && x.path === path);
  if (!r || r.auth !== 'signed') throw new Error(`no signed route ${method} ${path}`);
  return r;
}

function call(
  method: string,
  path: string,
  who: ActorName,
  parts: { params?: Record<string, string>; query?: unknown; body?: unknown; headers?: Record<string, string> } = {},
) {
  const r = route(method, path);
  // A refusal of the path parameters comes back as a rejected promise, like the handler's own.
  return Promise.resolve().then(() =>
    r.handle(
      {
        params: r.params ? parseParams(r.params, parts.params ?? {}) : {},
        query: parts.query,
        body: parts.body,
        headers: parts.headers ?? {},
        remoteAddress: '127.0.0.1',
        actor: actor(who),
      },
      ctx,
    ),
  );
}

describe('recordRoutes', () => {
  it('declares every record endpoint, signed, with a doc in the records tag', () => {
    expect(recordRoutes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/children',
      'GET /v1/children/:cpNumber',
      'GET /v1/children/:cpNumber/subject-access',
      'POST /v1/children/:cpNumber/shield-override',
      'POST /v1/children/:cpNumber/involvements',
      'PATCH /v1/children/:cpNumber/involvements/:involvementId',
      'GET /v1/alerts',
      'POST /v1/alerts/:id/acknowledge',
      'POST /v1/alerts/:id/close',
    ]);
    for (const r of recordRoutes) {
      expect(r.auth).toBe('signed');
      expect(r.doc.tag).toBe('records');
      expect(r.doc.response).toMatchObject({ type: 'object' });
    }
  });

  it('does not let a supplier\u2019s system search or read, nor a practitioner see alerts', () => {
    for (const path of ['/v1/children', '/v1/children/:cpNumber'])
      expect(route('GET', path).roles).not.toContain('supplier-system');
    expect(route('POST', '/v1/children/:cpNumber/shield-override').roles).toEqual(['child-protection']);
    expect(route('GET', '/v1/children/:cpNumber/subject-access').roles).toEqual(['data-manager']);
    expect(route('GET', '/v1/alerts').roles).not.toContain('practitioner');
  });

  it('GET /v1/children/:cpNumber: 400 for a malformed CP number or a missing reason, else the record, not cached', async () => {
    const c = await addChild(db(), child());
    expect(
      await refusal(
        call('GET', '/v1/children/:cpNumber', 'practitioner', {
          params: { cpNumber: 'CP123' },
          headers: { 'cp-access-reason': 'x' },
        }),
      ),
    ).toMatchObject({
      status: 400,
      code: 'invalid-cp-number',
    });
    expect(
      await refusal(call('GET', '/v1/children/:cpNumber', 'practitioner', { params: { cpNumber: c.cpNumber } })),
    ).toMatchObject({
      status: 400,
      code: 'access-reason-required',
    });
    const ok = await call('GET', '/v1/children/:cpNumber', 'practitioner', {
      params: { cpNumber: c.cpNumber.toLowerCase() },
      headers: { 'cp-access-reason': 'Registration' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers?.['cache-control']).toBe('no-store');
    expect(ok.body).toMatchObject({ cpNumber: c.cpNumber });
  });

  it('GET /v1/children searches; POST involvements records with 201', async () => {
    const c = await addChild(db(), child({ family: 'Fotheringay' }));
    const found = await call('GET', '/v1/children', 'practitioner', {
      query: childSearchQuerySchema.parse({ surname: 'Fotheringay' }),
    });
    expect(found.body).toMatchObject({ results: [{ cpNumber: c.cpNumber }], truncated: false });
    const made = await call('POST', '/v1/children/:cpNumber/involvements', 'practitioner', {
      params: { cpNumber: c.cpNumber },
      body: { service: 'Health visiting', startDate: '2025-01-01' },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ version: 2, involvement: { service: 'Health visiting' } });
  });
});
