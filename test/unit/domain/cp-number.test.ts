import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpNumberFromSerial, isValidCpNumber, luhnCheckDigit } from '../../../domain/cp-number.js';

const serial = fc.integer({ min: 0, max: 99_999_999 });

describe('luhnCheckDigit', () => {
  it('matches published Luhn examples', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3);
    // 8->16->7, 7, 6->12->3, 5, 4->8, 3, 2->4, 1: 38, so 2
    expect(luhnCheckDigit('12345678')).toBe(2);
    expect(luhnCheckDigit('00000000')).toBe(0);
  });

  it('refuses anything but digits', () => {
    expect(() => luhnCheckDigit('')).toThrow(RangeError);
    expect(() => luhnCheckDigit('1234A678')).toThrow(RangeError);
  });
});

describe('isValidCpNumber', () => {
  it.each(['CP123456782', 'CP000000000', 'CP999999998'])('accepts %s', (n) => {
    expect(isValidCpNumber(n)).toBe(true);
  });

  it.each([
    ['wrong check digit', 'CP123456783'],
    ['lower case prefix', 'cp123456782'],
    ['no prefix', '123456782'],
    ['other prefix', 'CX123456782'],
    ['seven-digit serial', 'CP12345672'],
    ['nine-digit serial', 'CP1234567820'],
    ['a letter', 'CP12345678X'],
    ['spaces', 'CP 12345678 2'],
    ['empty', ''],
  ])('refuses %s: %s', (_why, n) => {
    expect(isValidCpNumber(n)).toBe(false);
  });

  it('catches every single-digit error', () => {
    fc.assert(
      fc.property(serial, fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 9 }), (s, position, delta) => {
        const n = cpNumberFromSerial(s);
        const changed = (Number(n[position]) + delta) % 10;
        return !isValidCpNumber(`${n.slice(0, position)}${changed}${n.slice(position + 1)}`);
      }),
    );
  });

  it('catches every adjacent transposition except 09 <-> 90', () => {
    fc.assert(
      fc.property(serial, fc.integer({ min: 2, max: 9 }), (s, position) => {
        const n = cpNumberFromSerial(s);
        const [a, b] = [n[position], n[position + 1]];
        fc.pre(a !== b);
        const swapped = `${n.slice(0, position)}${b}${a}${n.slice(position + 2)}`;
        const isZeroNine = `${a}${b}` === '09' || `${a}${b}` === '90';
        return isValidCpNumber(swapped) === isZeroNine;
      }),
    );
  });

  it('misses the 09 <-> 90 transposition: the known blind spot of Luhn', () => {
    expect(cpNumberFromSerial(9)).toBe('CP000000091');
    expect(isValidCpNumber('CP000000901')).toBe(true);
  });
});

describe('cpNumberFromSerial', () => {
  it('zero-pads the serial and appends the check digit', () => {
    expect(cpNumberFromSerial(12_345_678)).toBe('CP123456782');
    expect(cpNumberFromSerial(0)).toBe('CP000000000');
    expect(cpNumberFromSerial(99_999_999)).toBe('CP999999998');
  });

  it('refuses serials outside 0..99,999,999 and fractions', () => {
    expect(() => cpNumberFromSerial(-1)).toThrow(RangeError);
    expect(() => cpNumberFromSerial(100_000_000)).toThrow(RangeError);
    expect(() => cpNumberFromSerial(1.5)).toThrow(RangeError);
    expect(() => cpNumberFromSerial(Number.NaN)).toThrow(RangeError);
  });

  it('always gives a valid number that carries the serial', () => {
    fc.assert(
      fc.property(serial, (s) => {
        const n = cpNumberFromSerial(s);
        return isValidCpNumber(n) && Number(n.slice(2, 10)) === s;
      }),
    );
  });
});
