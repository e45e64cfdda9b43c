// POST /v1/children/{cpNumber}/involvements with an Idempotency-Key, over HTTP, on both
// store engines: a practitioner's retry after a lost answer (a timeout, a failover) gets
// the first answer back and records nothing again; the key is bound to the caller, the
// child and the body; a refusal is answered again as it was. The desktop sends a key with
// every involvement it records (main/ipc/handlers.ts) and its client retries keyed calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarnessOn, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { storeEngines } from '../../../support/stores.js';

const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });
const body = { service: 'Health visiting', startDate: '2026-11-02' };

describe.each(storeEngines)('idempotent involvements on %s', (engine) => {
  let h: ServiceHarness;
  let practitioner: SignedClient;
  let other: SignedClient;
  let children: string[];

  beforeAll(async () => {
    h = await startServiceHarnessOn(engine, { trainingCount: 10, now: new Date('2026-11-24T10:00:00Z') });
    practitioner = await h.signIn('trn-practitioner');
    other = await h.signIn('trn-child-protection');
    children = (
      await h.db.query<{ cp_number: string }>(
        "SELECT cp_number FROM children WHERE status = 'active' AND NOT shielded AND NOT shield_pending ORDER BY cp_number LIMIT 4",
      )
    ).map((r) => r.cp_number);
    expect(children).toHaveLength(4);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  async function involvementsOf(cpNumber: string) {
    const [row] = await h.db.query<{ n: number; version: number; audit: number }>(
      `SELECT jsonb_array_length(COALESCE(record->'involvements', '[]'::jsonb))::int AS n, version,
              (SELECT count(*) FROM audit_log WHERE action = 'involvement-recorded' AND cp_number = $1)::int AS audit
         FROM children WHERE cp_number = $1`,
      [cpNumber],
    );
    return row!;
  }
  const path = (cp: string) => `/v1/children/${cp}/involvements`;

  it('answers a retry with the first answer, marked replayed, and records one involvement', async () => {
    const cp = children[0]!;
    const before = await involvementsOf(cp);
    const first = await practitioner.post(path(cp), body, withKey('desk-0001'));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const recorded = await involvementsOf(cp);
    expect(recorded).toEqual({ n: before.n + 1, version: before.version + 1, audit: before.audit + 1 });

    const retry = await practitioner.post(path(cp), body, withKey('desk-0001'));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await involvementsOf(cp)).toEqual(recorded);

    // Without a key the same body is a second involvement: what the key is there to prevent.
    const unkeyed = await practitioner.post(path(cp), body);
    expect(unkeyed.status).toBe(201);
    expect(unkeyed.body.involvement.id).not.toBe(first.body.involvement.id);
    expect((await involvementsOf(cp)).n).toBe(recorded.n + 1);
  });

  it('refuses the same key for another child or another body (409 idempotency-key-reused), recording nothing', async () => {
    const [cp, otherChild] = [children[1]!, children[2]!];
    expect((await practitioner.post(path(cp), body, withKey('desk-0002'))).status).toBe(201);
    const before = [await involvementsOf(cp), await involvementsOf(otherChild)];

    const elsewhere = await practitioner.post(path(otherChild), body, withKey('desk-0002'));
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('idempotency-key-reused');
    const changed = await practitioner.post(path(cp), { ...body, service: 'School nursing' }, withKey('desk-0002'));
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('idempotency-key-reused');
    expect([await involvementsOf(cp), await involvementsOf(otherChild)]).toEqual(before);
  });

  it("keeps one practitioner's key apart from another's: no one is answered with someone else's involvement", async () => {
    const cp = children[3]!;
    const mine = await practitioner.post(path(cp), body, withKey('desk-0003'));
    expect(mine.status).toBe(201);
    const theirs = await other.post(path(cp), body, withKey('desk-0003'));
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotency-replayed')).toBeNull();
    expect(theirs.body.involvement.id).not.toBe(mine.body.involvement.id);
    expect(theirs.body.involvement.practitioner.name).not.toBe(mine.body.involvement.practitioner.name);
  });

  it('answers a refused request again as it was refused, and a malformed key by name', async () => {
    const cp = children[0]!;
    const future = { service: 'Youth service', startDate: '2026-12-25' };
    const first = await practitioner.post(path(cp), future, withKey('desk-0004'));
    expect(first.status).toBe(422);
    const before = await involvementsOf(cp);
    const retry = await practitioner.post(path(cp), future, withKey('desk-0004'));
    expect(retry.status).toBe(422);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(await involvementsOf(cp)).toEqual(before);

    const bad = await practitioner.post(path(cp), body, withKey('has spaces in it'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-idempotency-key');
    expect(bad.body.error.message).toContain('Idempotency-Key');
    expect(await involvementsOf(cp)).toEqual(before);
  });
});
