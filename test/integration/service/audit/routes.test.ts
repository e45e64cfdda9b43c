// The audit review endpoints, their handlers run against a real (embedded) store with
// the query parsed by the route's own schema, as the HTTP layer does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../../../domain/roles.js';
import { appendAudit, type AuditAction } from '../../../../service/audit/audit-log.js';
import { auditQuerySchema, auditRoutes } from '../../../../service/audit/routes.js';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import { ApiError } from '../../../../service/http/api-error.js';
import type { Route } from '../../../../service/http/route.js';
import type { Database } from '../../../../service/store/database.js';
import { migrate } from '../../../../service/store/migrations.js';
import { openPglite } from '../../../../service/store/pglite.js';
import { addChild, CHESHIRE_WEST_AND_CHESTER, traceableChild, WIRRAL } from '../../../support/children.js';
import { testSecrets } from '../../../support/secrets.js';

interface Entry {
  seq: number;
  at: string;
  userId: string | null;
  action: string;
  cpNumber: string | null;
  reason: string | null;
}
interface Page {
  entries: Entry[];
  next: number | null;
}

let db: Database;
let ctx: ServiceContext;
let wirralChild: string;
let chesterChild: string;
const clock = new SettableClock(new Date('2024-06-01T12:00:00Z'));

beforeAll(async () => {
  db = await openPglite();
  await migrate(db);
  ctx = { db, clock, randomBytes: () => Buffer.alloc(0), trainingMode: true, secrets: testSecrets };
  wirralChild = (await addChild(db, traceableChild({ dob: '2015-02-03', family: 'Auditwell' }), { at: clock.now() }))
    .cpNumber;
  chesterChild = (
    await addChild(
      db,
      traceableChild({ dob: '2015-02-03', family: 'Auditchester', localAuthority: CHESHIRE_WEST_AND_CHESTER }),
      { at: clock.now() },
    )
  ).cpNumber;
  const entries: [string, AuditAction, string | null, string | null][] = [
    ['u-gp', 'sign-in', null, null],
    ['u-gp', 'search', null, null],
    ['u-gp', 'read', wirralChild, 'Registration'],
    ['u-school', 'read', chesterChild, 'New pupil'],
    ['u-gp', 'read', wirralChild, 'Follow-up'],
    ['u-cp', 'shield-override', chesterChild, 'Section 47 enquiry'],
    ['u-school', 'read', wirralChild, 'Transfer'],
  ];
  for (const [i, [userId, action, cpNumber, reason]] of entries.entries()) {
    await db.transaction((tx) =>
      appendAudit(tx, { at: new Date(Date.UTC(2024, 4, 1 + i, 9)), userId, action, cpNumber, reason }),
    );
  }
});
afterAll(() => db.close());

function actor(roles: Role[], localAuthority: string | null, userId = 'u-reviewer'): Actor {
  return {
    userId,
    name: 'Reviewer',
    roles,
    organisation: {
      id: 'org-1',
      name: 'Organisation',
      kind: 'local-authority',
      accredited: true,
      localAuthority,
      supplier: null,
    },
    localAuthority,
    sessionId: 's-1',
  };
}

function route(path: string): Route {
  return auditRoutes.find((r) => r.method === 'GET' && r.path === path)!;
}

async function list(who: Actor, query: Record<string, string> = {}): Promise<Page> {
  const parsed = auditQuerySchema.parse(query);
  const response = await route('/v1/audit').handle(
    { params: {}, query: parsed, body: undefined, headers: {}, remoteAddress: '127.0.0.1', actor: who },
    ctx,
  );
  expect(response.status).toBe(200);
  return response.body as Page;
}

/** Entries written by the seed, not by the audit reads the tests themselves make. */
const seeded = (page: Page) => page.entries.filter((e) => e.action !== 'audit-read');

describe('GET /v1/audit', () => {
  it('is for management roles only', () => {
    const r = route('/v1/audit');
    expect(r.auth === 'signed' && [...(r.roles ?? [])].sort()).toEqual(['data-manager', 'la-team', 'national-admin']);
  });

  it('gives a data manager every entry in order, in the national-api shape', async () => {
    const page = await list(actor(['data-manager'], null), { limit: '1000' });
    expect(seeded(page)).toHaveLength(7);
    expect(page.entries[0]).toEqual({
      seq: 1,
      at: '2024-05-01T09:00:00.000Z',
      userId: 'u-gp',
      action: 'sign-in',
      cpNumber: null,
      reason: null,
    });
    expect(page.entries[2]).toMatchObject({ action: 'read', cpNumber: wirralChild, reason: 'Registration' });
    const seqs = page.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(page.next).toBeNull();
  });

  it('pages through with the next cursor', async () => {
    const who = actor(['national-admin'], null);
    // Up to the end of May: the seeded entries, not the audit reads the tests add.
    const pages: Page[] = [];
    let after: number | null = 0;
    while (after !== null) {
      const page = await list(who, { limit: '3', after: String(after), to: '2024-05-31' });
      pages.push(page);
      after = page.next;
    }
    expect(pages.map((p) => [p.entries.map((e) => e.seq), p.next])).toEqual([
      [[1, 2, 3], 3],
      [[4, 5, 6], 6],
      [[7], null],
    ]);
  });

  it('filters by child, by user and by time', async () => {
    const who = actor(['data-manager'], null);
    const byChild = seeded(await list(who, { cpNumber: wirralChild.toLowerCase() }));
    expect(byChild.map((e) => e.reason)).toEqual(['Registration', 'Follow-up', 'Transfer']);

    const byUser = seeded(await list(who, { userId: 'u-school' }));
    expect(byUser.map((e) => e.cpNumber)).toEqual([chesterChild, wirralChild]);

    const byTime = seeded(await list(who, { from: '2024-05-03', to: '2024-05-05T09:00:00Z' }));
    expect(byTime.map((e) => e.seq)).toEqual([3, 4, 5]);
  });

  it('shows an LA team only the entries about children of its own authority', async () => {
    const page = await list(actor(['la-team'], WIRRAL), { limit: '1000' });
    expect(seeded(page)).toHaveLength(3);
    expect(new Set(page.entries.map((e) => e.cpNumber))).toEqual(new Set([wirralChild]));
    expect((await list(actor(['la-team'], WIRRAL), { cpNumber: chesterChild })).entries).toEqual([]);
    const chester = seeded(await list(actor(['la-team'], CHESHIRE_WEST_AND_CHESTER), { limit: '1000' }));
    expect(chester.map((e) => e.reason)).toEqual(['New pupil', 'Section 47 enquiry']);
  });

  it('refuses an LA team account with no authority', async () => {
    const refused = list(actor(['la-team'], null));
    await expect(refused).rejects.toBeInstanceOf(ApiError);
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'no-local-authority' });
  });

  it('audits every read of the trail, with who read it and what they asked about', async () => {
    const who = actor(['data-manager'], null, 'u-auditor');
    await list(who, { cpNumber: chesterChild, userId: 'u-cp' });
    const [last] = await db.query<{
      user_id: string;
      action: string;
      cp_number: string | null;
      detail: Record<string, unknown>;
    }>('SELECT user_id, action, cp_number, detail FROM audit_log ORDER BY seq DESC LIMIT 1');
    expect(last).toEqual({
      user_id: 'u-auditor',
      action: 'audit-read',
      cp_number: chesterChild,
      detail: { entries: 1, filters: ['cpNumber', 'userId'] },
    });
  });

  it('refuses unknown and malformed parameters, naming them', () => {
    const problem = (query: Record<string, string>) => {
      const r = auditQuerySchema.safeParse(query);
      return r.success
        ? 'accepted'
        : r.error.issues.map((i) => `${i.path.join('.') || (i as { keys?: string[] }).keys?.join(',')}`).join(' ');
    };
    expect(problem({ surname: 'Smith' })).toBe('surname');
    expect(problem({ cpNumber: 'CP123' })).toBe('cpNumber');
    expect(problem({ limit: '0' })).toBe('limit');
    expect(problem({ limit: '1001' })).toBe('limit');
    expect(problem({ after: '-1' })).toBe('after');
    expect(problem({ from: 'yesterday' })).toBe('from');
    expect(problem({ from: '2024-05-02', to: '2024-05-01' })).toBe('to');
    expect(problem({ from: '2024-05-01', to: '2024-05-01', limit: '', userId: 'u-1' })).toBe('accepted');
  });
});

describe('GET /v1/audit/verify', () => {
  it('is for the management roles, an LA team included', () => {
    const r = route('/v1/audit/verify');
    expect(r.auth === 'signed' && [...(r.roles ?? [])].sort()).toEqual(['data-manager', 'la-team', 'national-admin']);
  });

  it('reports an intact chain, and the entry at which a tampered one breaks', async () => {
    const r = route('/v1/audit/verify');
    const call = () =>
      r.handle(
        {
          params: {},
          query: {},
          body: undefined,
          headers: {},
          remoteAddress: '127.0.0.1',
          actor: actor(['national-admin'], null),
        },
        ctx,
      );
    const intact = await call();
    expect(intact).toMatchObject({ status: 200, body: { ok: true, intact: true } });

    await db.query("UPDATE audit_log SET reason = 'Routine' WHERE seq = 6");
    const broken = await call();
    expect(broken).toMatchObject({
      status: 200,
      body: { ok: false, intact: false, entries: 5, firstBroken: { seq: 6, problem: 'hash-mismatch' } },
    });
  });
});
