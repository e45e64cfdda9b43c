// Verifying a signed request (national-api.md "Request signatures"): RFC 9421 with the
// label "cp", alg ecdsa-p256-sha256, keyid = the session id, covering "@method",
// "@target-uri" and, with a body, "content-digest" (RFC 9530). The cheap checks come
// first; the nonce is remembered only once the signature is known to be good, so a
// forged request cannot burn a genuine client's nonce.
import { createVerify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parseSignature, parseSignatureInput, signatureBase } from '../../domain/http-signature.js';
import type { PublicJwk } from '../../domain/jwk.js';
import { checkContentDigest } from './content-digest.js';
import { publicKeyFromJwk } from './jwk-thumbprint.js';
import type { NonceCache } from './nonce-cache.js';
import { SignatureError } from './signature-error.js';

export { SignatureError, type SignatureErrorCode } from './signature-error.js';

export const signatureLabel = 'cp';
export const signatureAlgorithm = 'ecdsa-p256-sha256';
/** Longest allowed lifetime of a signature: `expires - created`, in seconds. */
export const maxSignatureLifetimeSec = 300;
/** How far `created` may be ahead of the service's clock, in seconds. */
export const allowedClockSkewSec = 30;
const maxSignatureInputBytes = 4096;
const maxSignatureBytes = 4096;
const maxNonceLength = 128;
const minNonceLength = 8;
const maxKeyidLength = 256;

export interface SignedRequest {
  method: string;
  /** The full URI the client addressed, e.g. https://index.example/v1/children?surname=Smith */
  targetUri: string;
  headers: IncomingHttpHeaders;
  body: Buffer | null;
}

export interface VerifyOptions {
  now: Date;
  /** The session key for a keyid (session id), or null when there is no such session. */
  resolveKey(keyid: string): Promise<PublicJwk | null>;
  nonces: NonceCache;
}

export interface VerifiedSignature {
  keyid: string;
  created: number;
  expires: number;
  nonce: string;
}

/** A header's value as one string: repeated fields joined as RFC 9110 §5.3 combines them. */
function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** ECDSA P-256 / SHA-256 over `data`, with the signature as raw r‖s (64 bytes). */
export function verifyEcdsaP256(key: KeyObject, data: string | Buffer, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return createVerify('sha256').update(data).verify({ key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

const malformed = (message: string) => new SignatureError('signature-malformed', message);

export async function verifyRequestSignature(req: SignedRequest, options: VerifyOptions): Promise<VerifiedSignature> {
  const inputHeader = headerValue(req.headers, 'signature-input');
  const signatureHeader = headerValue(req.headers, 'signature');
  if (inputHeader === undefined || signatureHeader === undefined) {
    throw new SignatureError(
      'signature-missing',
      'The request is not signed: it needs Signature-Input and Signature headers (RFC 9421) with the label "cp".',
    );
  }
  if (Buffer.byteLength(inputHeader) > maxSignatureInputBytes)
    throw malformed(`The Signature-Input header is longer than ${maxSignatureInputBytes} bytes.`);
  if (Buffer.byteLength(signatureHeader) > maxSignatureBytes)
    throw malformed(`The Signature header is longer than ${maxSignatureBytes} bytes.`);

  const inputs = parseSignatureInput(inputHeader);
  if (!inputs.ok) throw malformed(inputs.message);
  const signatures = parseSignature(signatureHeader);
  if (!signatures.ok) throw malformed(signatures.message);
  const input = inputs.value.get(signatureLabel);
  const signature = signatures.value.get(signatureLabel);
  if (!input || !signature) {
    throw new SignatureError(
      'signature-missing',
      'The request carries no signature labelled "cp" in both Signature-Input and Signature.',
    );
  }
  if (signature.length !== 64) throw malformed('The "cp" signature must be 64 bytes: ECDSA P-256 r‖s.');

  const missing = (['created', 'expires', 'nonce', 'keyid', 'alg'] as const).filter(
    (p) => input.params[p] === undefined,
  );
  if (missing.length > 0)
    throw malformed(`The "cp" signature lacks the parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`);
  const { created, expires, nonce, keyid, alg } = input.params as Required<typeof input.params>;
  if (alg !== signatureAlgorithm) throw malformed(`The "cp" signature must use alg "${signatureAlgorithm}".`);
  if (keyid.length === 0 || keyid.length > maxKeyidLength) throw malformed('The keyid must be the session id.');
  if (nonce.length < minNonceLength || nonce.length > maxNonceLength) {
    throw malformed(`The nonce must be ${minNonceLength} to ${maxNonceLength} characters, unique to each request.`);
  }

  const covered = new Set(input.components);
  const hasBody = req.body !== null && req.body.length > 0;
  const required = ['@method', '@target-uri', ...(hasBody ? ['content-digest'] : [])];
  const digestHeader = headerValue(req.headers, 'content-digest');
  if (hasBody && digestHeader === undefined) {
    throw new SignatureError(
      'digest-missing',
      'A request with a body needs a Content-Digest header (RFC 9530) with its sha-256.',
    );
  }
  const uncovered = required.filter((c) => !covered.has(c));
  if (uncovered.length > 0)
    throw malformed(`The "cp" signature must cover ${uncovered.map((c) => `"${c}"`).join(' and ')}.`);

  const nowSec = options.now.getTime() / 1000;
  if (expires <= created || expires - created > maxSignatureLifetimeSec) {
    throw new SignatureError(
      'signature-window',
      `The signature's expires must be after created, by at most ${maxSignatureLifetimeSec} seconds.`,
    );
  }
  if (created > nowSec + allowedClockSkewSec) {
    throw new SignatureError(
      'signature-future',
      `The signature was created more than ${allowedClockSkewSec} seconds in the future: check the clock.`,
    );
  }
  if (expires <= nowSec)
    throw new SignatureError('signature-expired', 'The signature has expired: sign the request again.');

  const base = signatureBase({
    method: req.method,
    targetUri: req.targetUri,
    headers: (name) => headerValue(req.headers, name),
    components: input.components,
    paramsString: input.paramsString,
  });
  if (!base.ok) throw malformed(base.message);

  // The digest binds the body; the signature (below) binds the digest.
  if (digestHeader !== undefined) checkContentDigest(digestHeader, req.body ?? Buffer.alloc(0));

  const jwk = await options.resolveKey(keyid);
  if (!jwk)
    throw new SignatureError('signature-unknown-key', 'The request is signed for a session the service does not know.');
  const key = publicKeyFromJwk(jwk);

  if (!verifyEcdsaP256(key, base.value, signature)) {
    throw new SignatureError(
      'signature-invalid',
      'The request signature does not verify: the request differs from what was signed, or the wrong key signed it.',
    );
  }

  if (!(await options.nonces.remember(keyid, nonce, new Date(expires * 1000)))) {
    throw new SignatureError('signature-replayed', 'This request was seen before: every request needs a new nonce.');
  }
  return { keyid, created, expires, nonce };
}
