// Content-Digest (RFC 9530) against published values and the refusals a client sees.
import { describe, expect, it } from 'vitest';
import { checkContentDigest, contentDigest } from '../../../../service/auth/content-digest.js';
import { SignatureError } from '../../../../service/auth/request-signature.js';

const hello = Buffer.from('{"hello": "world"}');
// RFC 9530 §2 (sha-256) and RFC 9421 Appendix B's test-request (sha-512), for the same body.
const helloSha256 = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const helloSha512 =
  'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';

const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof SignatureError) return `${e.status} ${e.code}`;
    throw e;
  }
};

describe('contentDigest', () => {
  it('is the RFC 9530 value', () => {
    expect(contentDigest(hello)).toBe(helloSha256);
  });
});

describe('checkContentDigest', () => {
  it('accepts a matching sha-256, alone or with a matching sha-512 and unknown algorithms', () => {
    expect(codeOf(() => checkContentDigest(helloSha256, hello))).toBeNull();
    expect(codeOf(() => checkContentDigest(`${helloSha512}, ${helloSha256}, unixsum=:AAAA:`, hello))).toBeNull();
  });

  it('refuses a missing header or one without sha-256 (digest-missing)', () => {
    expect(codeOf(() => checkContentDigest(undefined, hello))).toBe('401 digest-missing');
    expect(codeOf(() => checkContentDigest(helloSha512, hello))).toBe('401 digest-missing');
  });

  it('refuses a digest of another body, by either algorithm (400 digest-mismatch)', () => {
    const other = Buffer.from('{"hello": "world!"}');
    expect(codeOf(() => checkContentDigest(helloSha256, other))).toBe('400 digest-mismatch');
    expect(codeOf(() => checkContentDigest(`${contentDigest(other)}, ${helloSha512}`, other))).toBe(
      '400 digest-mismatch',
    );
    expect(codeOf(() => checkContentDigest('sha-256=:AAAA:', hello))).toBe('400 digest-mismatch');
  });

  it.each([
    'sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
    'sha-256="abc"',
    'sha-256=:X48E9q',
    'SHA-256=:AAAA:',
    `sha-256=:${'A'.repeat(2000)}:`,
  ])('refuses the malformed %j (signature-malformed)', (value) => {
    expect(codeOf(() => checkContentDigest(value, hello))).toBe('401 signature-malformed');
  });
});
