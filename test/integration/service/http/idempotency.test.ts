// The Idempotency-Key machinery itself (service/http/idempotency.ts), on both store
// engines: what a request finds while the first with its key is still running, after
// the first failed, and after the first's process died.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SettableClock, type ServiceContext } from '../../../../service/context.js';
import { ApiError } from '../../../../service/http/api-error.js';
import {
  CLAIM_LEASE_MS,
  CLAIM_RENEW_MS,
  idempotencyKeyOf,
  idempotent,
  requestHash,
} from '../../../../service/http/idempotency.js';
import { JsonText, type RouteResponse } from '../../../../service/http/route.js';
import { openPostgres } from '../../../../service/store/postgres.js';
import { WIRRAL } from '../../../support/children.js';
import { openTestStore, storeEngines, type TestStore } from '../../../support/stores.js';
import { laTeam } from '../sync/fixtures.js';
import { testSecrets } from '../../../support/secrets.js';

const actor = laTeam(WIRRAL);
const text = (r: RouteResponse) => (r.body instanceof JsonText ? r.body.text : JSON.stringify(r.body));

/** A gate a piece of work waits at until the test opens it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('the Idempotency-Key header', () => {
  it('is optional, and refused by name when malformed', () => {
    expect(idempotencyKeyOf({})).toBeNull();
    expect(idempotencyKeyOf({ 'idempotency-key': 'a.B_9:-' })).toBe('a.B_9:-');
    for (const bad of ['', 'a b', 'a, b', 'x'.repeat(129), 'é']) {
      const e = (() => {
        try {
          idempotencyKeyOf({ 'idempotency-key': bad });
        } catch (x) {
          return x;
        }
      })();
      expect(e, bad).toBeInstanceOf(ApiError);
      expect((e as ApiError).status).toBe(400);
      expect((e as ApiError).message).toContain('Idempotency-Key');
    }
  });

  it('binds a key to the canonical JSON of the request: key order does not matter, any value does', () => {
    expect(requestHash({ a: 1, b: [1, 2] })).toBe(requestHash({ b: [1, 2], a: 1 }));
    expect(requestHash({ a: 1, b: [1, 2] })).not.toBe(requestHash({ a: 1, b: [2, 1] }));
    expect(requestHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe.each(storeEngines)('idempotent work on %s', (engine) => {
  let store: TestStore;
  let ctx: ServiceContext & { clock: SettableClock };
  beforeAll(async () => {
    store = await openTestStore(engine);
    ctx = {
      db: store.db,
      clock: new SettableClock(new Date('2026-11-24T10:00:00Z')),
      randomBytes: (n) => randomBytes(n),
      trainingMode: false,
      secrets: testSecrets,
    };
  });
  afterAll(() => store.close());

  let runs = 0;
  const ok = (body: unknown) => async (): Promise<RouteResponse> => {
    runs++;
    return { status: 200, body };
  };

  it('answers a request while the first with its key runs with 409 in progress, then with the stored response', async () => {
    const g = gate();
    const req = { operation: 'test', key: 'k-progress', request: { n: 1 } };
    const first = idempotent(ctx, actor, req, async () => {
      await g.opened;
      return { status: 200, body: { done: 1 } };
    });
    // Let the first claim the key.
    await new Promise((r) => setTimeout(r, 50));
    const during = await idempotent(ctx, actor, req, ok({ done: 2 })).catch((e: unknown) => e);
    expect(during).toBeInstanceOf(ApiError);
    expect(during).toMatchObject({ status: 409, code: 'idempotency-in-progress', details: { retryAfter: 2 } });
    g.open();
    const answered = await first;
    const after = await idempotent(ctx, actor, req, ok({ done: 3 }));
    expect(after.headers).toMatchObject({ 'idempotency-replayed': 'true' });
    expect(text(after)).toBe(text(answered));
    expect(text(after)).toBe('{"done":1}');
  });

  it('releases the key when the work fails, so the retry runs it again', async () => {
    const req = { operation: 'test', key: 'k-failed', request: { n: 2 } };
    await expect(idempotent(ctx, actor, req, () => Promise.reject(new TypeError('boom')))).rejects.toThrow(TypeError);
    const before = runs;
    const retry = await idempotent(ctx, actor, req, ok({ second: true }));
    expect(runs).toBe(before + 1);
    expect(retry.headers?.['idempotency-replayed']).toBeUndefined();
  });

  it('stores a refusal the work throws and answers the retry with it', async () => {
    const req = { operation: 'test', key: 'k-refused', request: { n: 3 } };
    const first = await idempotent(ctx, actor, req, () => Promise.reject(new ApiError(403, 'other-authority', 'No.')));
    expect(first.status).toBe(403);
    const before = runs;
    const retry = await idempotent(ctx, actor, req, ok({}));
    expect(runs).toBe(before);
    expect(retry.status).toBe(403);
    expect(text(retry)).toBe(text(first));
  });

  it('lets a retry take over a claim left unfinished past the lease (its process died), not before', async () => {
    const req = { operation: 'test', key: 'k-orphan', request: { n: 4 } };
    const claimedAt = ctx.clock.now();
    await ctx.db.query(
      `INSERT INTO idempotent_requests (user_id, operation, idempotency_key, request_hash, claim_token, claimed_at, expires_at)
       VALUES ($1, 'test', 'k-orphan', $2, 'dead', $3, $4)`,
      [actor.userId, requestHash(req.request), claimedAt, new Date(claimedAt.getTime() + 7 * 86_400_000)],
    );
    ctx.clock.advance(CLAIM_LEASE_MS - 1000);
    await expect(idempotent(ctx, actor, req, ok({}))).rejects.toMatchObject({ code: 'idempotency-in-progress' });
    ctx.clock.advance(2000);
    const before = runs;
    const taken = await idempotent(ctx, actor, req, ok({ taken: true }));
    expect(runs).toBe(before + 1);
    expect(text(taken)).toBe('{"taken":true}');
  });

  it('keeps a claim whose work runs past the lease, by renewing it, so no retry takes it over', async () => {
    const req = { operation: 'test', key: 'k-long', request: { n: 9 } };
    let finish!: () => void;
    const long = idempotent(ctx, actor, req, async () => {
      await new Promise<void>((r) => (finish = r));
      return { status: 200, body: { long: true } };
    });
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    ctx.clock.advance(CLAIM_LEASE_MS - 1000);
    // One renewal, written at the clock's time.
    await new Promise((r) => setTimeout(r, CLAIM_RENEW_MS + 500));
    ctx.clock.advance(2000);
    await expect(idempotent(ctx, actor, req, ok({ taken: true }))).rejects.toMatchObject({
      code: 'idempotency-in-progress',
    });
    finish();
    expect(text(await long)).toBe('{"long":true}');
  }, 20_000);

  it('runs the work once for many requests with one key at once', async () => {
    // On PostgreSQL, each on a connection of its own.
    const db = store.url ? await openPostgres(store.url, { max: 6 }) : store.db;
    try {
      const own = { ...ctx, db };
      let ran = 0;
      const req = { operation: 'test', key: 'k-race', request: { n: 5 } };
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, () =>
          idempotent(own, actor, req, async () => {
            ran++;
            await new Promise((r) => setTimeout(r, 30));
            return { status: 200, body: { ran } };
          }),
        ),
      );
      expect(ran).toBe(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'idempotency-in-progress' });
        else expect(text(o.value)).toBe('{"ran":1}');
      }
      expect(
        outcomes.filter((o) => o.status === 'fulfilled' && o.value.headers?.['idempotency-replayed'] === undefined),
      ).toHaveLength(1);
    } finally {
      if (db !== store.db) await db.close();
    }
  });
});
