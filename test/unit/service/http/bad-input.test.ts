// Bad input over HTTP: each gets a clear 4xx naming the problem, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';

let h: ServiceHarness;
let practitioner: SignedClient;
let other: SignedClient;
let cpNumber: string;

/** Everything a refused request must leave as it was. */
async function fingerprint() {
  const [children] = await h.db.query<{ n: number; v: number }>('SELECT count(*)::int8 AS n, sum(version)::int8 AS v FROM children');
  const [changes] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM changes');
  const [owners] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM involvement_owners');
  return { children, changes, owners };
}

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 40 });
  practitioner = await h.signIn('trn-practitioner');
  other = await h.signIn('trn-child-protection');
  const [row] = await h.db.query<{ cp_number: string }>("SELECT cp_number FROM children WHERE NOT shielded AND status = 'active' LIMIT 1");
  cpNumber = row!.cp_number;
});
afterAll(async () => {
  await h?.close();
});

const involvement = { service: 'Health visiting', startDate: '2026-01-05' };

describe('bad request bodies', () => {
  it('refuses malformed JSON with 400', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, undefined, { rawBody: '{"service": "Health visiting",' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed-json');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses wrong types with 422 naming the field', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, { ...involvement, leadProfessional: 'yes' });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('leadProfessional');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses case information: an unknown field gets 422 naming it', async () => {
    const before = await fingerprint();
    for (const field of ['notes', 'caseNotes']) {
      const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, { ...involvement, [field]: 'Disclosed at visit...' });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('unknown-field');
      expect(res.body.error.message).toContain(`"${field}"`);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, { ...involvement, service: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body-too-large');
    expect(await fingerprint()).toEqual(before);
  });

  it('refuses a body that is not JSON by content type', async () => {
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, involvement, { headers: { 'content-type': 'text/plain' } });
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
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, { ...involvement, service: "<script>x</script>'); DROP TABLE users;--" });
    expect(res.status).toBe(201);
    const read = await practitioner.get(`/v1/children/${cpNumber}`, { headers: { 'cp-access-reason': 'Registering a new patient' } });
    expect(JSON.stringify(read.body.involvements)).toContain("<script>x</script>'); DROP TABLE users;--");
    const [users] = await h.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM users');
    expect(users!.n).toBeGreaterThan(0);
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
    const future = await practitioner.get('/v1/sessions/current', { sign: { createdSec: now + 120, expiresSec: now + 180 } });
    expect(future.status).toBe(401);
    const expired = await practitioner.get('/v1/sessions/current', { sign: { createdSec: now - 200, expiresSec: now - 10 } });
    expect(expired.status).toBe(401);
    const long = await practitioner.get('/v1/sessions/current', { sign: { createdSec: now, expiresSec: now + 3600 } });
    expect(long.status).toBe(401);
  });

  it("refuses a request made with another user's session id", async () => {
    const before = await fingerprint();
    const res = await practitioner.post(`/v1/children/${cpNumber}/involvements`, involvement, { sign: { keyid: other.sessionId } });
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
