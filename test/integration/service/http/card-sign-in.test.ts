// The whole training smartcard path, with real parts: `npm run training:card` makes a
// SoftHSM2 token and registers its key; the running training service issues a
// challenge; the token signs it through PKCS#11 (pkcs11-tool, CKM_ECDSA over our
// SHA-256, since SoftHSM2 has no CKM_ECDSA_SHA256); the service opens a session.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PKCS11_MODULE, runTrainingCard } from '../../../../scripts/training-card.js';
import { jwkThumbprint } from '../../../../service/auth/jwk-thumbprint.js';
import { startServiceHarness, type ServiceHarness } from '../../../support/national-service.js';
import { generateSessionKey, signRequest } from '../../../support/request-signer.js';

let home: string;
let h: ServiceHarness;
const previousHome = process.env['CONTACTPOINT_TRAINING_HOME'];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'cp-card-home-'));
  process.env['CONTACTPOINT_TRAINING_HOME'] = home;
  const quiet = { write: () => true };
  const code = await runTrainingCard(
    ['--user', 'trn-practitioner'],
    { stdout: quiet, stderr: quiet },
    { ...process.env },
  );
  expect(code).toBe(0);
  h = await startServiceHarness({ trainingCount: 20 });
}, 60_000);

afterAll(async () => {
  await h?.close();
  if (previousHome === undefined) delete process.env['CONTACTPOINT_TRAINING_HOME'];
  else process.env['CONTACTPOINT_TRAINING_HOME'] = previousHome;
  rmSync(home, { recursive: true, force: true });
});

function tokenSign(message: string, pin = '123456'): string {
  const work = mkdtempSync(join(tmpdir(), 'cp-sign-'));
  try {
    writeFileSync(join(work, 'digest.bin'), createHash('sha256').update(message, 'utf8').digest());
    execFileSync(
      'pkcs11-tool',
      [
        '--module',
        DEFAULT_PKCS11_MODULE,
        '--token-label',
        'cp-trn-practitioner',
        '--login',
        '--pin',
        pin,
        '--sign',
        '--mechanism',
        'ECDSA',
        '--id',
        '01',
        '--input-file',
        join(work, 'digest.bin'),
        '--output-file',
        join(work, 'sig.bin'),
      ],
      { env: { ...process.env, SOFTHSM2_CONF: join(home, 'softhsm2.conf') }, stdio: 'pipe' },
    );
    return readFileSync(join(work, 'sig.bin')).toString('base64url');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe('smartcard sign-in with a SoftHSM2 training card', () => {
  it('signs in with the token, and the session key then signs API calls', async () => {
    const { challenge } = (
      await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-practitioner' } })
    ).body;
    const { privateKey, publicJwk } = generateSessionKey();
    const cardSignature = tokenSign(`${challenge}.${jwkThumbprint(publicJwk)}`);
    const res = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: { method: 'card', userId: 'trn-practitioner', challenge, sessionKey: publicJwk, cardSignature },
    });
    expect(res.status).toBe(201);
    const url = `${h.url}/v1/sessions/current`;
    const headers = signRequest({
      method: 'GET',
      url,
      keyid: res.body.sessionId,
      privateKey,
      createdSec: Math.floor(h.clock.now().getTime() / 1000),
    });
    const me = await fetch(url, { headers });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { id: string } }).user.id).toBe('trn-practitioner');
  });

  it("refuses the token's signature for another user, and a signature bound to another session key", async () => {
    const forOther = (await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-la-team' } }))
      .body.challenge;
    const key = generateSessionKey().publicJwk;
    const asOther = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: {
        method: 'card',
        userId: 'trn-la-team',
        challenge: forOther,
        sessionKey: key,
        cardSignature: tokenSign(`${forOther}.${jwkThumbprint(key)}`),
      },
    });
    expect(asOther.status).toBe(401);

    const { challenge } = (
      await h.fetchJson('/v1/sessions/challenge', { method: 'POST', body: { userId: 'trn-practitioner' } })
    ).body;
    const signedFor = generateSessionKey().publicJwk;
    const swapped = await h.fetchJson('/v1/sessions', {
      method: 'POST',
      body: {
        method: 'card',
        userId: 'trn-practitioner',
        challenge,
        sessionKey: generateSessionKey().publicJwk,
        cardSignature: tokenSign(`${challenge}.${jwkThumbprint(signedFor)}`),
      },
    });
    expect(swapped.status).toBe(401);
  });
});
