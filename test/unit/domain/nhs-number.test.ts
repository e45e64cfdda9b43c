import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isNhsTestRange, isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber } from '../../../domain/nhs-number.js';

const digit = fc.integer({ min: 0, max: 9 });
const nineDigits = fc.array(digit, { minLength: 9, maxLength: 9 }).map((ds) => ds.join(''));
const validNhsNumber = nineDigits
  .filter((nine) => nhsCheckDigit(nine) !== null)
  .map((nine) => `${nine}${nhsCheckDigit(nine)}`);

describe('nhsCheckDigit', () => {
  it('computes the modulus 11 check digit', () => {
    expect(nhsCheckDigit('943476591')).toBe(9);
    expect(nhsCheckDigit('401023213')).toBe(7);
    expect(nhsCheckDigit('999999990')).toBe(5);
  });

  it('maps a check of 11 to 0', () => {
    // sum 0, so 11 - 0 = 11
    expect(nhsCheckDigit('000000000')).toBe(0);
  });

  it('returns null when the check would be 10: no number is issued with these nine digits', () => {
    expect(nhsCheckDigit('123456789')).toBeNull();
    expect(nhsCheckDigit('943476503')).toBeNull();
    expect(nhsCheckDigit('999000000')).toBeNull();
  });

  it('returns null for anything but nine digits', () => {
    expect(nhsCheckDigit('94347659')).toBeNull();
    expect(nhsCheckDigit('9434765910')).toBeNull();
    expect(nhsCheckDigit('94347659A')).toBeNull();
  });
});

describe('isValidNhsNumber', () => {
  it.each(['9434765919', '4010232137', '9999999905', '0000000000'])('accepts %s', (n) => {
    expect(isValidNhsNumber(n)).toBe(true);
  });

  it.each([
    ['wrong check digit', '9434765918'],
    ['wrong check digit', '4010232136'],
    ['check digit would be 10 (ends 0)', '1234567890'],
    ['check digit would be 10 (ends 1)', '9434765031'],
    ['nine digits', '943476591'],
    ['eleven digits', '94347659190'],
    ['spaces (not canonical)', '943 476 5919'],
    ['hyphens (not canonical)', '943-476-5919'],
    ['a letter', '94347659I9'],
    ['surrounding whitespace', ' 9434765919'],
    ['empty', ''],
  ])('refuses %s: %s', (_why, n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });

  it('accepts any nine digits whose check is not 10 followed by their check digit', () => {
    fc.assert(fc.property(validNhsNumber, (n) => isValidNhsNumber(n)));
  });

  it('refuses every nine digits whose check would be 10, whatever the tenth digit', () => {
    fc.assert(
      fc.property(
        nineDigits.filter((nine) => nhsCheckDigit(nine) === null),
        digit,
        (nine, last) => !isValidNhsNumber(`${nine}${last}`),
      ),
    );
  });

  it('refuses a valid number with any single digit changed', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.nat({ max: 9 }), fc.integer({ min: 1, max: 9 }), (n, position, delta) => {
        const changed = (Number(n[position]) + delta) % 10;
        const mutated = `${n.slice(0, position)}${changed}${n.slice(position + 1)}`;
        return !isValidNhsNumber(mutated);
      }),
    );
  });
});

describe('normaliseNhsNumber', () => {
  it.each([
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    ['943-476-5919', '9434765919'],
    ['  943 476 5919 ', '9434765919'],
  ])('reads %j as %s', (input, expected) => {
    expect(normaliseNhsNumber(input)).toBe(expected);
  });

  it.each(['943 476 5918', '943-476 5919', '9434 76 5919', '943  476 5919', '943.476.5919', 'NHS 9434765919', ''])(
    'refuses %j',
    (input) => {
      expect(normaliseNhsNumber(input)).toBeNull();
    },
  );

  it('reads every valid number in any of its written forms, and its output validates', () => {
    fc.assert(
      fc.property(validNhsNumber, fc.constantFrom('', ' ', '-'), (n, sep) => {
        const written = sep === '' ? n : `${n.slice(0, 3)}${sep}${n.slice(3, 6)}${sep}${n.slice(6)}`;
        const out = normaliseNhsNumber(written);
        return out === n && isValidNhsNumber(out);
      }),
    );
  });

  it('returns null or a valid number for any input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = normaliseNhsNumber(s);
        return out === null || isValidNhsNumber(out);
      }),
    );
  });
});

describe('isNhsTestRange', () => {
  it.each(['9990000000', '9999999999', '9999999905'])('%s is a test number', (n) => {
    expect(isNhsTestRange(n)).toBe(true);
  });

  it.each(['9989999999', '9434765919', '0999000000', '999 000 0000', '999000000'])('%s is not', (n) => {
    expect(isNhsTestRange(n)).toBe(false);
  });
});
