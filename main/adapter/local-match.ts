// Each checked row matched to the working set before anything is sent, with the same
// scorer and thresholds the national index uses for supplies (domain/matching.ts): the
// NHS number first, then name, date of birth and postcode. The team sees which rows
// are new children, which are children already held, and which are possible matches
// for a person to look at before sending. The national index still decides: this is a
// preview of what it will do.
import type Database from 'better-sqlite3-multiple-ciphers';
import type { SupplierRecord } from '../../domain/child-record.js';
import { transposeDayMonth } from '../../domain/dates.js';
import { MATCH_THRESHOLD, REVIEW_THRESHOLD, scorePersons, type MatchPerson } from '../../domain/matching.js';
import { nameKey } from '../../domain/name-key.js';

export type LocalMatch =
  | { match: 'new'; cpNumber: null; score: number | null }
  | { match: 'match' | 'possible'; cpNumber: string; score: number };

interface KeyRow {
  cp: string;
  surname: string;
  forename: string;
  dob: string | null;
  postcode: string | null;
  nhs: string | null;
}

const personOf = (k: KeyRow): MatchPerson => ({
  given: k.forename,
  family: k.surname,
  formerFamilies: [],
  dob: k.dob,
  postcode: k.postcode,
  gender: null,
  nhsNumber: k.nhs,
  upn: null,
});

/**
 * A matcher over the working set's search keys (a few dozen bytes a child, indexed),
 * never its records: a candidate shares the date of birth (or it with day and month
 * swapped) and the surname, given name or postcode; or shares both names.
 */
export function createLocalMatcher(db: Database.Database): (s: SupplierRecord) => LocalMatch {
  const cols = 'cp, surname, forename, dob, postcode, nhs';
  const byNhs = db.prepare<[string], KeyRow>(`SELECT ${cols} FROM child_keys WHERE nhs = ? LIMIT 1`);
  const candidates = db.prepare<[string, string, string, string, string | null, string, string], KeyRow>(
    `SELECT ${cols} FROM child_keys WHERE dob IN (?, ?) AND (surname = ? OR forename = ? OR postcode = ?)
     UNION SELECT ${cols} FROM child_keys WHERE surname = ? AND forename = ? LIMIT 200`,
  );
  return (s) => {
    if (s.nhsNumber !== undefined) {
      const held = byNhs.get(s.nhsNumber);
      if (held) return { match: 'match', cpNumber: held.cp, score: 1 };
    }
    const family = nameKey(s.name.family);
    const given = nameKey(s.name.given);
    const postcode = s.address?.postcode ?? null;
    const swapped = transposeDayMonth(s.dob) ?? s.dob;
    const person: MatchPerson = {
      given,
      family,
      formerFamilies: s.name.former.map((f) => nameKey(f.family)),
      dob: s.dob,
      postcode,
      gender: null,
      nhsNumber: s.nhsNumber ?? null,
      upn: null,
    };
    let best: KeyRow | null = null;
    let bestScore = 0;
    for (const c of candidates.all(s.dob, swapped, family, given, postcode, family, given)) {
      const score = scorePersons(person, personOf(c));
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (best && bestScore >= MATCH_THRESHOLD) return { match: 'match', cpNumber: best.cp, score: bestScore };
    if (best && bestScore >= REVIEW_THRESHOLD) return { match: 'possible', cpNumber: best.cp, score: bestScore };
    return { match: 'new', cpNumber: null, score: best ? bestScore : null };
  };
}
