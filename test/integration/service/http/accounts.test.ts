// Account management end to end over HTTP: the national administrator and LA teams
// create accounts (a second person confirms and the holder activates them with both
// halves of the code), suspend them, unlock them, replace tokens and enrol cards.
// Changes bite at the holder's next request. Organisations and their accreditation are
// organisations.test.ts's; who may do what alone is separation-of-duties.test.ts's.
import { generateKeyPairSync, sign as ecSign, type KeyObject } from 'node:crypto';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { CHESHIRE_WEST_AND_CHESTER, WIRRAL } from '../../../support/children.js';
import {
  startServiceHarness,
  type JsonResponse,
  type ServiceHarness,
  type SignedClient,
} from '../../../support/national-service.js';
import { generateSessionKey, signRequest } from '../../../support/request-signer.js';

let h: ServiceHarness;
let admin: SignedClient;
let team: SignedClient;
let cwacTeam: SignedClient;
let dataManager: SignedClient;

beforeAll(async () => {
  h = await startServiceHarness({ trainingCount: 20 });
  admin = await h.signIn('trn-national-admin');
  team = await h.signIn('trn-la-team');
  cwacTeam = await h.signIn('trn-la-team-cwac');
  dataManager = await h.signIn('trn-data-manager');
});
afterAll(async () => {
  await h?.close();
});

const patch = (client: SignedClient, path: string, body: unknown) => client.request('PATCH', path, body);
const del = (client: SignedClient, path: string) => client.request('DELETE', path);
const yearsAgo = (n: number) => `${h.clock.now().getUTCFullYear() - n}${h.clock.now().toISOString().slice(4, 10)}`;

/** Sign in with a password and a code computed by otplib from the secret handed over. */
async function tokenSignIn(
  userId: string,
  password: string,
  totpSecret: string,
): Promise<JsonResponse & { client?: SignedClient }> {
  h.clock.advance(30_000);
  const { privateKey, publicJwk } = generateSessionKey();
  const otp = generateSync({ secret: totpSecret, epoch: Math.floor(h.clock.now().getTime() / 1000) });
  const res = await h.fetchJson('/v1/sessions', {
    method: 'POST',
    body: { method: 'otp', userId, password, otp, sessionKey: publicJwk },
  });
  return res.status === 201 ? { ...res, client: clientFor(res.body.sessionId, res.body.user, privateKey) } : res;
}

function clientFor(sessionId: string, user: SignedClient['user'], privateKey: KeyObject): SignedClient {
  const request: SignedClient['request'] = async (method, path, body) => {
    const url = `${h.url}${path}`;
    const text = body !== undefined ? JSON.stringify(body) : undefined;
    const nowSec = Math.floor(h.clock.now().getTime() / 1000);
    const headers = signRequest({
      method,
      url,
      ...(text !== undefined ? { body: text } : {}),
      keyid: sessionId,
      privateKey,
      createdSec: nowSec,
    });
    const res = await fetch(url, {
      method,
      headers: { ...headers, ...(text !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(text !== undefined ? { body: text } : {}),
    });
    const raw = await res.text();
    return { status: res.status, headers: res.headers, body: raw ? JSON.parse(raw) : null };
  };
  return { sessionId, privateKey, user, request, get: (p) => request('GET', p), post: (p, b) => request('POST', p, b) };
}

async function cardSignIn(userId: string, card: KeyObject): Promise<number> {
  h.clock.advance(30_000);
  const challenge = (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId } })).body.challenge;
  const { publicJwk } = generateSessionKey();
  const cardSignature = ecSign('sha256', Buffer.from(`${challenge}.${jwkThumbprint(publicJwk)}`), {
    key: card,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return (
    await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: { method: 'card', userId, challenge, sessionKey: publicJwk, cardSignature },
    })
  ).status;
}

/** The holder proves the card by signing a fresh challenge for its own key, with both halves of the code. */
async function activateCard(
  userId: string,
  card: ReturnType<typeof newCard>,
  firstHalf: string,
  secondHalf: string,
): Promise<JsonResponse> {
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

/** `team` asks for a card for `userId`, the data manager confirms, the holder activates it with `card`. */
async function enrolCard(userId: string, card: ReturnType<typeof newCard>): Promise<JsonResponse> {
  const asked = await team.post(`/v1/users/${userId}/card-enrolments`, undefined);
  expect(asked.status).toBe(201);
  const confirmed = await dataManager.post(`/v1/account-requests/${asked.body.request.id}/confirm`, undefined);
  expect(confirmed.status).toBe(200);
  return activateCard(userId, card, asked.body.firstHalf, confirmed.body.secondHalf);
}

function newCard() {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  return {
    privateKey: pair.privateKey,
    publicJwk: { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! },
  };
}

const accredited = (over: Record<string, unknown> = {}) => ({
  enhancedCheckDate: yearsAgo(1),
  trainingCompleted: true,
  agreementSigned: true,
  ...over,
});

async function auditOf(account: string) {
  return h.db.query<{ user_id: string | null; detail: Record<string, unknown> }>(
    `SELECT user_id, detail FROM audit_log WHERE action = 'account-changed' AND (detail->>'account' = $1 OR detail->>'organisation' = $1) ORDER BY seq`,
    [account],
  );
}

describe('listing accounts', () => {
  it('shows the national administrator every account, with accreditation facts but no secrets', async () => {
    const res = await admin.get('/v1/users');
    expect(res.status).toBe(200);
    const ids = res.body.users.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining(trainingAccounts.map((a) => a.id)));
    expect(res.body.users.find((u: { id: string }) => u.id === 'trn-suspended')).toMatchObject({
      name: 'Dana Suspended',
      roles: ['practitioner'],
      organisation: { id: 'org-gp-training', name: 'Seacombe Training Medical Centre' },
      localAuthority: WIRRAL,
      trainingCompleted: true,
      agreementSigned: true,
      suspended: true,
      lockedUntil: null,
      cardKeys: 0,
    });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('scrypt$');
    for (const a of trainingAccounts) {
      expect(text).not.toContain(a.password);
      expect(text).not.toContain(a.totpSecret);
    }
  });

  it('shows an LA team only its own authority, refuses another authority, and filters by organisation', async () => {
    const own = await team.get('/v1/users');
    expect(own.status).toBe(200);
    expect(own.body.users.length).toBeGreaterThan(3);
    expect(own.body.users.every((u: { localAuthority: string }) => u.localAuthority === WIRRAL)).toBe(true);
    expect(own.body.users.map((u: { id: string }) => u.id)).not.toContain('trn-la-team-cwac');
    const other = await team.get(`/v1/users?localAuthority=${CHESHIRE_WEST_AND_CHESTER}`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('other-authority');
    const byOrg = await dataManager.get('/v1/users?organisationId=org-cheshire-west');
    expect(byOrg.body.users.map((u: { id: string }) => u.id)).toEqual(['trn-la-team-cwac']);
    const page = await admin.get('/v1/users?limit=2');
    expect(page.body.users).toHaveLength(2);
    const next = await admin.get(`/v1/users?limit=2&after=${page.body.next}`);
    expect(next.body.users[0].id > page.body.users[1].id).toBe(true);
  });

  it("refuses a practitioner, and hides another authority's account as if it did not exist", async () => {
    const practitioner = await h.signIn('trn-practitioner');
    expect((await practitioner.get('/v1/users')).body.error.code).toBe('forbidden-role');
    const hidden = await team.get('/v1/users/trn-la-team-cwac');
    const missing = await team.get('/v1/users/no-such-user');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await cwacTeam.get('/v1/users/trn-la-team-cwac')).status).toBe(200);
  });
});

describe('creating accounts', () => {
  it('hands out no credential: the holder activates with both halves of the code and chooses their own password', async () => {
    const res = await admin.post('/v1/users', {
      id: 'new-gp-receptionist',
      name: 'Pat New',
      organisationId: 'org-gp-training',
      roles: ['practitioner'],
      ...accredited(),
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      id: 'new-gp-receptionist',
      localAuthority: WIRRAL,
      suspended: false,
      cardKeys: 0,
    });
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('totpSecret');
    expect(res.body.request).toMatchObject({
      kind: 'account-create',
      account: 'new-gp-receptionist',
      status: 'awaiting-confirmation',
      requestedBy: 'trn-national-admin',
    });
    expect(res.body.firstHalf).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    // Nothing signs in yet, whatever is tried.
    expect((await tokenSignIn('new-gp-receptionist', 'no such user', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).status).toBe(
      401,
    );
    // Half a code activates nothing, before or after confirmation.
    const early = await h.fetchJson('/v1/activations', {
      method: 'POST',
      body: {
        method: 'otp',
        userId: 'new-gp-receptionist',
        firstHalf: res.body.firstHalf,
        secondHalf: res.body.firstHalf,
        password: 'a long password here',
      },
    });
    expect(early.status).toBe(401);
    expect(early.body.error.code).toBe('activation-refused');
    const confirmed = await dataManager.post(`/v1/account-requests/${res.body.request.id}/confirm`, undefined);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.request).toMatchObject({ status: 'awaiting-activation', confirmedBy: 'trn-data-manager' });
    expect(confirmed.body.secondHalf).not.toBe(res.body.firstHalf);
    const short = await h.fetchJson('/v1/activations', {
      method: 'POST',
      body: {
        method: 'otp',
        userId: 'new-gp-receptionist',
        firstHalf: res.body.firstHalf,
        secondHalf: confirmed.body.secondHalf,
        password: 'short',
      },
    });
    expect(short.status).toBe(422);
    expect(JSON.stringify(short.body)).toContain('password');
    const holder = await h.activateToken(
      'new-gp-receptionist',
      res.body.firstHalf.toLowerCase(),
      confirmed.body.secondHalf.replace('-', ' '),
    );
    expect(holder.totpSecret).toMatch(/^[A-Z2-7]{32}$/);
    const signedIn = await tokenSignIn('new-gp-receptionist', holder.password, holder.totpSecret);
    expect(signedIn.status).toBe(201);
    expect((await signedIn.client!.get('/v1/sessions/current')).body.user.id).toBe('new-gp-receptionist');
    // Used once: the same halves activate nothing again.
    expect(
      (
        await h.fetchJson('/v1/activations', {
          method: 'POST',
          body: {
            method: 'otp',
            userId: 'new-gp-receptionist',
            firstHalf: res.body.firstHalf,
            secondHalf: confirmed.body.secondHalf,
            password: 'another long password',
          },
        })
      ).status,
    ).toBe(401);
    // Not readable afterwards, not stored in clear (the token secret is sealed), not in the audit trail.
    const read = JSON.stringify((await admin.get('/v1/users/new-gp-receptionist')).body);
    expect(read).not.toContain(holder.totpSecret);
    const [stored] = await h.db.query<{ password_hash: string; totp_secret: string }>(
      'SELECT password_hash, totp_secret FROM users WHERE id = $1',
      ['new-gp-receptionist'],
    );
    expect(stored!.password_hash).not.toContain(holder.password);
    expect(stored!.totp_secret).toMatch(/^sb1:/);
    expect(stored!.totp_secret).not.toContain(holder.totpSecret);
    const audit = await auditOf('new-gp-receptionist');
    expect(audit.map((a) => [a.user_id, a.detail['change']])).toEqual([
      ['trn-national-admin', 'created'],
      ['new-gp-receptionist', 'activated'],
    ]);
    const auditText = JSON.stringify(await h.db.query('SELECT detail FROM audit_log'));
    for (const secret of [holder.password, holder.totpSecret, res.body.firstHalf, confirmed.body.secondHalf])
      expect(auditText).not.toContain(secret);
  });

  it('cancels an activation after 5 wrong codes', async () => {
    const res = await admin.post('/v1/users', {
      id: 'guessed-at',
      name: 'Gus Guess',
      organisationId: 'org-gp-training',
      roles: ['practitioner'],
      ...accredited(),
    });
    const confirmed = await dataManager.post(`/v1/account-requests/${res.body.request.id}/confirm`, undefined);
    for (let i = 0; i < 5; i++) {
      const wrong = await h.fetchJson('/v1/activations', {
        method: 'POST',
        body: {
          method: 'otp',
          userId: 'guessed-at',
          firstHalf: res.body.firstHalf,
          secondHalf: `0000${i}-00000`,
          password: 'a long password here',
        },
      });
      expect(wrong.status).toBe(401);
    }
    await expect(h.activateToken('guessed-at', res.body.firstHalf, confirmed.body.secondHalf)).rejects.toThrow(
      /401 .*activation-refused/,
    );
    const [row] = await h.db.query<{ status: string; end_reason: string }>(
      'SELECT status, end_reason FROM account_requests WHERE id = $1',
      [res.body.request.id],
    );
    expect(row).toEqual({ status: 'cancelled', end_reason: 'too-many-wrong-codes' });
  });

  it('refuses an existing id, an unknown organisation and an unknown field', async () => {
    const base = { name: 'X', organisationId: 'org-gp-training', roles: ['practitioner'] };
    const existing = await admin.post('/v1/users', { ...base, id: 'trn-practitioner' });
    expect(existing.status).toBe(409);
    expect(existing.body.error.code).toBe('user-exists');
    const org = await admin.post('/v1/users', { ...base, id: 'nobody-new', organisationId: 'org-nowhere' });
    expect(org.status).toBe(422);
    expect(org.body.error.code).toBe('unknown-organisation');
    const field = await admin.post('/v1/users', { ...base, id: 'nobody-new', notes: 'x' });
    expect(field.status).toBe(422);
    expect(field.body.error.code).toBe('unknown-field');
    expect((await admin.get('/v1/users/nobody-new')).status).toBe(404);
  });

  it('lets an LA team create accounts only in its own authority and only with the roles it may give', async () => {
    const ok = await team.post('/v1/users', {
      id: 'wirral-school-1',
      name: 'Sol Teacher',
      organisationId: 'org-gp-training',
      roles: ['practitioner'],
    });
    expect(ok.status).toBe(201);
    expect(ok.body.user).toMatchObject({ localAuthority: WIRRAL, trainingCompleted: false });
    const otherOrg = await team.post('/v1/users', {
      id: 'wirral-x',
      name: 'X',
      organisationId: 'org-cheshire-west',
      roles: ['practitioner'],
    });
    expect(otherOrg.status).toBe(403);
    expect(otherOrg.body.error.code).toBe('other-authority');
    const otherLa = await team.post('/v1/users', {
      id: 'wirral-x',
      name: 'X',
      organisationId: 'org-gp-training',
      roles: ['practitioner'],
      localAuthority: CHESHIRE_WEST_AND_CHESTER,
    });
    expect(otherLa.body.error.code).toBe('other-authority');
    for (const role of ['national-admin', 'data-manager', 'supplier-system']) {
      const res = await team.post('/v1/users', {
        id: 'wirral-x',
        name: 'X',
        organisationId: 'org-wirral',
        roles: [role],
      });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code, role).toBe('role-not-grantable');
    }
    expect((await admin.get('/v1/users/wirral-x')).status).toBe(404);
  });
});

describe('changing accounts', () => {
  it('suspends a signed-in practitioner at its next request, and reinstates it', async () => {
    const practitioner = await h.signIn('trn-practitioner');
    expect((await practitioner.get('/v1/sessions/current')).status).toBe(200);
    const res = await patch(team, '/v1/users/trn-practitioner', { suspended: true });
    expect(res.status).toBe(200);
    expect(res.body.user.suspended).toBe(true);
    const next = await practitioner.get('/v1/sessions/current');
    expect(next.status).toBe(403);
    expect(next.body.error.code).toBe('account-suspended');
    expect((await patch(team, '/v1/users/trn-practitioner', { suspended: false })).status).toBe(200);
    expect((await practitioner.get('/v1/sessions/current')).status).toBe(200);
    const audit = await auditOf('trn-practitioner');
    expect(audit.map((a) => a.detail)).toEqual([
      expect.objectContaining({ change: 'updated', fields: ['suspended'], to: { suspended: true } }),
      expect.objectContaining({ change: 'updated', fields: ['suspended'], to: { suspended: false } }),
    ]);
    expect(audit.every((a) => a.user_id === 'trn-la-team')).toBe(true);
  });

  it('lets an LA team record vetting, training and agreement but not roles or names, nor touch other authorities', async () => {
    const created = await h.newAccount(admin, {
      id: 'wirral-hv-1',
      name: 'Kim Visitor',
      organisationId: 'org-wirral',
      roles: ['practitioner'],
    });
    expect((await tokenSignIn('wirral-hv-1', created.password, created.totpSecret)).body.error.code).toBe(
      'enhanced-check-expired',
    );
    const res = await patch(team, '/v1/users/wirral-hv-1', accredited());
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      trainingCompleted: true,
      agreementSigned: true,
      enhancedCheckDate: yearsAgo(1),
    });
    expect((await tokenSignIn('wirral-hv-1', created.password, created.totpSecret)).status).toBe(201);

    const roles = await patch(team, '/v1/users/wirral-hv-1', { roles: ['practitioner', 'child-protection'] });
    expect(roles.status).toBe(403);
    expect(roles.body.error.code).toBe('field-not-permitted');
    expect((await patch(team, '/v1/users/wirral-hv-1', { name: 'Other' })).status).toBe(403);
    const elsewhere = await patch(team, '/v1/users/trn-la-team-cwac', { suspended: true });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('user-not-found');
    // A national role in the team's authority is the national administrator's to change.
    const protectedAccount = await patch(team, '/v1/users/trn-data-manager', { suspended: true });
    expect(protectedAccount.status).toBe(403);
    expect(protectedAccount.body.error.code).toBe('protected-account');
    const future = await patch(team, '/v1/users/wirral-hv-1', {
      enhancedCheckDate: `${h.clock.now().getUTCFullYear() + 1}-01-01`,
    });
    expect(future.body.error.code).toBe('enhanced-check-in-future');

    // Override powers are not one administrator's to give: a second one confirms.
    const alone = await patch(admin, '/v1/users/wirral-hv-1', {
      roles: ['practitioner', 'child-protection'],
      name: 'Kim Visitor-Lee',
    });
    expect(alone.status).toBe(409);
    expect(alone.body.error.code).toBe('second-person-required');
    expect((await admin.get('/v1/users/wirral-hv-1')).body.user).toMatchObject({
      roles: ['practitioner'],
      name: 'Kim Visitor',
    });
    const asked = await admin.post('/v1/users/wirral-hv-1/role-grants', {
      roles: ['practitioner', 'child-protection'],
    });
    expect(asked.status).toBe(201);
    expect((await admin.get('/v1/users/wirral-hv-1')).body.user.roles).toEqual(['practitioner']);
    expect((await admin.post(`/v1/account-requests/${asked.body.request.id}/confirm`, undefined)).body.error.code).toBe(
      'own-request',
    );
    const granted = await dataManager.post(`/v1/account-requests/${asked.body.request.id}/confirm`, undefined);
    expect(granted.status).toBe(200);
    expect(granted.body.request.status).toBe('completed');
    expect(granted.body).not.toHaveProperty('secondHalf');
    const renamed = await patch(admin, '/v1/users/wirral-hv-1', { name: 'Kim Visitor-Lee' });
    expect(renamed.body.user).toMatchObject({ roles: ['practitioner', 'child-protection'], name: 'Kim Visitor-Lee' });
    // Taking a power away is one person's to do.
    expect((await patch(admin, '/v1/users/wirral-hv-1', { roles: ['practitioner'] })).body.user.roles).toEqual([
      'practitioner',
    ]);
  });

  it('refuses anyone suspending themselves or changing their own roles', async () => {
    const self = await patch(team, '/v1/users/trn-la-team', { suspended: true });
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('own-account');
    const ownRoles = await patch(admin, '/v1/users/trn-national-admin', { roles: ['national-admin', 'data-manager'] });
    expect(ownRoles.body.error.code).toBe('own-account');
    expect((await admin.get('/v1/users/trn-national-admin')).body.user.roles).toEqual(['national-admin']);
    expect((await team.get('/v1/sessions/current')).status).toBe(200);
  });
});

describe('lock-out and token reset', () => {
  let creds: { password: string; totpSecret: string };
  beforeAll(async () => {
    creds = await h.newAccount(team, {
      id: 'wirral-locked',
      name: 'Lou Locked',
      organisationId: 'org-wirral',
      roles: ['practitioner'],
      ...accredited(),
    });
  });

  it('unlocks an account locked after 5 failures', async () => {
    for (let i = 0; i < 5; i++)
      expect((await tokenSignIn('wirral-locked', `wrong-${i}`, creds.totpSecret)).status).toBe(401);
    expect((await tokenSignIn('wirral-locked', creds.password, creds.totpSecret)).status).toBe(401);
    expect((await team.get('/v1/users/wirral-locked')).body.user.lockedUntil).not.toBeNull();
    expect((await cwacTeam.post('/v1/users/wirral-locked/unlock', undefined)).status).toBe(404);
    const res = await team.post('/v1/users/wirral-locked/unlock', undefined);
    expect(res.status).toBe(200);
    expect(res.body.user.lockedUntil).toBeNull();
    expect((await tokenSignIn('wirral-locked', creds.password, creds.totpSecret)).status).toBe(201);
  });

  it("stops the old token and its sessions at once; the new one is the holder's, by activation after a second person confirms", async () => {
    const old = await tokenSignIn('wirral-locked', creds.password, creds.totpSecret);
    expect(old.status).toBe(201);
    const res = await admin.post('/v1/users/wirral-locked/reset-token', undefined);
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('password');
    expect(res.body).not.toHaveProperty('totpSecret');
    expect(res.body.request).toMatchObject({ kind: 'token-reset', status: 'awaiting-confirmation' });
    expect(res.body.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect((await old.client!.get('/v1/sessions/current')).body.error.code).toBe('session-ended');
    expect((await tokenSignIn('wirral-locked', creds.password, creds.totpSecret)).status).toBe(401);
    const confirmed = await team.post(`/v1/account-requests/${res.body.request.id}/confirm`, undefined);
    expect(confirmed.status).toBe(200);
    const renewed = await h.activateToken('wirral-locked', res.body.firstHalf, confirmed.body.secondHalf);
    expect(renewed.totpSecret).not.toBe(creds.totpSecret);
    expect((await tokenSignIn('wirral-locked', renewed.password, renewed.totpSecret)).status).toBe(201);
    expect((await admin.post('/v1/users/trn-national-admin/reset-token', undefined)).body.error.code).toBe(
      'own-account',
    );
  });
});

describe('smartcards', () => {
  it('enrols a card the holder activates and signs in with; a replacement revokes it; a revoked card is refused', async () => {
    const first = newCard();
    const second = newCard();
    expect(await cardSignIn('trn-child-protection', first.privateKey)).toBe(401);
    const reg = await enrolCard('trn-child-protection', first);
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ userId: 'trn-child-protection', thumbprint: jwkThumbprint(first.publicJwk) });
    expect((await team.get('/v1/users/trn-child-protection')).body.user.cardKeys).toBe(1);
    expect(await cardSignIn('trn-child-protection', first.privateKey)).toBe(201);

    const replacement = await enrolCard('trn-child-protection', second);
    expect(replacement.status).toBe(201);
    expect(await cardSignIn('trn-child-protection', first.privateKey)).toBe(401);
    expect(await cardSignIn('trn-child-protection', second.privateKey)).toBe(201);
    expect(
      (await team.get('/v1/users/trn-child-protection')).body.user.cards.map(
        (c: { thumbprint: string }) => c.thumbprint,
      ),
    ).toEqual([jwkThumbprint(second.publicJwk)]);

    const revoked = await del(team, `/v1/users/trn-child-protection/card-keys/${jwkThumbprint(second.publicJwk)}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.sessionsEnded).toBe(1);
    expect(await cardSignIn('trn-child-protection', second.privateKey)).toBe(401);
    expect(
      (await del(team, `/v1/users/trn-child-protection/card-keys/${jwkThumbprint(second.publicJwk)}`)).body.error.code,
    ).toBe('card-key-not-found');
    const audit = (await auditOf('trn-child-protection')).map((a) => a.detail['change']);
    expect(audit).toEqual(['card-registered', 'activated', 'card-registered', 'activated', 'card-revoked']);
  });

  it('refuses a card that does not prove itself, a private key, and enrolments for accounts outside the team', async () => {
    const card = newCard();
    const other = newCard();
    const asked = await team.post('/v1/users/trn-practitioner/card-enrolments', undefined);
    const confirmed = await dataManager.post(`/v1/account-requests/${asked.body.request.id}/confirm`, undefined);
    // Signed by another key than the one offered: no proof of holding the card.
    const challenge = (
      await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-practitioner' } })
    ).body.challenge;
    const forged = ecSign('sha256', Buffer.from(`${challenge}.${jwkThumbprint(card.publicJwk)}`), {
      key: other.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const bad = await h.fetchJson('/v1/activations', {
      method: 'POST',
      body: {
        method: 'card',
        userId: 'trn-practitioner',
        firstHalf: asked.body.firstHalf,
        secondHalf: confirmed.body.secondHalf,
        challenge,
        publicJwk: card.publicJwk,
        cardSignature: forged,
      },
    });
    expect(bad.status).toBe(401);
    const withD = await h.fetchJson('/v1/activations', {
      method: 'POST',
      body: {
        method: 'card',
        userId: 'trn-practitioner',
        firstHalf: asked.body.firstHalf,
        secondHalf: confirmed.body.secondHalf,
        challenge,
        publicJwk: { ...card.publicJwk, d: card.publicJwk.x },
        cardSignature: forged,
      },
    });
    expect(withD.status).toBe(422);
    expect((await activateCard('trn-practitioner', card, asked.body.firstHalf, confirmed.body.secondHalf)).status).toBe(
      201,
    );
    expect((await cwacTeam.post('/v1/users/trn-practitioner/card-enrolments', undefined)).status).toBe(404);
  });
});

// Organisations and their accreditation: organisations.test.ts.
