// The dates a live record cannot hold, judged against the day asked about: the oldest
// date of birth is worked out once per day, and must follow the day when it changes.
import { describe, expect, it } from 'vitest';
import { lifeDateProblems } from '../../../domain/lifecycle.js';

const tooOld = (dob: string, today: string) =>
  lifeDateProblems({ dob }, today).some((p) => /years ago/.test(p.message));

describe('lifeDateProblems', () => {
  it('refuses a birth 26 years before today or earlier, whichever day today is, in any order', () => {
    for (let k = 0; k < 2; k++) {
      expect(tooOld('2000-12-04', '2026-12-04')).toBe(true);
      expect(tooOld('2000-12-05', '2026-12-04')).toBe(false);
      expect(tooOld('2000-12-05', '2026-12-05')).toBe(true);
      expect(tooOld('2001-06-30', '2026-12-04')).toBe(false);
      expect(tooOld('2001-06-30', '2027-06-30')).toBe(true);
    }
  });

  it('refuses a birth or death in the future, and says nothing of a good record', () => {
    expect(lifeDateProblems({ dob: '2026-12-05' }, '2026-12-04')).toEqual([
      { path: 'dob', message: 'is in the future' },
    ]);
    expect(lifeDateProblems({ dob: '2015-03-04', dateOfDeath: '2027-01-01' }, '2026-12-04')).toEqual([
      { path: 'dateOfDeath', message: 'is in the future' },
    ]);
    expect(lifeDateProblems({ dob: '2015-03-04' }, '2026-12-04')).toEqual([]);
  });
});
