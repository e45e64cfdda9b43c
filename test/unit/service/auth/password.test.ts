// Password hashes: scrypt with a salt, verified in constant time, robust to bad input.
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, hashPassword, verifyPassword } from '../../../../service/auth/password.js';

describe('hashPassword / verifyPassword', () => {
  it('verifies the right password and refuses others', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(stored).not.toContain('correct');
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('salts each hash: the same password hashes differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword(b, 'same')).toBe(true);
  });

  it('treats differently-composed Unicode the same (NFC)', async () => {
    const stored = await hashPassword('Zo\u00eb');
    expect(await verifyPassword(stored, 'Zoe\u0308')).toBe(true);
  });

  it('returns false for malformed or hostile stored values', async () => {
    const stored = await hashPassword('pw');
    const [, , , , salt, hash] = stored.split('$');
    for (const bad of [
      '',
      'pw',
      'bcrypt$16384$8$1$abc$def',
      `scrypt$16384$8$1$${salt}`,
      `scrypt$1000$8$1$${salt}$${hash}`, // N not a power of two
      `scrypt$${2 ** 24}$8$1$${salt}$${hash}`, // N far too costly
      `scrypt$16384$999$1$${salt}$${hash}`,
      `scrypt$16384$8$1$$${hash}`,
      `scrypt$16384$8$1$${salt}$AAAA`,
      `scrypt$16384$8$1$${salt}$${hash}x$`,
    ]) {
      expect(await verifyPassword(bad, 'pw')).toBe(false);
    }
  });
});

describe('constantTimeEqual', () => {
  it('compares strings of any length', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});
