import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addYears,
  ageOn,
  compareIsoDates,
  dayNumber,
  daysBetween,
  isoFromDayNumber,
  isValidIsoDate,
  parseIsoDate,
  transposeDayMonth,
} from '../../../domain/dates.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

// An independent oracle: the JavaScript calendar, in UTC so the host zone cannot move a day.
const realByDateUtc = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};
const dayBefore = (s: string) => new Date(Date.parse(`${s}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

const validDate = fc
  .record({
    y: fc.integer({ min: 1900, max: 2199 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .filter(({ y, m, d }) => realByDateUtc(y, m, d))
  .map(({ y, m, d }) => iso(y, m, d));

describe('isValidIsoDate and parseIsoDate', () => {
  it.each(['2024-02-29', '2000-02-29', '2023-02-28', '2024-12-31', '1900-01-01', '2199-12-31', '2008-06-15'])(
    'accepts %s',
    (s) => {
      expect(isValidIsoDate(s)).toBe(true);
    },
  );

  it.each([
    ['not a leap year', '2023-02-29'],
    ['century not divisible by 400', '1900-02-29'],
    ['century not divisible by 400', '2100-02-29'],
    ['30 February', '2024-02-30'],
    ['31 April', '2024-04-31'],
    ['month 13', '2024-13-01'],
    ['month 0', '2024-00-10'],
    ['day 0', '2024-01-00'],
    ['single-digit month', '2024-1-01'],
    ['UK order', '15/06/2008'],
    ['before 1900', '1899-12-31'],
    ['after 2199', '2200-01-01'],
    ['with a time', '2024-01-01T00:00:00Z'],
    ['surrounding whitespace', ' 2024-01-01'],
    ['empty', ''],
  ])('refuses %s: %s', (_why, s) => {
    expect(isValidIsoDate(s)).toBe(false);
  });

  it('parses the parts', () => {
    expect(parseIsoDate('2008-02-29')).toEqual({ year: 2008, month: 2, day: 29 });
    expect(parseIsoDate('2023-02-29')).toBeNull();
  });

  it('agrees with the JavaScript calendar for every year, month and day in range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2199 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => isValidIsoDate(iso(y, m, d)) === (m >= 1 && m <= 12 && d >= 1 && realByDateUtc(y, m, d)),
      ),
    );
  });

  it('round-trips every valid date through its parts', () => {
    fc.assert(
      fc.property(validDate, (s) => {
        const p = parseIsoDate(s);
        return p !== null && iso(p.year, p.month, p.day) === s;
      }),
    );
  });
});

describe('ageOn', () => {
  it('counts whole years, turning over on the birthday', () => {
    expect(ageOn('2010-06-15', '2028-06-14')).toBe(17);
    expect(ageOn('2010-06-15', '2028-06-15')).toBe(18);
    expect(ageOn('2010-06-15', '2010-06-15')).toBe(0);
    expect(ageOn('2010-12-31', '2011-12-30')).toBe(0);
    expect(ageOn('2010-12-31', '2011-12-31')).toBe(1);
  });

  it('has a 29 February child turn a year older on 1 March in a common year', () => {
    expect(ageOn('2008-02-29', '2009-02-28')).toBe(0);
    expect(ageOn('2008-02-29', '2009-03-01')).toBe(1);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2008-02-29', '2012-02-28')).toBe(3);
    expect(ageOn('2008-02-29', '2012-02-29')).toBe(4);
  });

  it('refuses a date before birth and invalid dates', () => {
    expect(() => ageOn('2010-06-15', '2010-06-14')).toThrow(RangeError);
    expect(() => ageOn('2023-02-29', '2024-01-01')).toThrow(RangeError);
    expect(() => ageOn('2010-06-15', '2024-13-01')).toThrow(RangeError);
  });

  it('never decreases as the date moves on', () => {
    fc.assert(
      fc.property(validDate, validDate, validDate, (a, b, c) => {
        const [dob, on1, on2] = [a, b, c].sort();
        return ageOn(dob!, on1!) <= ageOn(dob!, on2!);
      }),
    );
  });
});

describe('addYears', () => {
  it('gives the anniversary', () => {
    expect(addYears('2010-06-15', 18)).toBe('2028-06-15');
    expect(addYears('2010-06-15', -10)).toBe('2000-06-15');
    expect(addYears('2010-06-15', 0)).toBe('2010-06-15');
  });

  it('moves 29 February to 1 March in a common year, as ageOn does', () => {
    expect(addYears('2008-02-29', 1)).toBe('2009-03-01');
    expect(addYears('2008-02-29', 18)).toBe('2026-03-01');
    expect(addYears('2008-02-29', 4)).toBe('2012-02-29');
    expect(addYears('2012-02-29', -1)).toBe('2011-03-01');
  });

  it('refuses fractions, invalid dates, and results outside 1900-2199', () => {
    expect(() => addYears('2010-06-15', 1.5)).toThrow(RangeError);
    expect(() => addYears('2023-02-29', 1)).toThrow(RangeError);
    expect(() => addYears('2190-01-01', 10)).toThrow(RangeError);
    expect(() => addYears('1905-01-01', -10)).toThrow(RangeError);
  });

  it('reaches age n exactly on addYears(dob, n), and not the day before', () => {
    fc.assert(
      fc.property(
        validDate.filter((d) => d < '2101'),
        fc.integer({ min: 1, max: 99 }),
        (dob, n) => {
          const birthday = addYears(dob, n);
          expect(ageOn(dob, birthday)).toBe(n);
          expect(ageOn(dob, dayBefore(birthday))).toBe(n - 1);
        },
      ),
    );
  });
});

describe('transposeDayMonth', () => {
  it('swaps day and month when that makes a different valid date', () => {
    expect(transposeDayMonth('2015-03-04')).toBe('2015-04-03');
    expect(transposeDayMonth('2023-01-12')).toBe('2023-12-01');
  });

  it.each([
    ['day and month equal', '2015-03-03'],
    ['day above 12', '2015-03-13'],
    ['29 February', '2024-02-29'],
    ['invalid input', '2023-02-30'],
    ['not a date', 'yesterday'],
  ])('returns null: %s (%s)', (_why, s) => {
    expect(transposeDayMonth(s)).toBeNull();
  });

  it('gives a different valid date, and applied twice gives back the original', () => {
    fc.assert(
      fc.property(validDate, (s) => {
        const t = transposeDayMonth(s);
        if (t === null) return true;
        return t !== s && isValidIsoDate(t) && transposeDayMonth(t) === s;
      }),
    );
  });

  it('finds a transposition for every date whose day is a different month number', () => {
    fc.assert(
      fc.property(validDate, (s) => {
        const p = parseIsoDate(s)!;
        const expected = p.day <= 12 && p.day !== p.month;
        return (transposeDayMonth(s) !== null) === expected;
      }),
    );
  });
});

describe('compareIsoDates', () => {
  it('orders dates', () => {
    expect(compareIsoDates('2010-06-15', '2010-06-16')).toBeLessThan(0);
    expect(compareIsoDates('2011-01-01', '2010-12-31')).toBeGreaterThan(0);
    expect(compareIsoDates('2010-06-15', '2010-06-15')).toBe(0);
  });

  it('refuses an invalid date rather than sort it quietly', () => {
    expect(() => compareIsoDates('2010-06-15', '15/06/2010')).toThrow(RangeError);
  });

  it('agrees with the order of the days they name', () => {
    fc.assert(
      fc.property(validDate, validDate, (a, b) => {
        const byTime = Math.sign(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`));
        return Math.sign(compareIsoDates(a, b)) === byTime && Math.sign(compareIsoDates(b, a)) === -byTime;
      }),
    );
  });
});

describe('day arithmetic', () => {
  it('agrees with known dates', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dayNumber('2000-03-01') - dayNumber('2000-02-28')).toBe(2); // 2000 is a leap year
    expect(dayNumber('1900-03-01') - dayNumber('1900-02-28')).toBe(1); // 1900 is not
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2026-11-24', '2026-12-25')).toBe(31);
    expect(() => dayNumber('2023-02-29')).toThrow(RangeError);
    expect(() => isoFromDayNumber(1.5)).toThrow(RangeError);
    expect(() => addDays('2199-12-31', 1)).toThrow(/outside 1900-2199/);
  });

  it('matches the UTC calendar for every day from 1900 to 2199', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber('1900-01-01'), max: dayNumber('2199-12-31') }), (day) => {
        const viaDate = new Date(day * 86_400_000).toISOString().slice(0, 10);
        expect(isoFromDayNumber(day)).toBe(viaDate);
        expect(dayNumber(viaDate)).toBe(day);
      }),
    );
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumber('1950-01-01'), max: dayNumber('2150-01-01') }),
        fc.integer({ min: -10_000, max: 10_000 }),
        (day, n) => {
          const from = isoFromDayNumber(day);
          expect(daysBetween(from, addDays(from, n))).toBe(n);
        },
      ),
    );
  });
});
