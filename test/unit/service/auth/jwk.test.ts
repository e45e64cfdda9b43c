// Public JWKs: the wire schema, the RFC 7638 thumbprint, and the key Node verifies with.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isP256Point, publicJwkSchema } from '../../../../domain/jwk.js';
import {
  jwkThumbprint,
  publicKeyFromJwk,
  thumbprintOfRequiredMembers,
} from '../../../../service/auth/jwk-thumbprint.js';
import { SignatureError } from '../../../../service/auth/request-signature.js';

const freshJwk = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { publicJwk: publicKey.export({ format: 'jwk' }), privateJwk: privateKey.export({ format: 'jwk' }) };
};

const issuesOf = (value: unknown) => {
  const result = publicJwkSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('publicJwkSchema', () => {
  const { publicJwk, privateJwk } = freshJwk();
  const base = { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y };

  it('accepts a P-256 public key, with the members WebCrypto exports', () => {
    expect(issuesOf(base)).toEqual([]);
    expect(issuesOf({ ...base, ext: true, key_ops: ['verify'], kid: 'k1', use: 'sig', alg: 'ES256' })).toEqual([]);
  });

  it('refuses a private key, saying why', () => {
    const issues = issuesOf({ ...base, d: privateJwk.d });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^d: .*private key/);
  });

  it.each([
    ['another curve', { ...base, crv: 'P-384' }, /^crv: /],
    ['another key type', { ...base, kty: 'OKP' }, /^kty: /],
    ['a short coordinate', { ...base, x: base.x!.slice(1) }, /^x: .*43 characters/],
    ['a padded coordinate', { ...base, y: `${base.y}=` }, /^y: /],
    ['a non-canonical last character', { ...base, x: `${base.x!.slice(0, 42)}B` }, /^x: /],
    ['an unknown member', { ...base, n: 'AQAB' }, /n/],
    ['a point off the curve', { ...base, y: base.x }, /^x: .*not a point on the P-256 curve/],
    ['private-key operations', { ...base, key_ops: ['sign'] }, /^key_ops/],
  ])('refuses %s', (_what, value, message) => {
    const issues = issuesOf(value);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.join('\n')).toMatch(message);
  });

  it('agrees with OpenSSL about which points are on the curve', () => {
    for (let i = 0; i < 20; i++) {
      const { publicJwk: k } = freshJwk();
      expect(isP256Point(k.x!, k.y!)).toBe(true);
      // Flip a bit of y: (almost surely) off the curve; OpenSSL must agree.
      const y = Buffer.from(k.y!, 'base64url');
      y[31] = y[31]! ^ 1;
      const flipped = y.toString('base64url');
      let openssl = true;
      try {
        createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: k.x!, y: flipped }, format: 'jwk' });
      } catch {
        openssl = false;
      }
      expect(isP256Point(k.x!, flipped)).toBe(openssl);
      expect(openssl).toBe(false);
    }
  });
});

describe('RFC 7638 thumbprints', () => {
  it('gives the RFC 7638 §3.1 example its published thumbprint', () => {
    const n =
      '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
    // Members given out of order: the canonical form sorts them (e, kty, n).
    expect(thumbprintOfRequiredMembers({ kty: 'RSA', n, e: 'AQAB' })).toBe(
      'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    );
  });

  it('hashes exactly {"crv","kty","x","y"} for an EC key, ignoring optional members', async () => {
    const { publicJwk } = freshJwk();
    const jwk = { kty: 'EC' as const, crv: 'P-256' as const, x: publicJwk.x!, y: publicJwk.y! };
    const canonical = `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    const expected = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))).toString(
      'base64url',
    );
    expect(jwkThumbprint(jwk)).toBe(expected);
    expect(jwkThumbprint({ ...jwk, kid: 'x', ext: true, key_ops: ['verify'] })).toBe(expected);
    expect(jwkThumbprint({ ...jwk, y: freshJwk().publicJwk.y! })).not.toBe(expected);
  });
});

describe('publicKeyFromJwk', () => {
  it('gives the same key as the JWK', () => {
    const { publicJwk } = freshJwk();
    const key = publicKeyFromJwk({ kty: 'EC', crv: 'P-256', x: publicJwk.x!, y: publicJwk.y! });
    expect(key.export({ format: 'jwk' })).toMatchObject({ x: publicJwk.x, y: publicJwk.y });
  });

  it('refuses a point off the curve with key-invalid', () => {
    const { publicJwk } = freshJwk();
    let error: unknown;
    try {
      publicKeyFromJwk({ kty: 'EC', crv: 'P-256', x: publicJwk.x!, y: publicJwk.x! });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ code: 'key-invalid', status: 401 });
  });
});
