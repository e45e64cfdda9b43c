// The smartcard's proof at sign-in (national-api.md "Sessions"): its ECDSA P-256 /
// SHA-256 signature, raw r‖s, over `challenge + "." + thumbprint(sessionKey)`. Binding
// the session key's thumbprint means a captured card signature cannot vouch for
// anyone else's session key.
import type { PublicJwk } from '../../domain/jwk.js';
import { jwkThumbprint, publicKeyFromJwk } from './jwk-thumbprint.js';
import { verifyEcdsaP256 } from './request-signature.js';

/** base64url (no padding) of exactly 64 bytes. */
const rawSignaturePattern = /^[A-Za-z0-9_-]{85}[AQgw]$/;

/** Whether the card signed this challenge for this session key. Never throws. */
export function verifyCardSignature(args: {
  cardPublicJwk: PublicJwk;
  challenge: string;
  sessionKey: PublicJwk;
  cardSignature: string;
}): boolean {
  try {
    if (!rawSignaturePattern.test(args.cardSignature)) return false;
    const key = publicKeyFromJwk(args.cardPublicJwk);
    const signed = `${args.challenge}.${jwkThumbprint(args.sessionKey)}`;
    return verifyEcdsaP256(key, Buffer.from(signed, 'utf8'), Buffer.from(args.cardSignature, 'base64url'));
  } catch {
    return false;
  }
}
