// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30 s
// steps, as the security tokens issued to users produce. One step of drift either way
// is accepted; a step once used is never accepted again for that user.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const totpStepMs = 30_000;
export const totpDigits = 6;
const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += base32Alphabet[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet[(acc << (5 - bits)) & 31];
  return out;
}

/** RFC 4648 base32; case, spaces and "=" padding are forgiven (secrets are typed by people). */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const char of clean) {
    const value = base32Alphabet.indexOf(char);
    if (value < 0) throw new Error('The TOTP secret is not valid base32.');
    acc = (acc << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** totpDigits).padStart(totpDigits, '0');
}

export const totpStep = (atMs: number) => Math.floor(atMs / totpStepMs);

/** The code a token shows at a moment. */
export function totpCode(secretBase32: string, atMs: number): string {
  return hotp(base32Decode(secretBase32), totpStep(atMs));
}

/**
 * Check a code against the steps around now. `lastUsedStep` is the step last accepted
 * for this user: that step and earlier ones are refused, so a code works once. On
 * success, store the returned step as the new lastUsedStep.
 */
export function checkTotp(
  secretBase32: string,
  code: string,
  nowMs: number,
  lastUsedStep: number | null,
): { ok: true; step: number } | { ok: false } {
  if (!/^\d{6}$/.test(code)) return { ok: false };
  let key: Buffer;
  try {
    key = base32Decode(secretBase32);
  } catch {
    return { ok: false };
  }
  const given = Buffer.from(code);
  const now = totpStep(nowMs);
  let matched: number | null = null;
  // Every candidate is computed and compared, so timing does not tell which step matched.
  for (const step of [now - 1, now, now + 1]) {
    const equal = timingSafeEqual(given, Buffer.from(hotp(key, step)));
    if (equal && (lastUsedStep === null || step > lastUsedStep)) matched = step;
  }
  return matched === null ? { ok: false } : { ok: true, step: matched };
}

/** A new secret for a security token: 20 random bytes (160 bits, RFC 4226 §4), base32. */
export function newTotpSecret(randomBytes: (size: number) => Buffer): string {
  return base32Encode(randomBytes(20));
}
