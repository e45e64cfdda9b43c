// Sessions end to end over HTTP against the real service: sign-in by token and card,
// lock-out, single-use codes, accreditation on every request, sign-out and expiry.
import { generateKeyPairSync, sign as ecSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';
import { generateSessionKey } from '../../../support/request-signer.js';

let h: ServiceHarness;
beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 50 });
});
afterAll(async () => {
  await h?.close();
});

const account = (id: string) => trainingAccounts.find((a) => a.id === id)!;

async function otpSignIn(userId: string, overrides: { password?: string; otp?: string } = {}) {
  const { publicJwk } = generateSessionKey();
  return h.fetchJson('/v1/sessions', {
    method: 'POST',
    body: {
      method: 'otp',
      userId,
      password: overrides.password ?? account(userId).password,
      otp: overrides.otp ?? totpFor(userId, h.clock.now()),
      sessionKey: publicJwk,
    },
  });
}

describe('the service front door', () => {
  it('reports its status and publishes OpenAPI 3.1 describing the API', async () => {
    const status = await h.fetchJson('/v1/status');
    expect(status.status).toBe(200);
    expect(status.body.trainingMode).toBe(true);
    const doc = await h.fetchJson('/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/sessions',
        '/v1/sessions/challenge',
        '/v1/children',
        '/v1/children/{cpNumber}',
        '/v1/audit',
      ]),
    );
    expect(doc.body.paths['/v1/sessions'].post.requestBody).toBeDefined();
  });

  it('answers an unknown path with 404 and a wrong method with 405, as JSON errors', async () => {
    const missing = await h.fetchJson('/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not-found');
    const wrong = await h.fetchJson('/v1/status', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
  });
});

describe('security token sign-in', () => {
  it('signs in with password and a real TOTP code, and the session works for signed calls', async () => {
    h.clock.advance(30_000);
    const res = await otpSignIn('trn-practitioner');
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      id: 'trn-practitioner',
      roles: ['practitioner'],
      localAuthority: 'E08000015',
    });
    expect(res.body.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const client = await h.signIn('trn-practitioner');
    const me = await client.get('/v1/sessions/current');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe('trn-practitioner');
  });

  it('refuses a wrong password and a wrong code alike, without saying which', async () => {
    h.clock.advance(30_000);
    const badPassword = await otpSignIn('trn-data-manager', { password: 'wrong' });
    h.clock.advance(30_000);
    const badCode = await otpSignIn('trn-data-manager', { otp: '000000' });
    const unknownUser = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: {
        method: 'otp',
        userId: 'nobody-at-all',
        password: 'x',
        otp: '123456',
        sessionKey: generateSessionKey().publicJwk,
      },
    });
    for (const r of [badPassword, badCode, unknownUser]) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('sign-in-refused');
    }
    expect(badPassword.body).toEqual(badCode.body);
    expect(badCode.body).toEqual(unknownUser.body);
  });

  it('accepts a code once only', async () => {
    h.clock.advance(30_000);
    const otp = totpFor('trn-la-team-cwac', h.clock.now());
    expect((await otpSignIn('trn-la-team-cwac', { otp })).status).toBe(201);
    expect((await otpSignIn('trn-la-team-cwac', { otp })).status).toBe(401);
  });

  it('locks the account for 15 minutes after 5 failures, even against the right details', async () => {
    h.clock.advance(30_000);
    for (let i = 0; i < 5; i++)
      expect((await otpSignIn('trn-national-admin', { password: `wrong-${i}` })).status).toBe(401);
    h.clock.advance(30_000);
    expect((await otpSignIn('trn-national-admin')).status).toBe(401);
    h.clock.advance(14 * 60_000);
    expect((await otpSignIn('trn-national-admin')).status).toBe(401);
    h.clock.advance(60_000);
    expect((await otpSignIn('trn-national-admin')).status).toBe(201);
  });

  it('refuses each kind of account that may not act, saying why once the user has proved who they are', async () => {
    const expected: Record<string, string> = {
      'trn-suspended': 'account-suspended',
      'trn-unaccredited': 'organisation-not-accredited',
      'trn-check-expired': 'enhanced-check-expired',
      'trn-no-training': 'training-incomplete',
      'trn-no-agreement': 'agreement-unsigned',
    };
    for (const [userId, code] of Object.entries(expected)) {
      h.clock.advance(30_000);
      const res = await otpSignIn(userId);
      expect(res.status, userId).toBe(403);
      expect(res.body.error.code, userId).toBe(code);
    }
  });
});

describe('accreditation is checked on every request', () => {
  it('stops a signed-in user at the next call once suspended, or once the organisation loses accreditation', async () => {
    const client = await h.signIn('trn-child-protection');
    expect((await client.get('/v1/sessions/current')).status).toBe(200);
    await h.db.query('UPDATE users SET suspended = true WHERE id = $1', ['trn-child-protection']);
    const suspended = await client.get('/v1/sessions/current');
    expect(suspended.status).toBe(403);
    expect(suspended.body.error.code).toBe('account-suspended');
    await h.db.query('UPDATE users SET suspended = false WHERE id = $1', ['trn-child-protection']);
    await h.db.query('UPDATE organisations SET accredited = false WHERE id = $1', ['org-wirral']);
    const unaccredited = await client.get('/v1/sessions/current');
    expect(unaccredited.body.error.code).toBe('organisation-not-accredited');
    await h.db.query('UPDATE organisations SET accredited = true WHERE id = $1', ['org-wirral']);
    expect((await client.get('/v1/sessions/current')).status).toBe(200);
  });
});

describe('smartcard sign-in', () => {
  // The card here is a key pair in this process: SoftHSM2 cards are covered by the
  // training:card tests; this checks the protocol and its refusals.
  const card = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cardJwk = card.publicKey.export({ format: 'jwk' });

  beforeAll(async () => {
    const { kty, crv, x, y } = cardJwk as { kty: 'EC'; crv: 'P-256'; x: string; y: string };
    await h.db.query(
      'INSERT INTO card_keys (user_id, thumbprint, public_jwk, registered_at) VALUES ($1, $2, $3::jsonb, now())',
      ['trn-la-team', jwkThumbprint({ kty, crv, x, y }), JSON.stringify({ kty, crv, x, y })],
    );
  });

  async function cardSignIn(opts: { challenge?: string; signWith?: typeof card.privateKey; userId?: string } = {}) {
    const userId = opts.userId ?? 'trn-la-team';
    const challenge =
      opts.challenge ??
      (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId } })).body.challenge;
    const { publicJwk } = generateSessionKey();
    const message = `${challenge}.${jwkThumbprint(publicJwk)}`;
    const cardSignature = ecSign('sha256', Buffer.from(message), {
      key: opts.signWith ?? card.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const res = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: { method: 'card', userId, challenge, sessionKey: publicJwk, cardSignature },
    });
    return { res, challenge };
  }

  it('issues a 32-byte challenge that expires within 120 s', async () => {
    const res = await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-la-team' } });
    expect(res.status).toBe(200);
    expect(Buffer.from(res.body.challenge, 'base64url')).toHaveLength(32);
    const ttl = new Date(res.body.expiresAt).getTime() - h.clock.now().getTime();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('signs in with the registered card, and refuses the same challenge twice', async () => {
    const first = await cardSignIn();
    expect(first.res.status).toBe(201);
    expect(first.res.body.user.id).toBe('trn-la-team');
    const again = await cardSignIn({ challenge: first.challenge });
    expect(again.res.status).toBe(401);
  });

  it('refuses another card, an expired challenge, and a challenge issued to another user', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect((await cardSignIn({ signWith: other.privateKey })).res.status).toBe(401);
    const challenge = (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-la-team' } }))
      .body.challenge;
    h.clock.advance(121_000);
    expect((await cardSignIn({ challenge })).res.status).toBe(401);
    const forOther = (
      await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-practitioner' } })
    ).body.challenge;
    expect((await cardSignIn({ challenge: forOther })).res.status).toBe(401);
  });
});

describe('sign-out and expiry', () => {
  it('ends the session: later requests are refused as ended', async () => {
    const client = await h.signIn('trn-data-manager');
    expect((await client.request('DELETE', '/v1/sessions/current')).status).toBe(204);
    const after = await client.get('/v1/sessions/current');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('session-ended');
  });

  it('expires a session after 8 hours', async () => {
    const client = await h.signIn('trn-practitioner');
    h.clock.advance(8 * 60 * 60 * 1000 + 1000);
    const after = await client.get('/v1/sessions/current');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('session-expired');
  });

  it('audits sign-in, refusals and sign-out without passwords or codes', async () => {
    const rows = await h.db.query<{ action: string; detail: unknown; reason: string | null }>(
      'SELECT action, detail, reason FROM audit_log',
    );
    const actions = new Set(rows.map((r) => r.action));
    expect(actions).toEqual(new Set(['sign-in', 'sign-in-refused', 'sign-out']));
    const text = JSON.stringify(rows);
    for (const a of trainingAccounts) expect(text).not.toContain(a.password);
  });
});
