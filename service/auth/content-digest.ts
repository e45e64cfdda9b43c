// Content-Digest (RFC 9530): the body's SHA-256, which the request signature covers,
// so the signature binds the body too. sha-256 is required; a sha-512 alongside is
// checked as well; other (weaker or unknown) algorithms are ignored.
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from '../../domain/http-signature.js';
import { SignatureError } from './signature-error.js';

const maxContentDigestBytes = 1024;
const checkedAlgorithms = { 'sha-256': 'sha256', 'sha-512': 'sha512' } as const;

/** The Content-Digest field value for a body: `sha-256=:<base64>:`. */
export function contentDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** Throws SignatureError unless the Content-Digest header matches the body. */
export function checkContentDigest(headerValue: string | undefined, body: Buffer): void {
  if (headerValue === undefined || headerValue.trim() === '') {
    throw new SignatureError(
      'digest-missing',
      'The request needs a Content-Digest header (RFC 9530) with the sha-256 of its body.',
    );
  }
  if (Buffer.byteLength(headerValue) > maxContentDigestBytes) {
    throw new SignatureError(
      'signature-malformed',
      `The Content-Digest header is longer than ${maxContentDigestBytes} bytes.`,
    );
  }
  const dict = parseDictionary(headerValue, 'Content-Digest');
  if (!dict.ok) throw new SignatureError('signature-malformed', dict.message);
  if (!dict.value.has('sha-256')) {
    throw new SignatureError(
      'digest-missing',
      'The Content-Digest header must include sha-256 (for example sha-256=:…:).',
    );
  }
  for (const [name, algorithm] of Object.entries(checkedAlgorithms)) {
    const member = dict.value.get(name);
    if (member === undefined) continue;
    if (member.kind !== 'item' || member.value.type !== 'bytes') {
      throw new SignatureError(
        'signature-malformed',
        `The Content-Digest ${name} must be a byte sequence such as :base64:.`,
      );
    }
    const expected = createHash(algorithm).update(body).digest();
    const given = Buffer.from(member.value.value);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError('digest-mismatch', `The request body does not match its Content-Digest (${name}).`);
    }
  }
}
