// The insider attack of issue 18, scripted end to end over HTTP against `npm run service`
// (the real command line, its own process, its own store), as one LA team member with
// nothing but their own sign-in. Before separation of duties the script got through:
// POST /v1/users handed the creator a second la-team account's password and token
// secret, the second account approved the first's request to unshield, and a
// practitioner then found the child by date of birth and postcode. Now the first step
// that would give one person a second identity hands out nothing that signs in, and
// every other route to a second identity (a colleague's token, a colleague's card) is
// refused at the step where the second person is needed.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign as ecSign } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../../service/auth/jwk-thumbprint.js';
import { WIRRAL } from '../../support/children.js';
import { createSignIn, type SignedClient } from '../../support/national-service.js';

let service: ChildProcess;
let url: string;

beforeAll(async () => {
  service = spawn('npm', ['run', '--silent', 'service', '--', '--port', '0', '--training-count', '300'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
    // Its own process group: npm starts tsx, which starts node; stopping the group stops them all.
    detached: true,
  });
  const lines = createInterface({ input: service.stdout! });
  const stderr: string[] = [];
  service.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    service.once('exit', (code) =>
      reject(new Error(`npm run service exited ${code}: ${stderr.join('').slice(-2000)}`)),
    );
  });
}, 120_000);

afterAll(async () => {
  if (service && service.exitCode === null && service.pid !== undefined) {
    const exited = once(service, 'exit');
    process.kill(-service.pid, 'SIGTERM');
    await exited;
  }
});

/** The real sign-in with a real TOTP code for now: the service keeps the real time, and each account here signs in once. */
const realTime = { now: () => new Date(), advance: () => undefined };
const signIn = (userId: string, credentials?: { password: string; totpSecret: string }): Promise<SignedClient> =>
  createSignIn(url, realTime)(userId, credentials);

async function post(path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('one LA team member trying to lift a shield alone, against npm run service', () => {
  it('is refused at the first step that would give them a second identity, and the child stays hidden', async () => {
    const insider = await signIn('trn-la-team');
    const practitioner = await signIn('trn-practitioner');

    // A child the insider's authority holds, shielded: not found by date of birth and postcode.
    const feed = await insider.get(`/v1/sync/${WIRRAL}/changes?provenance=omit`);
    expect(feed.status).toBe(200);
    const child = (
      feed.body.changes as {
        cpNumber: string;
        record?: { shielded: boolean; dob: string; address: { postcode: string } | null };
      }[]
    ).find((c) => c.record && !c.record.shielded && c.record.address !== null)!;
    const byHiddenField = `/v1/children?dob=${child.record!.dob}&postcode=${encodeURIComponent(child.record!.address!.postcode)}`;
    const found = async () =>
      ((await practitioner.get(byHiddenField)).body.results as { cpNumber: string }[]).some(
        (r) => r.cpNumber === child.cpNumber,
      );
    expect(await found()).toBe(true);
    expect(
      (await insider.post(`/v1/children/${child.cpNumber}/shield`, { reason: 'Risk of harm if found' })).status,
    ).toBe(200);
    expect(await found()).toBe(false);

    // Step 1 of the old attack: make a second la-team account. It is made, but with no credential.
    const made = await insider.post('/v1/users', {
      id: 'insider-second',
      name: 'Second Self',
      organisationId: 'org-wirral',
      roles: ['la-team'],
      enhancedCheckDate: `${new Date().getUTCFullYear() - 1}-01-01`,
      trainingCompleted: true,
      agreementSigned: true,
    });
    expect(made.status).toBe(201);
    const text = JSON.stringify(made.body);
    expect(made.body).not.toHaveProperty('password');
    expect(made.body).not.toHaveProperty('totpSecret');
    expect(text).not.toMatch(/"[A-Z2-7]{32}"/); // no base32 token secret anywhere in the answer
    // Nothing signs in as it: the half code is not a password, and there is no token.
    await expect(
      signIn('insider-second', { password: made.body.firstHalf, totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }),
    ).rejects.toThrow(/401/);
    // The insider cannot be their own second person, nor activate with their half alone.
    const self = await insider.post(`/v1/account-requests/${made.body.request.id}/confirm`, undefined);
    expect([self.status, self.body.error.code]).toEqual([403, 'own-request']);
    for (const secondHalf of [made.body.firstHalf, '00000-00000']) {
      const act = await post('/v1/activations', {
        method: 'otp',
        userId: 'insider-second',
        firstHalf: made.body.firstHalf,
        secondHalf,
        password: 'my own choice of password',
      });
      expect([act.status, act.body.error.code]).toEqual([401, 'activation-refused']);
    }

    // Another road: take over a child-protection colleague's token. The old one stops; no new one reaches the insider.
    const reset = await insider.post('/v1/users/trn-child-protection/reset-token', undefined);
    expect(reset.status).toBe(200);
    expect(reset.body).not.toHaveProperty('password');
    expect(reset.body).not.toHaveProperty('totpSecret');
    expect(
      (await insider.post(`/v1/account-requests/${reset.body.request.id}/confirm`, undefined)).body.error.code,
    ).toBe('own-request');

    // And a third: register the insider's own card as the colleague's.
    const card = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = card.publicKey.export({ format: 'jwk' });
    const publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
    const oldRoute = await insider.post('/v1/users/trn-child-protection/card-keys', { publicJwk });
    expect(oldRoute.status).toBe(404); // registering a key directly is gone
    const enrol = await insider.post('/v1/users/trn-child-protection/card-enrolments', undefined);
    expect(enrol.status).toBe(201);
    expect(
      (await insider.post(`/v1/account-requests/${enrol.body.request.id}/confirm`, undefined)).body.error.code,
    ).toBe('own-request');
    const challenge = (await post('/v1/sessions/challenge', { userId: 'trn-child-protection' })).body
      .challenge as string;
    const cardSignature = ecSign('sha256', Buffer.from(`${challenge}.${jwkThumbprint(publicJwk as never)}`), {
      key: card.privateKey,
      dsaEncoding: 'ieee-p1363',
    }).toString('base64url');
    const cardAct = await post('/v1/activations', {
      method: 'card',
      userId: 'trn-child-protection',
      firstHalf: enrol.body.firstHalf,
      secondHalf: enrol.body.firstHalf,
      challenge,
      publicJwk,
      cardSignature,
    });
    expect([cardAct.status, cardAct.body.error.code]).toEqual([401, 'activation-refused']);

    // Nor can a power be granted by the insider, and the unshield request waits for a second person.
    expect(
      (await insider.post('/v1/users/trn-practitioner/role-grants', { roles: ['practitioner', 'child-protection'] }))
        .status,
    ).toBe(403);
    const unshield = await insider.post(`/v1/children/${child.cpNumber}/unshield-requests`, {
      reason: 'No longer at risk',
    });
    expect(unshield.status).toBe(201);
    const approve = await insider.post(`/v1/unshield-requests/${unshield.body.request.id}/approve`, undefined);
    expect([approve.status, approve.body.error.code]).toEqual([403, 'own-request']);

    // After all of it: the child is still shielded, and the practitioner still cannot find them by address.
    expect(await found()).toBe(false);
    const read = await practitioner.get(`/v1/children/${child.cpNumber}`, {
      headers: { 'cp-access-reason': 'Registering at the practice' },
    });
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(child.record!.address!.postcode);
  }, 180_000);
});
