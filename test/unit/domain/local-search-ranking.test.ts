// Local search ranking (issue 24): equal scores are ordered by the evidence (the
// matcher's field weights, a misspelling by its distance, an exact name by how common it
// is), not by ContactPoint number; names given the wrong way round still find the child
// and say so. The score and the reasons shown are what they were.
import { describe, expect, it } from 'vitest';
import {
  byRank,
  scoreMatch,
  type LocalSearchQuery,
  type NameFrequencies,
  type SearchableChild,
} from '../../../domain/local-search.js';

const held = (cpNumber: string, forename: string, surname: string, dob = '2014-03-09'): SearchableChild => ({
  cpNumber,
  forename: forename.toLowerCase(),
  surname: surname.toLowerCase(),
  formerSurnames: [],
  dob,
  postcode: 'CH41 1AA',
  nhsNumber: null,
});

const ranked = (query: LocalSearchQuery, children: SearchableChild[], frequencies?: NameFrequencies) =>
  children
    .map((c) => ({ cpNumber: c.cpNumber, match: scoreMatch(query, c, frequencies) }))
    .sort(byRank)
    .map((r) => r.cpNumber);

describe('local search ranking', () => {
  it('puts the nearer spelling first when two misspellings score the same, whatever their CP numbers', () => {
    const hussain = held('CP000000018', 'Evie', 'Hussain');
    const hassan = held('CP000000026', 'Evie', 'Hassan');
    const query = { surname: 'Hssan', forename: 'Evie' };
    expect(scoreMatch(query, hussain).score).toBe(scoreMatch(query, hassan).score);
    expect(ranked(query, [hussain, hassan])).toEqual([hassan.cpNumber, hussain.cpNumber]);
    // The reasons shown stay the ones the score was made of.
    expect(scoreMatch(query, hassan).reasons).toEqual(['surname spelt differently']);
  });

  it('puts the namesake whose postcode is nearer the one typed first', () => {
    const far = { ...held('CP000000018', 'Oliver', 'Jackson'), postcode: 'CH63 5AB' };
    const near = { ...held('CP000000026', 'Oliver', 'Jackson'), postcode: 'CH63 1LX' };
    const query = { surname: 'Jackson', forename: 'Oliver', postcode: 'CH63 1QT' };
    expect(scoreMatch(query, far)).toEqual({ ...scoreMatch(query, near), evidence: expect.any(Number) });
    expect(scoreMatch(query, near).reasons).toEqual(['same postcode district']);
    expect(ranked(query, [far, near])).toEqual([near.cpNumber, far.cpNumber]);
  });

  it('ranks a typo of the surname with the exact date of birth above a same-day child of another name', () => {
    const meant = held('CP000000034', 'Oliver', 'Pemberton');
    const sameDay = held('CP000000018', 'Oliver', 'Jones');
    const swappedDate = held('CP000000026', 'Oliver', 'Pemberton', '2014-09-03');
    const query = { surname: 'Pembertin', forename: 'Oliver', dob: '2014-03-09' };
    expect(ranked(query, [sameDay, swappedDate, meant])).toEqual([
      meant.cpNumber,
      swappedDate.cpNumber,
      sameDay.cpNumber,
    ]);
    expect(scoreMatch(query, sameDay).reasons).toContain('surname different');
  });

  it('counts an exact rare name as stronger evidence than an exact common one', () => {
    const shares: Record<string, number> = { smith: 0.02, okonkwo: 0.00002 };
    const frequencies: NameFrequencies = {
      surname: (k) => shares[k] ?? 0,
      forename: () => 0.01,
      surnameTypical: 0.002,
      forenameTypical: 0.01,
    };
    const smith = scoreMatch({ surname: 'Smith' }, held('CP000000018', 'Amy', 'Smith'), frequencies);
    const okonkwo = scoreMatch({ surname: 'Okonkwo' }, held('CP000000026', 'Amy', 'Okonkwo'), frequencies);
    expect(smith.score).toBe(100);
    expect(okonkwo.score).toBe(100);
    expect(okonkwo.evidence).toBeGreaterThan(smith.evidence);
    // Without frequencies, the same name weight for both.
    expect(scoreMatch({ surname: 'Okonkwo' }, held('CP000000026', 'Amy', 'Okonkwo')).evidence).toBe(
      scoreMatch({ surname: 'Smith' }, held('CP000000018', 'Amy', 'Smith')).evidence,
    );
  });

  it('finds a child whose supplier gave forename and surname the wrong way round, and says so', () => {
    const meant = held('CP000000026', 'Harper', 'James');
    const other = held('CP000000018', 'Ava', 'Harper');
    const query = { surname: 'Harper', forename: 'James', dob: '2014-03-09' };
    const m = scoreMatch(query, meant);
    expect(m.reasons).toEqual(['forename and surname swapped']);
    expect(m.score).toBeGreaterThan(80);
    expect(m.score).toBeLessThan(100);
    expect(ranked(query, [other, meant])[0]).toBe(meant.cpNumber);
    // A surname typed that is the child's forename (the supplier swapped them) with the date of birth.
    const alone = scoreMatch({ surname: 'Harper', dob: '2014-03-09' }, meant);
    expect(alone.reasons).toEqual(['forename and surname swapped']);
    expect(alone.score).toBeLessThan(scoreMatch({ surname: 'James', dob: '2014-03-09' }, meant).score);
  });

  it('leaves names given the right way round unchanged, and a stranger different', () => {
    const c = held('CP000000018', 'Harper', 'James');
    expect(scoreMatch({ surname: 'James', forename: 'Harper' }, c)).toMatchObject({ score: 100, reasons: [] });
    expect(scoreMatch({ surname: 'Zzyzxqwv', dob: '2014-03-09' }, c).reasons).toContain('surname different');
  });
});
