// Main's request signer, checked by verifiers we did not write for it: the
// http-message-signatures package (an independent RFC 9421 implementation) and the
// service's own verifier. (client.test.ts proves the running service accepts it too.)
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createVerifier, httpbis } from 'http-message-signatures';
import { describe, expect, it } from 'vitest';
import { contentDigest, signRequest } from '../../../../main/api/signer.js';
import { MemoryNonceCache } from '../../../../service/auth/nonce-cache.js';
import { verifyRequestSignature } from '../../../../service/auth/request-signature.js';
import { SettableClock } from '../../../../service/context.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const nowSec = 1_772_445_600; // 2026-03-02T10:00:00Z
const url = 'https://index.example.gov.uk/v1/children?surname=O%27Brien&dob=2015-04-01';
const body = Buffer.from(JSON.stringify({ service: 'School nursing', startDate: '2026-03-01' }));

const keyLookup = async () => ({
  id: 'session-1',
  algs: ['ecdsa-p256-sha256'],
  verify: createVerifier(publicKey, 'ecdsa-p256-sha256'),
});
const thirdParty = (required: string[]) => ({
  keyLookup,
  requiredFields: required,
  requiredParams: ['created', 'expires', 'nonce', 'keyid', 'alg'],
});

describe('signRequest', () => {
  it('signs with the national profile: label cp, session keyid, ecdsa-p256-sha256, 60 s, a 16-byte nonce', () => {
    const headers = signRequest({ method: 'GET', url, keyid: 'session-1', privateKey, nowSec });
    expect(Object.keys(headers).sort()).toEqual(['signature', 'signature-input']);
    const match =
      /^cp=\("@method" "@target-uri"\);created=(\d+);expires=(\d+);nonce="([A-Za-z0-9_-]+)";keyid="session-1";alg="ecdsa-p256-sha256"$/.exec(
        headers['signature-input']!,
      );
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBe(nowSec);
    expect(Number(match![2])).toBe(nowSec + 60);
    expect(Buffer.from(match![3]!, 'base64url')).toHaveLength(16);
    expect(headers['signature']).toMatch(/^cp=:[A-Za-z0-9+/]{86}==:$/);
  });

  it('uses a new nonce for every request', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      nonces.add(
        /nonce="([^"]+)"/.exec(
          signRequest({ method: 'GET', url, keyid: 's', privateKey, nowSec })['signature-input']!,
        )![1]!,
      );
    }
    expect(nonces.size).toBe(50);
  });

  it('covers an RFC 9530 Content-Digest when there is a body', () => {
    const headers = signRequest({ method: 'POST', url, body, keyid: 'session-1', privateKey, nowSec });
    expect(headers['content-digest']).toBe(`sha-256=:${createHash('sha256').update(body).digest('base64')}:`);
    expect(headers['signature-input']).toMatch(/^cp=\("@method" "@target-uri" "content-digest"\);/);
    expect(contentDigest(Buffer.from('{}'))).toBe('sha-256=:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=:');
  });

  it('is verified by the http-message-signatures package, and fails there when tampered', async () => {
    for (const [method, requestBody] of [
      ['GET', undefined],
      ['POST', body],
      ['DELETE', undefined],
      ['PATCH', body],
    ] as const) {
      const headers = signRequest({
        method,
        url,
        ...(requestBody ? { body: requestBody } : {}),
        keyid: 'session-1',
        privateKey,
        nowSec: Math.floor(Date.now() / 1000),
      });
      const required = ['@method', '@target-uri', ...(requestBody ? ['content-digest'] : [])];
      await expect(httpbis.verifyMessage(thirdParty(required), { method, url, headers })).resolves.toBe(true);
      await expect(
        httpbis.verifyMessage(thirdParty(required), { method, url: url.replace('O%27Brien', 'Smith'), headers }),
      ).resolves.toBe(false);
      await expect(
        httpbis.verifyMessage(thirdParty(required), { method: method === 'GET' ? 'HEAD' : 'PUT', url, headers }),
      ).resolves.toBe(false);
      if (requestBody) {
        const otherDigest = { ...headers, 'content-digest': contentDigest(Buffer.from('{"notes":"x"}')) };
        await expect(httpbis.verifyMessage(thirdParty(required), { method, url, headers: otherDigest })).resolves.toBe(
          false,
        );
      }
    }
  });

  it("is accepted by the service's verifier for the signing session, and only once", async () => {
    const clock = new SettableClock(new Date(nowSec * 1000));
    const nonces = new MemoryNonceCache(clock);
    const jwk = publicKey.export({ format: 'jwk' });
    const resolveKey = async (keyid: string) =>
      keyid === 'session-1' ? { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! } : null;
    const headers = signRequest({ method: 'POST', url, body, keyid: 'session-1', privateKey, nowSec });
    const req = { method: 'POST', targetUri: url, headers, body };
    await expect(verifyRequestSignature(req, { now: clock.now(), nonces, resolveKey })).resolves.toMatchObject({
      keyid: 'session-1',
      created: nowSec,
    });
    await expect(verifyRequestSignature(req, { now: clock.now(), nonces, resolveKey })).rejects.toMatchObject({
      code: 'signature-replayed',
    });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = {
      ...req,
      headers: signRequest({ method: 'POST', url, body, keyid: 'session-1', privateKey: other, nowSec }),
    };
    await expect(verifyRequestSignature(forged, { now: clock.now(), nonces, resolveKey })).rejects.toMatchObject({
      code: 'signature-invalid',
    });
  });

  it("expires 60 s after signing, by the package's own clock", async () => {
    const current = Math.floor(Date.now() / 1000);
    const fresh = signRequest({ method: 'GET', url, keyid: 'session-1', privateKey, nowSec: current - 50 });
    const stale = signRequest({ method: 'GET', url, keyid: 'session-1', privateKey, nowSec: current - 70 });
    await expect(
      httpbis.verifyMessage(thirdParty(['@method', '@target-uri']), { method: 'GET', url, headers: fresh }),
    ).resolves.toBe(true);
    await expect(
      httpbis.verifyMessage(thirdParty(['@method', '@target-uri']), { method: 'GET', url, headers: stale }),
    ).rejects.toThrow(/expired/i);
  });

  it('signs the normalised URL node:http sends (default port dropped, host lower-cased)', async () => {
    const headers = signRequest({
      method: 'GET',
      url: 'HTTPS://Index.Example.gov.uk:443/v1/status',
      keyid: 'session-1',
      privateKey,
      nowSec: Math.floor(Date.now() / 1000),
    });
    await expect(
      httpbis.verifyMessage(thirdParty(['@method', '@target-uri']), {
        method: 'GET',
        url: 'https://index.example.gov.uk/v1/status',
        headers,
      }),
    ).resolves.toBe(true);
  });

  it('refuses a key that is not a P-256 private key', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const ed = generateKeyPairSync('ed25519').privateKey;
    for (const key of [p384, ed, createPublicKey(privateKey)]) {
      expect(() => signRequest({ method: 'GET', url, keyid: 's', privateKey: key, nowSec })).toThrow(
        'The session key must be an EC P-256 private key.',
      );
    }
  });
});
