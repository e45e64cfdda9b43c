// A signed request captured on the wire must not work twice, even across a restart of
// the service on the same embedded (PGlite) directory: sessions persist there, so the
// nonces that guard them must persist too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../../service/server.js';
import { trainingAccounts } from '../../../../service/training/accounts.js';
import { generateSessionKey, signRequest } from '../../../support/request-signer.js';

const dir = mkdtempSync(join(tmpdir(), 'cp-replay-'));
let running: RunningService | undefined;
afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = (port = 0) =>
  startService({ port, trainingMode: true, dataDir: join(dir, 'store'), trainingCount: 10, lifecycleIntervalMs: 0 });

describe('replay after a restart on a persistent PGlite store', () => {
  it('refuses a captured signed request replayed after the service restarts', async () => {
    running = await start();
    const account = trainingAccounts.find((a) => a.id === 'trn-practitioner')!;
    const { privateKey, publicJwk } = generateSessionKey();
    const signedIn = await fetch(`${running.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'otp',
        userId: account.id,
        password: account.password,
        otp: generateSync({ secret: account.totpSecret }),
        sessionKey: publicJwk,
      }),
    });
    expect(signedIn.status).toBe(201);
    const { sessionId } = (await signedIn.json()) as { sessionId: string };

    // The request as captured: its signature lives 5 minutes, far longer than a restart.
    const path = '/v1/sessions/current';
    const captured = signRequest({
      method: 'GET',
      url: `${running.url}${path}`,
      keyid: sessionId,
      privateKey,
      expiresSec: Math.floor(Date.now() / 1000) + 300,
    });
    expect((await fetch(`${running.url}${path}`, { headers: captured })).status).toBe(200);
    const replayedBefore = await fetch(`${running.url}${path}`, { headers: captured });
    expect(replayedBefore.status).toBe(401);

    // Same port after the restart, so the signed @target-uri is still the one addressed.
    const port = running.port;
    await running.close();
    running = await start(port);
    expect(running.url).toContain(`:${port}`);

    const replayed = await fetch(`${running.url}${path}`, { headers: captured });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: { code: string } }).error.code).toBe('signature-replayed');

    // The session itself survived the restart: a fresh request with its key still works.
    const fresh = signRequest({ method: 'GET', url: `${running.url}${path}`, keyid: sessionId, privateKey });
    expect((await fetch(`${running.url}${path}`, { headers: fresh })).status).toBe(200);
  }, 120_000);
});
