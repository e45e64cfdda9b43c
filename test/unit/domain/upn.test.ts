import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isTemporaryUpn, isValidUpn, upnCheckLetter } from '../../../domain/upn.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRTUVWXYZ';
const letter = fc.constantFrom(...ALPHABET.split(''));
const digitChar = fc.constantFrom(...'0123456789'.split(''));
const elevenDigits = fc.array(digitChar, { minLength: 11, maxLength: 11 }).map((ds) => ds.join(''));
const last12 = fc.tuple(elevenDigits, fc.oneof(digitChar, letter)).map(([d, last]) => `${d}${last}`);
const validUpn = last12.map((rest) => `${upnCheckLetter(rest)}${rest}`);

// A final digit d and the d-th letter of the alphabet weigh the same (see upn.ts),
// so that one swap, either way round (digit to letter or letter to digit), cannot be
// detected by the check letter.
const weight = (c: string) => (c >= '0' && c <= '9' ? Number(c) : ALPHABET.indexOf(c));

describe('upnCheckLetter', () => {
  it('computes the check letter', () => {
    // 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1 -> B
    expect(upnCheckLetter('801200005001')).toBe('B');
    // 2*2 + 7*4 + 1*9 + 6*10 + 4*12 + 9*13 = 266; 266 mod 23 = 13 -> P
    expect(upnCheckLetter('207000016049')).toBe('P');
  });

  it('counts a temporary UPN final letter by its index in the alphabet without I, O, S', () => {
    expect(upnCheckLetter('80120000500A')).toBe(upnCheckLetter('801200005000'));
    // 'B' weighs 1, like the digit 1
    expect(upnCheckLetter('80120000500B')).toBe('B');
    expect(upnCheckLetter('82312345671Z')).toBe('K');
  });

  it.each(['80120000500', '8012000050011', '8012000050O1', '80120000500I', '80120000500S', '80120000500a'])(
    'refuses %s',
    (s) => {
      expect(upnCheckLetter(s)).toBeNull();
    },
  );
});

describe('isValidUpn', () => {
  it.each(['B801200005001', 'P207000016049', 'M80120000500A', 'K82312345671Z'])('accepts %s', (u) => {
    expect(isValidUpn(u)).toBe(true);
  });

  it.each([
    ['wrong check letter', 'A801200005001'],
    ['wrong check letter (the census help example)', 'Q207000016049'],
    ['lower case', 'b801200005001'],
    ['a letter in the middle', 'X80120000A001'],
    ['twelve characters', 'B80120000500'],
    ['fourteen characters', 'B8012000050011'],
    ['check letter I', 'I801200005001'],
    ['final letter O', 'M80120000500O'],
    ['spaces', 'B801 2000 05001'],
    ['empty', ''],
  ])('refuses %s: %s', (_why, u) => {
    expect(isValidUpn(u)).toBe(false);
  });

  it('accepts every UPN built with upnCheckLetter', () => {
    fc.assert(fc.property(validUpn, (u) => isValidUpn(u)));
  });

  it('refuses a valid UPN with any single character changed (bar the equal-weight final swap)', () => {
    const anyChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcz0123456789 -'.split(''));
    fc.assert(
      fc.property(validUpn, fc.nat({ max: 12 }), anyChar, (u, position, c) => {
        const original = u.charAt(position);
        fc.pre(c !== original);
        const finalCharacter = ALPHABET.includes(c) || /^\d$/.test(c);
        fc.pre(!(position === 12 && finalCharacter && weight(c) === weight(original)));
        return !isValidUpn(`${u.slice(0, position)}${c}${u.slice(position + 1)}`);
      }),
    );
  });

  it('cannot tell a final digit from the letter of equal weight: a documented limit of the algorithm', () => {
    expect(isValidUpn('B801200005001')).toBe(true);
    expect(isValidUpn('B80120000500B')).toBe(true);
    // and the other way round: a temporary UPN's final A reads as a final 0
    expect(isValidUpn('A00000000000A')).toBe(true);
    expect(isValidUpn('A000000000000')).toBe(true);
  });

  it('catches a final letter changed to a digit of a different weight', () => {
    // A final A changed to 1 (weight 0 to 1) must be caught
    expect(isValidUpn('A000000000001')).toBe(false);
  });
});

describe('isTemporaryUpn', () => {
  it('is true only for a valid UPN ending in a letter', () => {
    expect(isTemporaryUpn('M80120000500A')).toBe(true);
    expect(isTemporaryUpn('B801200005001')).toBe(false);
    expect(isTemporaryUpn('A80120000500A')).toBe(false);
  });

  it('agrees with the final character for every valid UPN', () => {
    fc.assert(fc.property(validUpn, (u) => isTemporaryUpn(u) === /[A-Z]$/.test(u)));
  });
});
