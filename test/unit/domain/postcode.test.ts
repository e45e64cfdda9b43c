import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inwardCode, isValidPostcode, normalisePostcode, outwardCode } from '../../../domain/postcode.js';

const chars = (s: string) => fc.constantFrom(...s.split(''));
const first = chars('ABCDEFGHIJKLMNOPRSTUWYZ'); // never Q V X
const second = chars('ABCDEFGHKLMNOPQRSTUVWXY'); // never I J Z
const anyLetter = chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
const digit = chars('0123456789');
const inwardLetter = chars('ABDEFGHJLNPQRSTUWXYZ'); // never C I K M O V

const outward = fc.oneof(
  fc.tuple(first, digit).map((p) => p.join('')), // A9
  fc.tuple(first, digit, digit).map((p) => p.join('')), // A99
  fc.tuple(first, second, digit).map((p) => p.join('')), // AA9
  fc.tuple(first, second, digit, digit).map((p) => p.join('')), // AA99
  fc.tuple(first, digit, anyLetter).map((p) => p.join('')), // A9A
  fc.tuple(first, second, digit, anyLetter).map((p) => p.join('')), // AA9A
);
const inward = fc.tuple(digit, inwardLetter, inwardLetter).map((p) => p.join(''));
const validPostcode = fc.oneof(
  { weight: 20, arbitrary: fc.tuple(outward, inward).map(([o, i]) => `${o} ${i}`) },
  { weight: 1, arbitrary: fc.constant('GIR 0AA') },
);

// Re-space and re-case a canonical postcode the way people and suppliers write it.
const scruffy = (canonical: string) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: canonical.length, maxLength: canonical.length }),
      fc.array(fc.constantFrom('', '', ' ', '  ', '\t'), {
        minLength: canonical.length + 1,
        maxLength: canonical.length + 1,
      }),
    )
    .map(([lower, gaps]) =>
      canonical
        .replace(' ', '')
        .split('')
        .map((c, i) => `${gaps[i]}${lower[i] ? c.toLowerCase() : c}`)
        .join('')
        .concat(gaps[canonical.length] ?? ''),
    );

describe('isValidPostcode', () => {
  it.each([
    ['A9', 'M1 1AE'],
    ['A99', 'M60 1NW'],
    ['AA9', 'CR2 6XH'],
    ['AA99', 'DN55 1PT'],
    ['A9A', 'W1A 1HQ'],
    ['AA9A', 'EC1A 1BB'],
    ['AA9A', 'SW1A 2AA'],
    ['AA99', 'CH41 1AA'],
    ['A9A, third letter unrestricted', 'N1P 1AA'],
    ['Girobank', 'GIR 0AA'],
  ])('accepts %s: %s', (_shape, p) => {
    expect(isValidPostcode(p)).toBe(true);
  });

  it.each([
    ['lower case', 'sw1a 1aa'],
    ['mixed case', 'Sw1A 1AA'],
    ['no space', 'SW1A1AA'],
    ['two spaces', 'SW1A  1AA'],
    ['surrounding whitespace', ' SW1A 1AA '],
    ['Q first', 'QA1 1AA'],
    ['V first', 'V1 1AA'],
    ['X first', 'XA1 1AA'],
    ['J second', 'AJ1 1AA'],
    ['Z second', 'AZ1 1AA'],
    ['C in the inward code', 'SW1A 1CA'],
    ['K in the inward code', 'SW1A 1AK'],
    ['O in the inward code', 'SW1A 1OA'],
    ['inward starting with a letter', 'SW1A AAA'],
    ['inward of two characters', 'SW1A 1A'],
    ['outward of one letter', 'S 1AA'],
    ['outward of three digits', 'S123 1AA'],
    ['outward of five characters', 'SW12A 1AA'],
    ['letters only', 'ABC DEF'],
    ['Girobank look-alike', 'GIR 0AB'],
    ['empty', ''],
  ])('refuses %s: %s', (_why, p) => {
    expect(isValidPostcode(p)).toBe(false);
  });

  it('accepts every postcode built from the six shapes', () => {
    fc.assert(fc.property(validPostcode, (p) => isValidPostcode(p)));
  });

  it('refuses any postcode with a forbidden letter in the inward code', () => {
    fc.assert(
      fc.property(outward, digit, chars('CIKMOV'), inwardLetter, fc.boolean(), (o, d, bad, good, badFirst) => {
        const unit = badFirst ? `${bad}${good}` : `${good}${bad}`;
        return !isValidPostcode(`${o} ${d}${unit}`);
      }),
    );
  });
});

describe('normalisePostcode', () => {
  it.each([
    ['sw1a 1aa', 'SW1A 1AA'],
    ['SW1A1AA', 'SW1A 1AA'],
    ['  m1   1ae ', 'M1 1AE'],
    ['e c 1 a 1 b b', 'EC1A 1BB'],
    ['gir0aa', 'GIR 0AA'],
    ['ch41\t1aa', 'CH41 1AA'],
  ])('reads %j as %s', (input, expected) => {
    expect(normalisePostcode(input)).toBe(expected);
  });

  it.each(['', '   ', '1AA', 'SW1A 1CA', 'QA1 1AA', 'SW1A-1AA', 'not a postcode'])('refuses %j', (input) => {
    expect(normalisePostcode(input)).toBeNull();
  });

  it('recovers the canonical form however a valid postcode is cased and spaced', () => {
    fc.assert(
      fc.property(
        validPostcode.chain((p) => fc.tuple(fc.constant(p), scruffy(p))),
        ([canonical, written]) => normalisePostcode(written) === canonical,
      ),
    );
  });

  it('is idempotent and its output validates, for any input', () => {
    const input = fc.oneof(fc.string(), validPostcode.chain(scruffy), fc.stringMatching(/^[A-Za-z0-9 ]{4,9}$/));
    fc.assert(
      fc.property(input, (s) => {
        const out = normalisePostcode(s);
        return out === null || (isValidPostcode(out) && normalisePostcode(out) === out);
      }),
    );
  });
});

describe('outwardCode and inwardCode', () => {
  it('split a canonical postcode at the space', () => {
    expect(outwardCode('SW1A 1AA')).toBe('SW1A');
    expect(inwardCode('SW1A 1AA')).toBe('1AA');
    expect(outwardCode('M1 1AE')).toBe('M1');
    expect(inwardCode('GIR 0AA')).toBe('0AA');
  });

  it('refuse a postcode that is not canonical rather than guess', () => {
    expect(() => outwardCode('sw1a 1aa')).toThrow(RangeError);
    expect(() => inwardCode('SW1A1AA')).toThrow(RangeError);
  });

  it('put back together, give the postcode', () => {
    fc.assert(
      fc.property(validPostcode, (p) => {
        expect(`${outwardCode(p)} ${inwardCode(p)}`).toBe(p);
        expect(inwardCode(p)).toHaveLength(3);
      }),
    );
  });
});
