// Signs a request to the national index service (national-api.md "Request
// signatures"): RFC 9421 with the label "cp", keyid = the session id, alg
// ecdsa-p256-sha256, covering "@method" "@target-uri" and, with a body, an RFC 9530
// Content-Digest. The signature base comes from domain/http-signature.ts, the very code
// the service's verifier uses. The private key is a KeyObject held in memory by main.
import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { serializeSignatureParams, signatureBase } from '../../domain/http-signature.js';

export const signatureLabel = 'cp';
export const signatureAlgorithm = 'ecdsa-p256-sha256';
/** How long a signature lives: the service allows at most 300 s. */
export const signatureLifetimeSec = 60;

export interface SignInput {
  method: string;
  /** The full URL the request goes to. */
  url: string;
  body?: Buffer;
  /** The session id. */
  keyid: string;
  /** The session's P-256 private key. */
  privateKey: KeyObject;
  /** Seconds since 1970, from main's clock. */
  nowSec: number;
  /** Default: 16 random bytes, base64url. Tests may fix it. */
  nonce?: string;
}

/** RFC 9530 Content-Digest with SHA-256: `sha-256=:<base64>:`. */
export function contentDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

function assertP256PrivateKey(key: KeyObject): void {
  if (
    key.type !== 'private' ||
    key.asymmetricKeyType !== 'ec' ||
    key.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new TypeError('The session key must be an EC P-256 private key.');
  }
}

/** The headers that sign the request: content-digest (with a body), signature-input and signature. */
export function signRequest(input: SignInput): Record<string, string> {
  assertP256PrivateKey(input.privateKey);
  if (!Number.isSafeInteger(input.nowSec) || input.nowSec < 0)
    throw new RangeError('nowSec must be whole seconds since 1970.');
  const headers: Record<string, string> = {};
  const hasBody = input.body !== undefined && input.body.length > 0;
  if (hasBody) headers['content-digest'] = contentDigest(input.body!);
  const components = ['@method', '@target-uri', ...(hasBody ? ['content-digest'] : [])];
  const paramsString = serializeSignatureParams({
    components,
    created: input.nowSec,
    expires: input.nowSec + signatureLifetimeSec,
    nonce: input.nonce ?? randomBytes(16).toString('base64url'),
    keyid: input.keyid,
    alg: signatureAlgorithm,
  });
  const base = signatureBase({
    method: input.method.toUpperCase(),
    // The normalised form: what node:http sends and the service rebuilds.
    targetUri: new URL(input.url).href,
    headers: (name) => headers[name],
    components,
    paramsString,
  });
  if (!base.ok) throw new Error(base.message);
  const signature = sign('sha256', Buffer.from(base.value, 'utf8'), {
    key: input.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  headers['signature-input'] = `${signatureLabel}=${paramsString}`;
  headers['signature'] = `${signatureLabel}=:${signature.toString('base64')}:`;
  return headers;
}
