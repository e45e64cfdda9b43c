// A client's request signer for tests and benches: RFC 9421 with the national API's
// profile (label "cp", ecdsa-p256-sha256, "@method" "@target-uri" and, with a body,
// "content-digest"). Written from the contract, sharing only domain/http-signature.ts
// with the service's verifier, so the two can disagree if either is wrong.
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { serializeSignatureParams, signatureBase } from '../../domain/http-signature.js';
import type { PublicJwk } from '../../domain/jwk.js';

export function generateSessionKey(): { privateKey: KeyObject; publicJwk: PublicJwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! } };
}

export interface SignRequestOptions {
  method: string;
  url: string;
  body?: string | Buffer;
  keyid: string;
  privateKey: KeyObject;
  /** Seconds since 1970; default now. */
  createdSec?: number;
  /** Seconds since 1970; default createdSec + 60. */
  expiresSec?: number;
  /** Default: 16 random bytes, base64url. */
  nonce?: string;
  /** Default "cp". */
  label?: string;
  /** For tests of refusals: the covered components (default per the contract). */
  components?: string[];
  /** For tests of refusals: the alg parameter (default ecdsa-p256-sha256). */
  alg?: string;
}

/** Headers to add to the request: signature-input, signature and, with a body, content-digest. */
export function signRequest(options: SignRequestOptions): Record<string, string> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = {};
  const hasBody = body !== undefined && body.length > 0;
  if (hasBody) headers['content-digest'] = `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const created = options.createdSec ?? Math.floor(Date.now() / 1000);
  const components = options.components ?? ['@method', '@target-uri', ...(hasBody ? ['content-digest'] : [])];
  const paramsString = serializeSignatureParams({
    components,
    created,
    expires: options.expiresSec ?? created + 60,
    nonce: options.nonce ?? randomBytes(16).toString('base64url'),
    keyid: options.keyid,
    alg: options.alg ?? 'ecdsa-p256-sha256',
  });
  // fetch sends the URL in its normalised form; the service rebuilds that same form.
  const targetUri = new URL(options.url).href;
  const base = signatureBase({
    method: options.method,
    targetUri,
    headers: (name) => headers[name],
    components,
    paramsString,
  });
  if (!base.ok) throw new Error(base.message);
  const signature = createSign('sha256')
    .update(base.value)
    .sign({ key: options.privateKey, dsaEncoding: 'ieee-p1363' });
  const label = options.label ?? 'cp';
  headers['signature-input'] = `${label}=${paramsString}`;
  headers['signature'] = `${label}=:${signature.toString('base64')}:`;
  return headers;
}
