// The public half of an EC P-256 key as a JWK (RFC 7517/7518): the session key a
// client binds at sign-in, and a smartcard's key. Only the public half ever crosses
// the wire, so a JWK carrying "d" (the private scalar) is refused outright.
import { z } from 'zod';

/** The base64url of a 32-byte coordinate: 43 characters, no padding, canonical last character. */
const coordinatePattern = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const coordinate = z
  .string()
  .regex(coordinatePattern, 'must be the base64url (no padding) of a 32-byte coordinate: 43 characters');

// NIST P-256 (FIPS 186-4 D.1.2.3): y² = x³ − 3x + b over the prime field p.
const p = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const b = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

const base64urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A 43-character base64url coordinate as a big-endian integer (pure, so it runs anywhere). */
function coordinateValue(text: string): bigint {
  let value = 0n;
  for (const char of text) value = (value << 6n) | BigInt(base64urlAlphabet.indexOf(char));
  // 43 × 6 = 258 bits, the last 2 of which are padding (zero for canonical input).
  return value >> 2n;
}

const mod = (a: bigint) => ((a % p) + p) % p;

/**
 * Whether (x, y) is a point of P-256. An off-curve "public key" is refused at the
 * boundary: verifying against one is at best useless and at worst an invalid-curve attack.
 */
export function isP256Point(xBase64url: string, yBase64url: string): boolean {
  if (!coordinatePattern.test(xBase64url) || !coordinatePattern.test(yBase64url)) return false;
  const x = coordinateValue(xBase64url);
  const y = coordinateValue(yBase64url);
  if (x >= p || y >= p) return false;
  return mod(y * y) === mod(x * x * x - 3n * x + b);
}

const privateKeyRefused =
  'must not be sent: "d" is the private key. Send only the public half (kty, crv, x, y); the private key never leaves the client.';

export const publicJwkSchema = z
  .object({
    kty: z.literal('EC', { error: 'must be "EC"' }),
    crv: z.literal('P-256', { error: 'must be "P-256"' }),
    x: coordinate,
    y: coordinate,
    // Members WebCrypto's exportKey('jwk') adds; harmless, and ignored by the thumbprint.
    kid: z.string().min(1).max(256).optional(),
    use: z.literal('sig', { error: 'must be "sig" for a signing key' }).optional(),
    alg: z.literal('ES256', { error: 'must be "ES256"' }).optional(),
    ext: z.boolean().optional(),
    key_ops: z
      .array(z.literal('verify', { error: 'must list only "verify" for a public key' }))
      .max(1)
      .optional(),
    d: z.never({ error: privateKeyRefused }).optional(),
  })
  .strict()
  .refine((jwk) => isP256Point(jwk.x, jwk.y), { error: 'is not a point on the P-256 curve', path: ['x'] });

export type PublicJwk = z.infer<typeof publicJwkSchema>;

/**
 * What an RFC 7638 thumbprint hashes: the JWK's required members as JSON with keys in
 * lexicographic order and no whitespace (for EC: crv, kty, x, y). SHA-256 of this,
 * base64url without padding, is the thumbprint (hashed by the caller: domain has no crypto).
 */
export function thumbprintInput(members: Readonly<Record<string, string>>): string {
  return `{${Object.keys(members)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(members[k])}`)
    .join(',')}}`;
}
