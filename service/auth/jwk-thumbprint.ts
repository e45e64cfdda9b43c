// RFC 7638 JWK thumbprints, and turning a public JWK into a key Node can verify with.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isP256Point, thumbprintInput, type PublicJwk } from '../../domain/jwk.js';
import { SignatureError } from './signature-error.js';

/**
 * The RFC 7638 thumbprint of a JWK given its required members only (for EC: crv, kty,
 * x, y): SHA-256 over their JSON with keys in lexicographic order and no whitespace,
 * base64url without padding.
 */
export function thumbprintOfRequiredMembers(members: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(thumbprintInput(members), 'utf8').digest('base64url');
}

/** The RFC 7638 thumbprint of an EC P-256 public key (optional members such as kid are ignored). */
export function jwkThumbprint(jwk: PublicJwk): string {
  return thumbprintOfRequiredMembers({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
}

// Every signed request needs its session's key as a KeyObject; importing one costs as
// much as the ECDSA verify itself, so recent keys are kept (public keys: no secret).
const keyCache = new Map<string, KeyObject>();
const keyCacheSize = 10_000;

/** A Node public key for a P-256 JWK; SignatureError 'key-invalid' for anything that is not one. */
export function publicKeyFromJwk(jwk: PublicJwk): KeyObject {
  const cacheKey = `${jwk.kty}.${jwk.crv}.${jwk.x}.${jwk.y}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !isP256Point(jwk.x, jwk.y)) {
    throw new SignatureError('key-invalid', 'The session key is not a valid EC P-256 public key.');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
  } catch {
    throw new SignatureError('key-invalid', 'The session key is not a valid EC P-256 public key.');
  }
  if (keyCache.size >= keyCacheSize) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(cacheKey, key);
  return key;
}
