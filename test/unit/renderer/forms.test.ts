// The journey's form rules, in Node: dates typed as day/month/year, and the search
// rule the service applies (checked before a search is sent).
import { describe, expect, it } from 'vitest';
import { formatDate } from '../../../renderer/src/format.js';
import {
  emptySearch,
  genderLabel,
  isoFromParts,
  partsFromIso,
  todayIso,
  validateSearch,
} from '../../../renderer/src/forms.js';

describe('dates', () => {
  it('turns real dates into YYYY-MM-DD and refuses impossible ones', () => {
    expect(isoFromParts({ day: '5', month: '1', year: '2026' })).toBe('2026-01-05');
    expect(isoFromParts({ day: '29', month: '2', year: '2024' })).toBe('2024-02-29');
    expect(isoFromParts({ day: '29', month: '2', year: '2025' })).toBeNull();
    expect(isoFromParts({ day: '31', month: '4', year: '2025' })).toBeNull();
    expect(isoFromParts({ day: 'x', month: '1', year: '2025' })).toBeNull();
    expect(isoFromParts({ day: '1', month: '1', year: '25' })).toBeNull();
  });

  it('shows dates the GOV.UK way and round-trips form parts', () => {
    expect(formatDate('2026-01-05')).toBe('5 January 2026');
    expect(formatDate('not a date')).toBe('not a date');
    expect(partsFromIso('2015-03-27')).toEqual({ day: '27', month: '3', year: '2015' });
    expect(todayIso(new Date(2026, 10, 24, 23, 59))).toBe('2026-11-24');
  });
});

describe('genderLabel', () => {
  it('words each gender the service sends, and shows anything new as it is', () => {
    expect(genderLabel('male')).toBe('Male');
    expect(genderLabel('female')).toBe('Female');
    expect(genderLabel('not-specified')).toBe('Not specified');
    expect(genderLabel('other')).toBe('other');
  });
});

describe('validateSearch', () => {
  it('needs a surname, an NHS number, a CP number, or a date of birth with a postcode', () => {
    expect(validateSearch(emptySearch).errors).toEqual([
      {
        field: 'surname',
        message: 'Enter a surname, an NHS number, a ContactPoint number, or a date of birth and postcode',
      },
    ]);
    expect(validateSearch({ ...emptySearch, forename: 'Amelia' }).errors).toHaveLength(1);
    expect(validateSearch({ ...emptySearch, postcode: 'CH41 1AA' }).errors).toHaveLength(1);
    expect(validateSearch({ ...emptySearch, surname: ' Smith ' })).toEqual({ errors: [], query: { surname: 'Smith' } });
    expect(validateSearch({ ...emptySearch, cpNumber: 'CP000000018' }).errors).toEqual([]);
    expect(
      validateSearch({ ...emptySearch, dob: { day: '27', month: '3', year: '2015' }, postcode: 'CH41 1AA' }),
    ).toEqual({
      errors: [],
      query: { dob: '2015-03-27', postcode: 'CH41 1AA' },
    });
  });

  it('names a date that is not real and an NHS number of the wrong length', () => {
    expect(
      validateSearch({ ...emptySearch, surname: 'Smith', dob: { day: '31', month: '2', year: '2015' } }).errors,
    ).toEqual([{ field: 'dob-day', message: 'Date of birth must be a real date' }]);
    expect(validateSearch({ ...emptySearch, nhsNumber: '123' }).errors).toEqual([
      { field: 'nhsNumber', message: 'NHS number must be 10 numbers' },
    ]);
  });
});
