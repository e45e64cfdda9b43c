import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ChildRecord, SupplierRecord } from '../../../domain/child-record.js';
import {
  editDistance,
  jaroWinkler,
  matchDecision,
  matchScore,
  MATCH_THRESHOLD,
  REVIEW_THRESHOLD,
  scorePersons,
  soundAlike,
  type MatchPerson,
} from '../../../domain/matching.js';

function child(over: Partial<ChildRecord> = {}): ChildRecord {
  return {
    cpNumber: 'CP900000006',
    localAuthority: 'E08000015',
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    whereabouts: 'current',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    shielded: false,
    archiveAge: 18,
    parents: [],
    involvements: [],
    identifiers: { supplierRefs: [] },
    version: 1,
    ...over,
  };
}

function supply(over: Partial<SupplierRecord> = {}): SupplierRecord {
  return {
    supplier: 'dwp',
    supplierRef: 'DWP-1',
    receivedAt: '2025-01-10',
    name: { given: 'Oliver', family: 'Thompson', former: [] },
    gender: 'male',
    dob: '2015-03-04',
    address: { lines: ['12 Church Road', 'Birkenhead'], postcode: 'CH41 5AA' },
    ...over,
  };
}

describe('string comparators', () => {
  it('Jaro-Winkler gives the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.813, 3);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
    expect(jaroWinkler('same', 'same')).toBe(1);
  });

  it('edit distance counts a swap of neighbours as one slip', () => {
    expect(editDistance('smith', 'smyth')).toBe(1);
    expect(editDistance('oliver', 'olievr')).toBe(1);
    expect(editDistance('ella', 'ellie')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('sound-alike codes agree across a like-sounding initial', () => {
    expect(soundAlike('catherine')).toBe(soundAlike('katherine'));
    expect(soundAlike('caitlin')).toBe(soundAlike('kaitlyn'));
    expect(soundAlike('smith')).not.toBe(soundAlike('jones'));
  });

  it('scores are symmetric and inside 0..1', () => {
    const name = fc.stringMatching(/^[A-Za-z]{1,12}$/);
    const person = fc.record({
      given: name,
      family: name,
      formerFamilies: fc.constant([] as string[]),
      dob: fc.constantFrom('2015-03-04', '2015-04-03', '2016-03-04', null),
      postcode: fc.constantFrom('CH41 5AA', 'CH41 5AB', 'CH43 1XY', null),
      gender: fc.constantFrom('male' as const, 'female' as const, 'not-specified' as const, null),
      nhsNumber: fc.constant(null),
      upn: fc.constant(null),
    });
    fc.assert(
      fc.property(person, person, (a: MatchPerson, b: MatchPerson) => {
        const s = scorePersons(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(scorePersons(b, a)).toBeCloseTo(s, 12);
      }),
    );
  });
});

describe('matchScore', () => {
  const decide = (s: SupplierRecord, c: ChildRecord) => matchDecision(matchScore(s, c));

  it('an identical record is a match', () => {
    expect(matchScore(supply(), child())).toBeGreaterThan(0.98);
  });

  it('spelling variants, nicknames and typos in names still match', () => {
    expect(decide(supply({ name: { given: 'Oliver', family: 'Thomson', former: [] } }), child())).toBe('match');
    expect(decide(supply({ name: { given: 'Olievr', family: 'Thompson', former: [] } }), child())).toBe('match');
    const katherine = child({ name: { given: 'Katherine', family: 'Smith', former: [] }, gender: 'female' });
    expect(decide(supply({ name: { given: 'Kate', family: 'Smyth', former: [] }, gender: 'female' }), katherine)).toBe(
      'match',
    );
    expect(
      decide(supply({ name: { given: 'Catherine', family: 'Smith', former: [] }, gender: 'female' }), katherine),
    ).toBe('match');
  });

  it('forename and surname swapped still match', () => {
    expect(decide(supply({ name: { given: 'Thompson', family: 'Oliver', former: [] } }), child())).toBe('match');
  });

  it('a transposed day and month still matches when the address agrees', () => {
    expect(decide(supply({ dob: '2015-04-03' }), child())).toBe('match');
  });

  it('a postcode typo still matches', () => {
    expect(decide(supply({ address: { lines: ['12 Church Road'], postcode: 'CH41 5AB' } }), child())).toBe('match');
  });

  it('a former family name matches the current one', () => {
    const renamed = child({ name: { given: 'Oliver', family: 'Brown', former: [{ family: 'Thompson' }] } });
    expect(decide(supply(), renamed)).toBe('match');
  });

  it('twins (same date of birth and address, different given names) are not the same child', () => {
    const twin = supply({ name: { given: 'Harry', family: 'Thompson', former: [] } });
    expect(matchScore(twin, child())).toBeLessThan(REVIEW_THRESHOLD);
    const sister = supply({ name: { given: 'Ella', family: 'Thompson', former: [] }, gender: 'female' });
    expect(
      matchScore(sister, child({ name: { given: 'Ellie', family: 'Thompson', former: [] }, gender: 'female' })),
    ).toBeLessThan(REVIEW_THRESHOLD);
  });

  it('a sibling (same surname and address, different name and date of birth) is different', () => {
    expect(
      decide(
        supply({ name: { given: 'Amelia', family: 'Thompson', former: [] }, dob: '2012-07-19', gender: 'female' }),
        child(),
      ),
    ).toBe('different');
  });

  it('the same name born on another day elsewhere is different', () => {
    expect(decide(supply({ dob: '2016-09-21', address: { lines: ['1 High St'], postcode: 'M1 1AE' } }), child())).toBe(
      'different',
    );
  });

  it('a name and date of birth that agree but a different NHS number go to a person', () => {
    const c = child({ identifiers: { nhsNumber: '9434765919', supplierRefs: [] } });
    expect(decide(supply({ nhsNumber: '9434765870' }), c)).toBe('possible-duplicate');
  });

  it('a changed surname with the rest agreeing is a possible duplicate, not a silent merge', () => {
    const s = supply({ name: { given: 'Oliver', family: 'Wilkinson', former: [] } });
    expect(decide(s, child())).not.toBe('match');
  });
});

// Febrl synthetic data: rec-N-org and rec-N-dup-K are the same person, with the
// corruptions Febrl applies (typos, OCR slips, missing and swapped values).
describe('quality on the Febrl benchmark', () => {
  interface Row {
    id: string;
    person: MatchPerson;
  }
  function load(path: string): Row[] {
    const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
    return lines.map((line) => {
      const f = line.split(',').map((s) => s.trim());
      const d = f[9] ?? '';
      const dob = /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}` : null;
      return {
        id: f[0]!,
        person: {
          given: f[1] ?? '',
          family: f[2] ?? '',
          formerFamilies: [],
          dob,
          postcode: f[7] ? f[7] : null,
          gender: null,
          nhsNumber: null,
          upn: null,
        },
      };
    });
  }

  const rows = load('/work/shared/data/febrl/dataset2.csv');
  const originals = new Map(
    rows.filter((r) => r.id.endsWith('-org')).map((r) => [r.id.replace(/-org$/, ''), r.person]),
  );
  const pairs = rows
    .filter((r) => r.id.includes('-dup-'))
    .flatMap((r) => {
      const org = originals.get(r.id.replace(/-dup-\d+$/, ''));
      return org ? [[org, r.person] as const] : [];
    });

  it('finds most true duplicates and almost never joins strangers', () => {
    expect(pairs.length).toBeGreaterThan(500);
    const dupScores = pairs.map(([a, b]) => scorePersons(a, b));
    const found = dupScores.filter((s) => s >= REVIEW_THRESHOLD).length / dupScores.length;
    const matched = dupScores.filter((s) => s >= MATCH_THRESHOLD).length / dupScores.length;

    // Strangers that a candidate query would put side by side: different originals that
    // share a surname, a date of birth or a postcode.
    const orgs = [...originals.values()];
    const strangers: number[] = [];
    for (let i = 0; i < orgs.length; i++) {
      for (let j = i + 1; j < orgs.length; j++) {
        const a = orgs[i]!;
        const b = orgs[j]!;
        const blocked =
          (a.family !== '' && a.family === b.family) ||
          (a.dob !== null && a.dob === b.dob) ||
          (a.postcode !== null && a.postcode === b.postcode);
        if (blocked) strangers.push(scorePersons(a, b));
      }
    }
    const falseReview = strangers.filter((s) => s >= REVIEW_THRESHOLD).length / strangers.length;
    const falseMatch = strangers.filter((s) => s >= MATCH_THRESHOLD).length;

    console.log(
      `febrl: ${pairs.length} duplicate pairs: ${(found * 100).toFixed(1)}% >= review, ${(matched * 100).toFixed(1)}% >= match; ` +
        `${strangers.length} stranger pairs: ${(falseReview * 100).toFixed(2)}% >= review, ${falseMatch} >= match`,
    );
    // Febrl sometimes replaces a whole given name or surname in a duplicate. Our
    // scorer deliberately reads a different given name as a different child (twins), so
    // those pairs are missed by design and recall here is bounded well below 100%.
    expect(found).toBeGreaterThan(0.72);
    expect(matched).toBeGreaterThan(0.65);
    expect(strangers.length).toBeGreaterThan(1000);
    expect(falseReview).toBeLessThan(0.005);
    expect(falseMatch).toBe(0);
  });
});
