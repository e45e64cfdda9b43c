// Password hashes: scrypt (memory-hard), a random salt per hash, and the parameters in
// the stored string so they can be raised later without breaking old hashes.
//   scrypt$N$r$p$<salt base64url>$<hash base64url>
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^14, r = 8: about 40 ms per hash on the reference machine, 16 MiB of memory.
const defaultN = 16_384;
const defaultR = 8;
const defaultP = 1;
const saltBytes = 16;
const hashBytes = 32;

function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const maxmemFor = (N: number, r: number) => 128 * N * r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltBytes);
  const hash = await scryptAsync(password, salt, hashBytes, {
    N: defaultN,
    r: defaultR,
    p: defaultP,
    maxmem: maxmemFor(defaultN, defaultR),
  });
  return ['scrypt', defaultN, defaultR, defaultP, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `password` matches a stored hash; false (never an exception) for a malformed one. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map((v) => (/^\d{1,7}$/.test(v!) ? Number(v) : NaN)) as [number, number, number];
  // Bounds keep a corrupted or hostile stored value from costing unbounded time or memory.
  if (!(N >= 2 && N <= 1 << 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  try {
    const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: maxmemFor(N, r) });
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** Compare two strings in time that depends on neither's content nor length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db) && a === b;
}
