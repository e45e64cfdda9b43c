// Bad input over HTTP: each gets a clear 4xx naming the problem, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../../../service/http/api-error.js';
import { parseParams } from '../../../../service/http/validation.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';

let h: ServiceHarness;
let practitioner: SignedClient;
let other: SignedClient;
let cpNumber: string;

/** Everything a refused request must leave as it was. */
async function fingerprint() {
  const [children] = await h.db.query<{ n: number; v: number }>(
    'SELECT count(*)::int8 AS n, sum(version)::int8 AS v FROM children',
  );
  const [changes] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM changes');
  const [owners] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM involvement_owners');
  return { children, changes, owners };
}

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 40 });
  practitioner = await h.signIn('trn-practitioner');
  other = await h.signIn('trn-child-protection');
  const [row] = await h.db.query<{ cp_number: string }>(
    "SELECT cp_number FROM children WHERE NOT shielded AND status = 'active' LIMIT 1",
  );
  cpNumber = row!.cp_number;
});
afterAll(async () => {
  await h?.close();
});

const involvement = { service: 'Health visiting', startDate: '2026-01-05' };

describe('bad request bodies', () => {
  it('refuses malformed JSON with 400', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, undefined, {
      rawBody: '{"service": "Health visiting",',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed-json');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses wrong types with 422 naming the field', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, {
      ...involvement,
      leadProfessional: 'yes',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('leadProfessional');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses case information: an unknown field gets 422 naming it', async () => {
    const before = await fingerprint();
    for (const field of ['notes', 'caseNotes']) {
      const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, {
        ...involvement,
        [field]: 'Disclosed at visit...',
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('unknown-field');
      expect(res.body.error.message).toContain(`"${field}"`);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, {
      ...involvement,
      service: 'x'.repeat(200_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body-too-large');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses a body that is not JSON by content type', async () => {
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, involvement, {
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });

  it('stores SQL and script in names as plain text and answers a search for them harmlessly', async () => {
    const nasty = ["Robert'); DROP TABLE children;--", '<script>alert(1)</script>', "' OR '1'='1", '%', '_\\'];
    const before = await fingerprint();
    for (const surname of nasty) {
      const res = await practitioner.get(`/v1/children?surname=${encodeURIComponent(surname)}`);
      expect([200, 422]).toContain(res.status);
      if (res.status === 200) expect(Array.isArray(res.body.results)).toBe(true);
    }
    expect(await fingerprint()).toEqual(before);
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, {
      ...involvement,
      service: "<script>x</script>'); DROP TABLE users;--",
    });
    expect(res.status).toBe(201);
    const read = await practitioner.get(`/v1/children/${cpNumber}`, {
      headers: { 'cp-access-reason': 'Registering a new patient' },
    });
    expect(JSON.stringify(read.body.involvements)).toContain("<script>x</script>'); DROP TABLE users;--");
    const [users] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM users');
    expect(users!.n).toBeGreaterThan(0);
  });
});

describe('bad path parameters', () => {
  it('refuses a malformed one with 400 naming it, and changes nothing', async () => {
    const before = await fingerprint();
    const read = await practitioner.get('/v1/children/CP123', { headers: { 'cp-access-reason': 'Registration' } });
    expect(read.status).toBe(400);
    expect(read.body.error).toMatchObject({ code: 'invalid-cp-number', problems: [{ path: 'cpNumber' }] });
    const involvement = await practitioner.request('PATCH', `/v1/children/${cpNumber}/involvements/not%20an%20id`, {
      endDate: '2026-02-01',
    });
    expect(involvement.status).toBe(400);
    expect(involvement.body.error).toMatchObject({
      code: 'invalid-involvement-id',
      problems: [{ path: 'involvementId' }],
    });
    const team = await h.signIn('trn-la-team');
    const review = await team.post('/v1/match-reviews/0/resolve', { decision: 'same-child' });
    expect(review.status).toBe(400);
    expect(review.body.error).toMatchObject({ code: 'invalid-review-id', problems: [{ path: 'id' }] });
    expect(await fingerprint()).toEqual(before);
  });

  it('reads a CP number in either case', async () => {
    const res = await practitioner.get(`/v1/children/${cpNumber.toLowerCase()}`, {
      headers: { 'cp-access-reason': 'Registration' },
    });
    expect(res.status).toBe(200);
    expect(res.body.cpNumber).toBe(cpNumber);
  });

  it('checks them after the roles: a role that may not call learns nothing of the path', async () => {
    const supplier = await h.signIn('trn-supplier-nhs');
    const res = await supplier.get('/v1/children/CP123', { headers: { 'cp-access-reason': 'Registration' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden-role');
  });

  it('names a parameter without a refusal of its own as invalid-path-parameter', () => {
    const schema = z.object({ id: z.string().regex(/^\d+$/, 'must be digits'), other: z.string() });
    expect(parseParams(schema, { id: '12', other: 'x' })).toEqual({ id: '12', other: 'x' });
    let refused: unknown;
    try {
      parseParams(schema, { id: 'twelve', other: 'x' });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      status: 400,
      code: 'invalid-path-parameter',
      details: { problems: [{ path: 'id', message: 'must be digits' }] },
    });
    expect((refused as ApiError).message).toBe('The path parameter "id" is not valid: must be digits.');
  });
});

describe('bad signatures', () => {
  it('refuses an unsigned call to a signed route', async () => {
    const res = await h.fetchJson(`/v1/children?surname=smith`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature-missing');
  });

  it('refuses a replayed request: same nonce twice', async () => {
    const nonce = 'replay-test-nonce-0001';
    const first = await practitioner.get('/v1/sessions/current', { sign: { nonce } });
    expect(first.status).toBe(200);
    const again = await practitioner.get('/v1/sessions/current', { sign: { nonce } });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('signature-replayed');
  });

  it('refuses re-dated signatures: created in the future, expired, or an over-long window', async () => {
    const now = Math.floor(h.clock.now().getTime() / 1000);
    const future = await practitioner.get('/v1/sessions/current', {
      sign: { createdSec: now + 120, expiresSec: now + 180 },
    });
    expect(future.status).toBe(401);
    const expired = await practitioner.get('/v1/sessions/current', {
      sign: { createdSec: now - 200, expiresSec: now - 10 },
    });
    expect(expired.status).toBe(401);
    const long = await practitioner.get('/v1/sessions/current', { sign: { createdSec: now, expiresSec: now + 3600 } });
    expect(long.status).toBe(401);
  });

  it("refuses a request made with another user's session id", async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, involvement, {
      sign: { keyid: other.sessionId },
    });
    expect(res.status).toBe(401);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses a body that does not match its Content-Digest', async () => {
    const before = await fingerprint();
    // Signed over one body, sent with another: the digest header no longer matches.
    const signedFor = JSON.stringify(involvement);
    const res = await practitioner.request('POST', `/v1/children/${cpNumber}/involvements`, undefined, {
      rawBody: signedFor,
      headers: { 'content-digest': 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:' },
    });
    expect([400, 401]).toContain(res.status);
    expect(await fingerprint()).toEqual(before);
  });
});

describe('text the store cannot hold', () => {
  it('refuses a NUL character or broken Unicode with 422, signed in or not', async () => {
    const before = await fingerprint();
    const challenge = await h.fetchJson('/v1/sessions/challenge', {
      method: 'POST',
      body: '{"userId":"abc\\u0000def"}',
    });
    expect(challenge.status).toBe(422);
    expect(challenge.body.error.code).toBe('invalid-text');
    const signIn = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: '{"method":"otp","userId":"\\ud800x","password":"p","otp":"123456"}',
    });
    expect(signIn.status).toBe(422);
    const involvement = await practitioner.post(`/v1/children/${cpNumber}/involvements`, undefined, {
      rawBody: '{"service":"Youth\\ud800 service","startDate":"2026-01-05"}',
    });
    expect(involvement.status).toBe(422);
    expect(involvement.body.error.message).toContain('"service"');
    const search = await practitioner.get('/v1/children?surname=Smith%00');
    expect(search.status).toBe(422);
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses an audit time filter beyond what the store can hold, with 422', async () => {
    const manager = await h.signIn('trn-data-manager');
    for (const q of ['from=0000-01-01T00:30:00%2B01:00', 'to=9999-12-31T23:00:00-02:00']) {
      const res = await manager.get(`/v1/audit?${q}`);
      expect(res.status).toBe(422);
    }
  });
});

describe('large bodies', () => {
  it('are read only for a live session: an unsigned or unknown-session upload is refused before the body', async () => {
    const big = JSON.stringify({ localAuthority: 'E08000015', records: [], padding: 'x'.repeat(200_000) });
    const res = await fetch(`${h.url}/v1/supplies`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'signature-input': 'cp=("@method");keyid="no-such-session"',
        signature: 'cp=:AAAA:',
      },
      body: big,
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('signature-unknown-key');
    // A live session gets as far as the schema, which names the stray field.
    const supplier = await h.signIn('trn-supplier-nhs');
    const signed = await supplier.post('/v1/supplies', undefined, { rawBody: big });
    expect(signed.status).toBe(422);
    expect(signed.body.error.message).toContain('padding');
  });
});
