// The helpdesk's account work over HTTP (issue 21, item 4): every action carries a
// reason that the audit keeps and the account's history shows; a card enrolment names
// the card read at the desk, and no other card completes it; the account shows whether
// its token is live. Who may do what alone is separation-of-duties.test.ts's.
import { generateKeyPairSync, sign as ecSign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { startServiceHarness, type ServiceHarness, type SignedClient } from '../../../support/national-service.js';
import { generateSessionKey } from '../../../support/request-signer.js';

let h: ServiceHarness;
let team: SignedClient;
let team2: SignedClient;
let cwacTeam: SignedClient;

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 10 });
  team = await h.signIn('trn-la-team');
  team2 = await h.signIn('trn-la-team-2');
  cwacTeam = await h.signIn('trn-la-team-cwac');
});
afterAll(async () => {
  await h?.close();
});

function newCard() {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    privateKey: pair.privateKey,
    publicJwk: { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! },
  };
}

async function activateCard(userId: string, card: ReturnType<typeof newCard>, firstHalf: string, secondHalf: string) {
  const challenge = (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId } })).body.challenge;
  const cardSignature = ecSign('sha256', Buffer.from(`${challenge}.${jwkThumbprint(card.publicJwk)}`), {
    key: card.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return h.fetchJson('/v1/activations', {
    method: 'POST',
    body: { method: 'card', userId, firstHalf, secondHalf, challenge, publicJwk: card.publicJwk, cardSignature },
  });
}

describe('the reason for each helpdesk action', () => {
  it('is kept with the action and shown, newest first, in the account history', async () => {
    expect((await team.post('/v1/users/trn-practitioner/unlock', { reason: 'Locked out after leave' })).status).toBe(
      200,
    );
    const reset = await team.post('/v1/users/trn-practitioner/reset-token', { reason: 'Token lost on the bus' });
    expect(reset.status).toBe(200);
    const confirmed = await team2.post(`/v1/account-requests/${reset.body.request.id}/confirm`, {
      reason: 'Checked with the holder by phone',
    });
    expect(confirmed.status).toBe(200);
    const suspended = await team.request('PATCH', '/v1/users/trn-practitioner', {
      suspended: true,
      reason: 'On long-term leave',
    });
    expect(suspended.status).toBe(200);

    const history = await team2.get('/v1/users/trn-practitioner/history');
    expect(history.status).toBe(200);
    const rows = history.body.entries.map((e: { by: string; change: string; kind: string | null; reason: string }) => [
      e.by,
      e.change,
      e.kind,
      e.reason,
    ]);
    expect(rows.slice(0, 5)).toEqual([
      ['trn-la-team', 'updated', null, 'On long-term leave'],
      ['trn-la-team-2', 'confirmed', 'token-reset', 'Checked with the holder by phone'],
      ['trn-la-team', 'requested', 'token-reset', 'Token lost on the bus'],
      ['trn-la-team', 'token-reset', null, 'Token lost on the bus'],
      ['trn-la-team', 'unlocked', null, 'Locked out after leave'],
    ]);
    // The read is audited, and is not itself part of the history.
    const reads = await h.db.query<{ user_id: string }>(
      `SELECT user_id FROM audit_log WHERE action = 'audit-read' AND detail->>'about' = 'trn-practitioner'`,
    );
    expect(reads.map((r) => r.user_id)).toEqual(['trn-la-team-2']);
    expect(JSON.stringify(history.body)).not.toMatch(/secret|password|half/i);
    expect(
      (await team.request('PATCH', '/v1/users/trn-practitioner', { suspended: false, reason: 'Back' })).status,
    ).toBe(200);
  });

  it('refuses case information in a reason, and a reason alone as a change', async () => {
    const refused = await team.post('/v1/users/trn-practitioner/unlock', {
      reason: 'Needed for a domestic abuse case',
    });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('case information');
    expect((await team.request('PATCH', '/v1/users/trn-practitioner', { reason: 'Nothing else' })).status).toBe(422);
  });

  it('shows the refused sign-ins that lead to a lock-out', async () => {
    const refused = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: {
        method: 'otp',
        userId: 'trn-no-training',
        password: 'not-the-password',
        otp: '000000',
        sessionKey: generateSessionKey().publicJwk,
      },
    });
    expect(refused.status).toBe(401);
    const history = await team.get('/v1/users/trn-no-training/history');
    expect(history.body.entries[0]).toMatchObject({
      by: 'trn-no-training',
      action: 'sign-in-refused',
      change: null,
      kind: 'otp',
      reason: null,
    });
  });

  it('keeps another authority out of the history', async () => {
    expect((await cwacTeam.get('/v1/users/trn-practitioner/history')).status).toBe(404);
  });
});

describe('a card read at the desk', () => {
  it('is named by its enrolment, and only that card activates it', async () => {
    const card = newCard();
    const other = newCard();
    const asked = await team.post('/v1/users/trn-child-protection/card-enrolments', {
      publicJwk: card.publicJwk,
      reason: 'First card, holder at the desk',
    });
    expect(asked.status).toBe(201);
    expect(asked.body.request.cardThumbprint).toBe(jwkThumbprint(card.publicJwk));
    const listed = await team2.get('/v1/account-requests');
    expect(listed.body.requests.find((r: { id: string }) => r.id === asked.body.request.id)?.cardThumbprint).toBe(
      jwkThumbprint(card.publicJwk),
    );
    const confirmed = await team2.post(`/v1/account-requests/${asked.body.request.id}/confirm`, {
      reason: 'Saw the card and the holder',
    });
    expect(confirmed.status).toBe(200);
    // Both halves, a card that proves itself, but not the card read at the desk.
    expect(
      (await activateCard('trn-child-protection', other, asked.body.firstHalf, confirmed.body.secondHalf)).status,
    ).toBe(401);
    const done = await activateCard('trn-child-protection', card, asked.body.firstHalf, confirmed.body.secondHalf);
    expect(done.status).toBe(201);
    expect(done.body.thumbprint).toBe(jwkThumbprint(card.publicJwk));
    const user = await team.get('/v1/users/trn-child-protection');
    expect(user.body.user.cards.map((c: { thumbprint: string }) => c.thumbprint)).toEqual([
      jwkThumbprint(card.publicJwk),
    ]);
    const revoked = await team.request(
      'DELETE',
      `/v1/users/trn-child-protection/card-keys/${jwkThumbprint(card.publicJwk)}`,
      { reason: 'Card left in a taxi' },
    );
    expect(revoked.status).toBe(200);
    const history = (await team.get('/v1/users/trn-child-protection/history')).body.entries;
    expect(history[0]).toMatchObject({ by: 'trn-la-team', change: 'card-revoked', reason: 'Card left in a taxi' });
    expect(history.map((e: { change: string }) => e.change)).toEqual(
      expect.arrayContaining(['requested', 'confirmed', 'activated', 'card-registered', 'card-revoked']),
    );
  });

  it('says whether the token is live, never the secret', async () => {
    const before = await team.get('/v1/users/trn-no-agreement');
    expect(before.body.user.tokenActive).toBe(true);
    expect((await team.post('/v1/users/trn-no-agreement/reset-token', { reason: 'Token broken' })).status).toBe(200);
    expect((await team.get('/v1/users/trn-no-agreement')).body.user.tokenActive).toBe(false);
  });
});
