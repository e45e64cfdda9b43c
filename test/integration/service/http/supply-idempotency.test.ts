// POST /v1/supplies with an Idempotency-Key, over HTTP, on both store engines: a retry
// after a lost response is answered with the first response and applies nothing again;
// the key is bound to the caller and the body; two requests with one key at once never
// both apply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

let serial = 0;
/**
 * A local authority's record of a child no one else holds: a date of birth of its own
 * (a day after the 12th, so that no two are each other's day and month transposed).
 */
function localRecord(family: string, over: Record<string, unknown> = {}) {
  serial++;
  const pad = (n: number) => String(n).padStart(2, '0');
  const dob = `${2010 + Math.floor(serial / 192)}-${pad(1 + (Math.floor(serial / 16) % 12))}-${pad(13 + (serial % 16))}`;
  return {
    supplier: 'local-authority',
    supplierRef: `CMS-IDEM-${serial}`,
    receivedAt: '2026-11-20',
    name: { given: 'Quentin', family },
    gender: 'male',
    dob,
    address: null,
    ...over,
  };
}
const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

describe.each(storeEngines)('idempotent supplies on %s', (engine) => {
  let h: ServiceHarness;
  let team: SignedClient;
  let cwacTeam: SignedClient;

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 10, now: new Date('2026-11-24T10:00:00Z') });
    team = await h.signIn('trn-la-team');
    cwacTeam = await h.signIn('trn-la-team-cwac');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  async function counts() {
    const [row] = await h.db.query<{ children: number; audit: number; supplies: number }>(
      `SELECT (SELECT count(*) FROM children)::int8 AS children, (SELECT count(*) FROM audit_log)::int8 AS audit,
              (SELECT count(*) FROM audit_log WHERE action = 'supply-received')::int8 AS supplies`,
    );
    return row!;
  }

  it('answers a retry with the first response, marked replayed, and applies nothing again', async () => {
    const body = { localAuthority: WIRRAL, records: [localRecord('Idempotence'), localRecord('Idempotence')] };
    const first = await team.post('/v1/supplies', body, withKey('adapter-run-2026-11-24.0001'));
    expect(first.status).toBe(200);
    expect(first.body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'created']);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const before = await counts();

    const retry = await team.post('/v1/supplies', body, withKey('adapter-run-2026-11-24.0001'));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await counts()).toEqual(before);

    // The key is the user's, not the session's: a retry after signing in again is a replay too.
    const session = await h.signIn('trn-la-team');
    const signedIn = await counts();
    const again = await session.post('/v1/supplies', body, withKey('adapter-run-2026-11-24.0001'));
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await counts()).toEqual(signedIn);

    // Without a key the same body is a new supply: matched by its references, nothing created.
    const unkeyed = await team.post('/v1/supplies', body);
    expect(unkeyed.body.results.map((r: { status: string }) => r.status)).toEqual(['matched', 'matched']);
    expect((await counts()).supplies).toBe(before.supplies + 1);
  });

  it('refuses the same key with a different body (409 idempotency-key-reused), applying nothing', async () => {
    const key = 'adapter-run-2026-11-24.0002';
    const first = await team.post(
      '/v1/supplies',
      { localAuthority: WIRRAL, records: [localRecord('Keyreuse')] },
      withKey(key),
    );
    expect(first.status).toBe(200);
    const before = await counts();
    const other = await team.post(
      '/v1/supplies',
      { localAuthority: WIRRAL, records: [localRecord('Keyreuse')] },
      withKey(key),
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency-key-reused');
    expect(await counts()).toEqual(before);
  });

  it("keeps one user's key apart from another's", async () => {
    const key = 'shared-looking-key-0003';
    const wirral = await team.post(
      '/v1/supplies',
      { localAuthority: WIRRAL, records: [localRecord('Ownkey')] },
      withKey(key),
    );
    const before = await counts();
    const cwac = await cwacTeam.post(
      '/v1/supplies',
      { localAuthority: CHESHIRE_WEST_AND_CHESTER, records: [localRecord('Ownkey')] },
      withKey(key),
    );
    expect(cwac.status).toBe(200);
    expect(cwac.headers.get('idempotency-replayed')).toBeNull();
    expect(cwac.body.results[0].status).toBe('created');
    expect(cwac.body.results[0].cpNumber).not.toBe(wirral.body.results[0].cpNumber);
    expect((await counts()).children).toBe(before.children + 1);
  });

  it('stores a refusal too: a retry of a supply for another authority is the same 403, replayed', async () => {
    const body = { localAuthority: CHESHIRE_WEST_AND_CHESTER, records: [localRecord('Otherla')] };
    const first = await team.post('/v1/supplies', body, withKey('other-la-0004'));
    expect(first.status).toBe(403);
    expect(first.body.error.code).toBe('other-authority');
    const retry = await team.post('/v1/supplies', body, withKey('other-la-0004'));
    expect(retry.status).toBe(403);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
  });

  it('refuses a malformed key with 400 naming the header, before applying anything', async () => {
    const before = await counts();
    for (const key of ['has space', 'x'.repeat(129), 'semi;colon', 'ünïcode']) {
      const res = await team.post(
        '/v1/supplies',
        { localAuthority: WIRRAL, records: [localRecord('Badkey')] },
        withKey(key),
      );
      expect(res.status, key).toBe(400);
      expect(res.body.error.code).toBe('invalid-idempotency-key');
      expect(res.body.error.message).toContain('Idempotency-Key');
    }
    expect(await counts()).toEqual(before);
    // The longest allowed, with every allowed kind of character.
    const longest = `${'A'.repeat(120)}az09._:-`;
    expect(
      (await team.post('/v1/supplies', { localAuthority: WIRRAL, records: [localRecord('Badkey')] }, withKey(longest)))
        .status,
    ).toBe(200);
  });

  it('never applies two requests with one key at once: the other is refused in progress or replayed', async () => {
    const body = { localAuthority: WIRRAL, records: Array.from({ length: 25 }, () => localRecord('Concurrent')) };
    const before = await counts();
    const answers = await Promise.all([1, 2, 3].map(() => team.post('/v1/supplies', body, withKey('concurrent-0005'))));
    const applied = answers.filter((a) => a.status === 200 && a.headers.get('idempotency-replayed') === null);
    expect(applied).toHaveLength(1);
    for (const a of answers.filter((x) => x !== applied[0])) {
      if (a.status === 409) {
        expect(a.body.error.code).toBe('idempotency-in-progress');
        expect(a.headers.get('retry-after')).toBe('2');
      } else {
        expect(a.status).toBe(200);
        expect(a.headers.get('idempotency-replayed')).toBe('true');
        expect(a.body).toEqual(applied[0]!.body);
      }
    }
    const after = await counts();
    expect(after.children).toBe(before.children + 25);
    expect(after.supplies).toBe(before.supplies + 1);
    // Once the first has finished, a retry gets its response.
    const late = await team.post('/v1/supplies', body, withKey('concurrent-0005'));
    expect(late.headers.get('idempotency-replayed')).toBe('true');
    expect(late.body).toEqual(applied[0]!.body);
  });

  it('keeps a stored response for 7 days; after that the key may be used afresh', async () => {
    const key = 'retention-0006';
    const body = { localAuthority: WIRRAL, records: [localRecord('Retention')] };
    const first = await team.post('/v1/supplies', body, withKey(key));
    h.clock.advance(7 * 86_400_000 - 60_000);
    const late = await (await h.signIn('trn-la-team')).post('/v1/supplies', body, withKey(key));
    expect(late.headers.get('idempotency-replayed')).toBe('true');
    expect(late.body).toEqual(first.body);
    h.clock.advance(120_000);
    const client = await h.signIn('trn-la-team');
    const afresh = await client.post(
      '/v1/supplies',
      { localAuthority: WIRRAL, records: [localRecord('Retention')] },
      withKey(key),
    );
    expect(afresh.status).toBe(200);
    expect(afresh.headers.get('idempotency-replayed')).toBeNull();
    expect(afresh.body.results[0].status).toBe('created');
    team = client;
  });
});
