// The lock-out (5 failures, 15 minutes) holds whichever way a user signs in: a locked
// account's card is refused too, and failed card signatures count toward the lock-out
// as failed codes do, each audited. The card is a real ECDSA P-256 key pair.
import { generateKeyPairSync, sign as ecSign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { startServiceHarness, totpFor, type ServiceHarness } from '../../../support/national-service.js';
import { generateSessionKey } from '../../../support/request-signer.js';

let h: ServiceHarness;
const card = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherCard = generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function registerCard(userId: string, key: KeyObject): Promise<void> {
  const { kty, crv, x, y } = key.export({ format: 'jwk' }) as { kty: 'EC'; crv: 'P-256'; x: string; y: string };
  await h.db.query(
    'INSERT INTO card_keys (user_id, thumbprint, public_jwk, registered_at) VALUES ($1, $2, $3::jsonb, now())',
    [userId, jwkThumbprint({ kty, crv, x, y }), JSON.stringify({ kty, crv, x, y })],
  );
}

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 20 });
  await registerCard('trn-la-team', card.publicKey);
  await registerCard('trn-data-manager', card.publicKey);
});
afterAll(async () => {
  await h?.close();
});

async function cardSignIn(userId: string, signWith: KeyObject) {
  const { challenge } = (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId } })).body;
  const { publicJwk } = generateSessionKey();
  const cardSignature = ecSign('sha256', Buffer.from(`${challenge}.${jwkThumbprint(publicJwk)}`), {
    key: signWith,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return h.fetchJson('/v1/sessions', {
    method: 'POST',
    body: { method: 'card', userId, challenge, sessionKey: publicJwk, cardSignature },
  });
}

async function otpSignIn(userId: string, password?: string) {
  const account = trainingAccounts.find((a) => a.id === userId)!;
  h.clock.advance(30_000);
  return h.fetchJson('/v1/sessions', {
    method: 'POST',
    body: {
      method: 'otp',
      userId,
      password: password ?? account.password,
      otp: totpFor(userId, h.clock.now()),
      sessionKey: generateSessionKey().publicJwk,
    },
  });
}

const refusals = (userId: string) =>
  h.db.query<{ detail: { method: string } }>(
    "SELECT detail FROM audit_log WHERE action = 'sign-in-refused' AND user_id = $1 ORDER BY seq",
    [userId],
  );

describe('card sign-in and the lock-out', () => {
  it('refuses the right card for an account locked by failed codes, until the 15 minutes pass', async () => {
    expect((await cardSignIn('trn-la-team', card.privateKey)).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await otpSignIn('trn-la-team', `wrong-${i}`)).status).toBe(401);
    const locked = await cardSignIn('trn-la-team', card.privateKey);
    expect(locked.status).toBe(401);
    expect(locked.body.error.code).toBe('sign-in-refused');
    h.clock.advance(15 * 60_000);
    expect((await cardSignIn('trn-la-team', card.privateKey)).status).toBe(201);
  });

  it('counts failed card signatures toward the lock-out, audits each, and then refuses both the card and the token', async () => {
    h.clock.advance(61_000); // a fresh rate-limit window
    const before = (await refusals('trn-data-manager')).length;
    for (let i = 0; i < 5; i++) expect((await cardSignIn('trn-data-manager', otherCard.privateKey)).status).toBe(401);
    const audited = (await refusals('trn-data-manager')).slice(before);
    expect(audited.map((r) => r.detail.method)).toEqual(['card', 'card', 'card', 'card', 'card']);
    const [row] = await h.db.query<{ locked_until: Date | null }>('SELECT locked_until FROM users WHERE id = $1', [
      'trn-data-manager',
    ]);
    expect(row!.locked_until!.getTime()).toBe(h.clock.now().getTime() + 15 * 60_000);

    expect((await cardSignIn('trn-data-manager', card.privateKey)).status).toBe(401);
    expect((await otpSignIn('trn-data-manager')).status).toBe(401);
    h.clock.advance(15 * 60_000);
    expect((await cardSignIn('trn-data-manager', card.privateKey)).status).toBe(201);
  });

  it('starts counting again after a good card sign-in: four failures either side of it lock nothing', async () => {
    h.clock.advance(61_000);
    for (let i = 0; i < 4; i++) expect((await cardSignIn('trn-data-manager', otherCard.privateKey)).status).toBe(401);
    expect((await cardSignIn('trn-data-manager', card.privateKey)).status).toBe(201);
    h.clock.advance(61_000);
    for (let i = 0; i < 4; i++) expect((await cardSignIn('trn-data-manager', otherCard.privateKey)).status).toBe(401);
    expect((await cardSignIn('trn-data-manager', card.privateKey)).status).toBe(201);
  });
});
