// The service's verifier of signed requests, against the contract in national-api.md:
// interoperating with an independent RFC 9421 implementation both ways, and refusing
// every way a request can be missing, malformed, wrong, stale or replayed.
import { createHash, createPublicKey } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createSigner, createVerifier, httpbis } from 'http-message-signatures';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PublicJwk } from '../../../../domain/jwk.js';
import { MemoryNonceCache } from '../../../../service/auth/nonce-cache.js';
import {
  SignatureError,
  verifyRequestSignature,
  type SignedRequest,
} from '../../../../service/auth/request-signature.js';
import { ApiError } from '../../../../service/http/api-error.js';
import { SettableClock } from '../../../../service/context.js';
import { generateSessionKey, signRequest, type SignRequestOptions } from '../../../support/request-signer.js';

const now = new Date('2026-03-02T10:00:00.000Z');
const nowSec = Math.floor(now.getTime() / 1000);
const url = 'https://index.example/v1/children?surname=Smith&dob=2015-04-01';
const session = generateSessionKey();
const stranger = generateSessionKey();
const keys = new Map<string, PublicJwk>([['session-1', session.publicJwk]]);
const body = JSON.stringify({ record: { name: { given: 'Amy', family: 'Smith' } } });

let clock: SettableClock;
let nonces: MemoryNonceCache;
beforeEach(() => {
  clock = new SettableClock(now);
  nonces = new MemoryNonceCache(clock);
});

const verify = (req: SignedRequest) =>
  verifyRequestSignature(req, { now: clock.now(), nonces, resolveKey: async (keyid) => keys.get(keyid) ?? null });

function signed(opts: Partial<SignRequestOptions> = {}): SignedRequest {
  const method = opts.method ?? 'POST';
  const requestBody = 'body' in opts ? opts.body : method === 'POST' ? body : undefined;
  const headers = signRequest({
    method,
    url: opts.url ?? url,
    ...(requestBody !== undefined ? { body: requestBody } : {}),
    keyid: 'session-1',
    privateKey: session.privateKey,
    createdSec: nowSec,
    expiresSec: nowSec + 60,
    ...opts,
  });
  return {
    method,
    targetUri: new URL(opts.url ?? url).href,
    headers,
    body: requestBody === undefined ? null : Buffer.from(requestBody),
  };
}

async function refusal(promise: Promise<unknown>): Promise<SignatureError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof SignatureError) return e;
    throw e;
  }
  throw new Error('the request was accepted');
}

const lower = (headers: Record<string, string | string[]>): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]));

describe('accepts', () => {
  it('a signed GET without a body, returning who signed it', async () => {
    const req = signed({ method: 'GET', nonce: 'nonce-get-0001' });
    expect(req.headers['content-digest']).toBeUndefined();
    await expect(verify(req)).resolves.toEqual({
      keyid: 'session-1',
      created: nowSec,
      expires: nowSec + 60,
      nonce: 'nonce-get-0001',
    });
  });

  it('a signed POST whose digest and signature cover the body', async () => {
    await expect(verify(signed())).resolves.toMatchObject({ keyid: 'session-1' });
  });

  it('a signature created up to 30 s ahead of the service clock (client clock skew)', async () => {
    await expect(verify(signed({ createdSec: nowSec + 30, expiresSec: nowSec + 90 }))).resolves.toMatchObject({
      created: nowSec + 30,
    });
  });
});

describe('interoperates with the http-message-signatures package', () => {
  it('verifies requests that package signs with our profile', async () => {
    for (const [method, requestBody] of [
      ['POST', body],
      ['GET', undefined],
    ] as const) {
      const headers: Record<string, string> = {};
      if (requestBody)
        headers['Content-Digest'] = `sha-256=:${createHash('sha256').update(requestBody).digest('base64')}:`;
      const message = await httpbis.signMessage(
        {
          key: createSigner(session.privateKey, 'ecdsa-p256-sha256', 'session-1'),
          name: 'cp',
          fields: ['@method', '@target-uri', ...(requestBody ? ['content-digest'] : [])],
          params: ['created', 'expires', 'nonce', 'keyid', 'alg'],
          paramValues: { created: now, expires: new Date(now.getTime() + 120_000), nonce: `third-party-${method}` },
        },
        { method, url, headers },
      );
      const req = {
        method,
        targetUri: url,
        headers: lower(message.headers),
        body: requestBody ? Buffer.from(requestBody) : null,
      };
      await expect(verify(req)).resolves.toEqual({
        keyid: 'session-1',
        created: nowSec,
        expires: nowSec + 120,
        nonce: `third-party-${method}`,
      });
      // The package's signature is genuinely checked: tamper and it fails.
      const tampered = { ...req, method: method === 'GET' ? 'HEAD' : 'PUT', headers: { ...req.headers } };
      expect((await refusal(verify(tampered))).code).toBe('signature-invalid');
    }
  });

  it('has its verifier accept what our test signer signs, and refuse it tampered', async () => {
    const headers = signRequest({ method: 'POST', url, body, keyid: 'session-1', privateKey: session.privateKey });
    const keyLookup = async () => ({
      id: 'session-1',
      algs: ['ecdsa-p256-sha256'],
      verify: createVerifier(createPublicKey({ key: session.publicJwk, format: 'jwk' }), 'ecdsa-p256-sha256'),
    });
    const config = {
      keyLookup,
      requiredFields: ['@method', '@target-uri', 'content-digest'],
      requiredParams: ['created', 'expires', 'nonce', 'keyid', 'alg'],
    };
    await expect(httpbis.verifyMessage(config, { method: 'POST', url, headers })).resolves.toBe(true);
    await expect(httpbis.verifyMessage(config, { method: 'POST', url: `${url}&x=1`, headers })).resolves.toBe(false);
  });
});

describe('refuses', () => {
  it('a request without signature headers (401 signature-missing)', async () => {
    const error = await refusal(verify({ method: 'GET', targetUri: url, headers: {}, body: null }));
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code]).toEqual([401, 'signature-missing']);
    const onlyInput = signed({ method: 'GET' });
    delete onlyInput.headers['signature'];
    expect((await refusal(verify(onlyInput))).code).toBe('signature-missing');
  });

  it('a signature under another label than "cp"', async () => {
    expect((await refusal(verify(signed({ label: 'sig1' })))).code).toBe('signature-missing');
  });

  it.each([
    ['signature-input', 'cp=("@method" "@target-uri";created=1'],
    ['signature-input', 'cp="not an inner list"'],
    ['signature', 'cp=:!!!:'],
    ['signature', 'cp=:AAAA:'],
    ['signature-input', `cp=("@method" "@target-uri");nonce="${'n'.repeat(5000)}"`],
  ])('a malformed %s header (signature-malformed)', async (name, value) => {
    const req = signed({ method: 'GET' });
    req.headers[name] = value;
    const error = await refusal(verify(req));
    expect([error.status, error.code]).toEqual([401, 'signature-malformed']);
    expect(error.message.length).toBeLessThan(300);
  });

  it('an algorithm other than ecdsa-p256-sha256', async () => {
    const error = await refusal(verify(signed({ alg: 'ed25519' })));
    expect(error.code).toBe('signature-malformed');
    expect(error.message).toContain('ecdsa-p256-sha256');
  });

  it.each([
    [['@target-uri', 'content-digest'], '"@method"'],
    [['@method', 'content-digest'], '"@target-uri"'],
    [['@method', '@target-uri'], '"content-digest"'],
    [['@method', '@authority', '@path', '@query', 'content-digest'], '"@target-uri"'],
  ])('a signature covering only %j (must name %s)', async (components, named) => {
    const error = await refusal(verify(signed({ components })));
    expect(error.code).toBe('signature-malformed');
    expect(error.message).toContain(named);
  });

  it('each missing required parameter, by name', async () => {
    for (const param of ['created', 'expires', 'nonce', 'keyid', 'alg']) {
      const req = signed();
      req.headers['signature-input'] = (req.headers['signature-input'] as string).replace(
        new RegExp(`;${param}=("[^"]*"|\\d+)`),
        '',
      );
      const error = await refusal(verify(req));
      expect(error.code).toBe('signature-malformed');
      expect(error.message).toContain(param);
    }
  });

  it('a body without a Content-Digest header (digest-missing)', async () => {
    const req = signed();
    delete req.headers['content-digest'];
    expect((await refusal(verify(req))).code).toBe('digest-missing');
  });

  it('a body that does not match its Content-Digest (400 digest-mismatch)', async () => {
    const req = { ...signed(), body: Buffer.from(body.replace('Amy', 'Ann')) };
    const error = await refusal(verify(req));
    expect([error.status, error.code]).toEqual([400, 'digest-mismatch']);
  });

  it('a changed body whose digest was recomputed to match (signature-invalid)', async () => {
    const changed = body.replace('Amy', 'Ann');
    const req = signed();
    req.headers['content-digest'] = `sha-256=:${createHash('sha256').update(changed).digest('base64')}:`;
    const error = await refusal(verify({ ...req, body: Buffer.from(changed) }));
    expect([error.status, error.code]).toEqual([401, 'signature-invalid']);
  });

  it('a changed method or target URI (signature-invalid)', async () => {
    expect((await refusal(verify({ ...signed(), method: 'PUT' }))).code).toBe('signature-invalid');
    expect((await refusal(verify({ ...signed(), targetUri: url.replace('Smith', 'Smyth') }))).code).toBe(
      'signature-invalid',
    );
    expect(
      (await refusal(verify({ ...signed(), targetUri: url.replace('index.example', 'other.example') }))).code,
    ).toBe('signature-invalid');
  });

  it('a signature created more than 30 s in the future (signature-future)', async () => {
    const error = await refusal(verify(signed({ createdSec: nowSec + 31, expiresSec: nowSec + 91 })));
    expect([error.status, error.code]).toEqual([401, 'signature-future']);
  });

  it('an expired signature (signature-expired)', async () => {
    expect((await refusal(verify(signed({ createdSec: nowSec - 100, expiresSec: nowSec - 1 })))).code).toBe(
      'signature-expired',
    );
    const req = signed({ createdSec: nowSec, expiresSec: nowSec + 60 });
    clock.advance(60_000);
    expect((await refusal(verify(req))).code).toBe('signature-expired');
  });

  it('a lifetime over 300 s, or expires not after created (signature-window)', async () => {
    expect((await refusal(verify(signed({ createdSec: nowSec, expiresSec: nowSec + 301 })))).code).toBe(
      'signature-window',
    );
    expect((await refusal(verify(signed({ createdSec: nowSec, expiresSec: nowSec })))).code).toBe('signature-window');
    await expect(verify(signed({ createdSec: nowSec, expiresSec: nowSec + 300 }))).resolves.toBeDefined();
  });

  it('an unknown keyid (signature-unknown-key)', async () => {
    const error = await refusal(verify(signed({ keyid: 'no-such-session' })));
    expect([error.status, error.code]).toEqual([401, 'signature-unknown-key']);
  });

  it('a signature by another key than the session key (signature-invalid)', async () => {
    const error = await refusal(verify(signed({ privateKey: stranger.privateKey })));
    expect(error.code).toBe('signature-invalid');
    expect(error.message).not.toContain(session.publicJwk.x);
  });

  it('a session key that is not a P-256 point (key-invalid)', async () => {
    const broken = { ...session.publicJwk, y: session.publicJwk.x };
    const error = await refusal(
      verifyRequestSignature(signed(), { now: clock.now(), nonces, resolveKey: async () => broken }),
    );
    expect([error.status, error.code]).toEqual([401, 'key-invalid']);
    expect(error.message).not.toContain(broken.x);
  });

  it('the same request a second time (signature-replayed)', async () => {
    const req = signed({ nonce: 'replay-me-please' });
    await expect(verify(req)).resolves.toBeDefined();
    const error = await refusal(verify(req));
    expect([error.status, error.code]).toEqual([401, 'signature-replayed']);
    // A fresh nonce on the same session is fine.
    await expect(verify(signed({ nonce: 'a-different-one' }))).resolves.toBeDefined();
  });

  it("a forged request without burning the genuine request's nonce", async () => {
    const nonce = 'shared-nonce-123';
    const forged = signed({ nonce, privateKey: stranger.privateKey });
    expect((await refusal(verify(forged))).code).toBe('signature-invalid');
    await expect(verify(signed({ nonce }))).resolves.toMatchObject({ nonce });
  });

  it('a nonce too short to be unique', async () => {
    expect((await refusal(verify(signed({ nonce: 'abc' })))).code).toBe('signature-malformed');
  });
});
