// The pure parts of the national load test: the typos a practitioner makes, how clients
// are shared out, and which addresses count as loopback.
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../bench/national/http-client.js';
import { loadMix } from '../../bench/national/load.js';
import { misspell, seededRandom, transposeDate, typedSearch } from '../../bench/national/typos.js';

describe('typos', () => {
  it('makes one slip in a name: never the first letter, never more than one letter more or less', () => {
    const random = seededRandom(7);
    let changed = 0;
    for (let i = 0; i < 500; i++) {
      const typed = misspell('Thompson', random);
      if (typed !== 'Thompson') changed++;
      expect(typed[0]).toBe('T');
      expect(Math.abs(typed.length - 'Thompson'.length)).toBeLessThanOrEqual(2);
    }
    expect(changed).toBeGreaterThan(450);
    expect(misspell('Li', random)).toBe('Li');
  });

  it('swaps day and month only when the result is a date', () => {
    expect(transposeDate('2015-03-07')).toBe('2015-07-03');
    expect(transposeDate('2015-03-25')).toBe('2015-03-25');
    expect(transposeDate('2015-04-04')).toBe('2015-04-04');
  });

  it('types a search as people do, the same for the same seed', () => {
    const child = { given: 'Olivia', family: 'Hutchinson', dob: '2012-05-09' };
    const a = Array.from(
      { length: 200 },
      (
        (r) => () =>
          typedSearch(child, r)
      )(seededRandom(3)),
    );
    const b = Array.from(
      { length: 200 },
      (
        (r) => () =>
          typedSearch(child, r)
      )(seededRandom(3)),
    );
    expect(a).toEqual(b);
    const misspelt = a.filter((s) => s.slips.includes('surname')).length;
    expect(misspelt).toBeGreaterThan(100);
    expect(misspelt).toBeLessThan(180);
    expect(a.some((s) => s.dob === '2012-09-05')).toBe(true);
    expect(a.some((s) => s.forename === undefined)).toBe(true);
    for (const s of a) if (!s.slips.includes('surname')) expect(s.surname).toBe('Hutchinson');
  });
});

describe('loadMix', () => {
  it('gives every kind of client from 3, mostly practitioners', () => {
    expect(loadMix(1)).toEqual({ practitioners: 1, teams: 0, suppliers: 0 });
    expect(loadMix(2)).toEqual({ practitioners: 1, teams: 1, suppliers: 0 });
    expect(loadMix(4)).toEqual({ practitioners: 2, teams: 1, suppliers: 1 });
    expect(loadMix(32)).toEqual({ practitioners: 27, teams: 3, suppliers: 2 });
    expect(loadMix(128)).toEqual({ practitioners: 109, teams: 13, suppliers: 6 });
  });
});

describe('isLoopbackAddress', () => {
  it('knows 127.0.0.0/8 and ::1, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['10.0.0.1', '128.0.0.1', '::', '::2', '0.0.0.0', 'localhost', '::ffff:10.0.0.1'])
      expect(isLoopbackAddress(a), a).toBe(false);
  });
});
