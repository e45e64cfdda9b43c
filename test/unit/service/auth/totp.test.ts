// TOTP (RFC 6238) against the RFC's own test vectors and against otplib, an
// independent implementation, as the security token would generate the codes.
import { randomBytes } from 'node:crypto';
import { createGuardrails, generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  checkTotp,
  newTotpSecret,
  totpCode,
  totpStep,
} from '../../../../service/auth/totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890".
const rfcSecret = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const rfcVectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

const otplibCode = (secret: string, epochSec: number, digits: 6 | 8 = 6) =>
  generate({
    secret,
    epoch: epochSec,
    digits,
    algorithm: 'sha1',
    period: 30,
    guardrails: createGuardrails({ MIN_SECRET_BYTES: 10 }),
  });

describe('base32', () => {
  it('encodes the RFC 4648 §10 vectors and decodes them back', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain))).toBe(encoded);
      expect(base32Decode(encoded).toString()).toBe(plain);
    }
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
  });
});

describe('totpCode', () => {
  it.each(rfcVectors)('matches RFC 6238 Appendix B at T=%i (last 6 of %s)', async (t, eightDigits) => {
    expect(totpCode(rfcSecret, t * 1000)).toBe(eightDigits.slice(-6));
    // otplib, independently, agrees with the RFC's 8-digit value too.
    expect(await otplibCode(rfcSecret, t, 8)).toBe(eightDigits);
  });

  it('matches otplib for random secrets and moments', async () => {
    for (let i = 0; i < 25; i++) {
      const secret = newTotpSecret(randomBytes);
      const atSec = 1_600_000_000 + i * 7_919;
      expect(totpCode(secret, atSec * 1000)).toBe(await otplibCode(secret, atSec));
    }
  });
});

describe('checkTotp', () => {
  const secret = newTotpSecret(randomBytes);
  const now = Date.UTC(2026, 2, 2, 10, 0, 15);
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => otplibCode(secret, Math.floor(now / 1000) + offsetSteps * 30);

  it('accepts the current code, and one step of drift either way', async () => {
    expect(checkTotp(secret, await codeAt(0), now, null)).toEqual({ ok: true, step });
    expect(checkTotp(secret, await codeAt(-1), now, null)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotp(secret, await codeAt(1), now, null)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses two steps of drift either way', async () => {
    const codes = new Set([await codeAt(-1), await codeAt(0), await codeAt(1)]);
    for (const offset of [-2, 2]) {
      const code = await codeAt(offset);
      // (A collision with a neighbouring step's code would make this meaningless.)
      if (!codes.has(code)) expect(checkTotp(secret, code, now, null)).toEqual({ ok: false });
    }
  });

  it('accepts a code once only: its step and earlier ones are then refused', async () => {
    const code = await codeAt(0);
    const first = checkTotp(secret, code, now, null);
    expect(first.ok).toBe(true);
    const used = first.ok ? first.step : -1;
    expect(checkTotp(secret, code, now, used)).toEqual({ ok: false });
    expect(checkTotp(secret, await codeAt(-1), now, used)).toEqual({ ok: false });
    // The next step's code is still good.
    expect(checkTotp(secret, await codeAt(1), now, used)).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes of the wrong shape, and a wrong secret', async () => {
    const code = await codeAt(0);
    for (const bad of ['', '12345', '1234567', 'abcdef', ` ${code}`, `${code.slice(0, 5)}x`]) {
      expect(checkTotp(secret, bad, now, null)).toEqual({ ok: false });
    }
    expect(checkTotp(newTotpSecret(randomBytes), code, now, null).ok).toBe(false);
    expect(checkTotp('not base32!', code, now, null)).toEqual({ ok: false });
  });
});

describe('newTotpSecret', () => {
  it('is the base32 of 20 bytes from the given randomness', () => {
    const secret = newTotpSecret((n) => Buffer.alloc(n, 0xff));
    expect(secret).toBe('7'.repeat(32));
    expect(base32Decode(secret)).toHaveLength(20);
  });
});
