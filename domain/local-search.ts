// Search over a local authority's working set, tolerant of what people and suppliers
// get wrong: names spelt differently or mistyped (trigrams and sound-alike keys), a
// date of birth with day and month swapped or one digit slipped, a postcode given in
// full or only its outward code. Every result carries a score out of 100 and the
// reasons for it, so the team can see why a record was found.
import { transposeDayMonth } from './dates.js';
import { compareNames, editDistance, soundAlike } from './matching.js';
import { nameKey } from './name-key.js';
import { normalisePostcode } from './postcode.js';

/** What the team may search by; every field optional, at least one of them useful. */
export interface LocalSearchQuery {
  surname?: string;
  forename?: string;
  /** YYYY-MM-DD. */
  dob?: string;
  postcode?: string;
  nhsNumber?: string;
  cpNumber?: string;
}

/** The fields of a held record that search compares. */
export interface SearchableChild {
  surname: string;
  forename: string;
  formerSurnames: readonly string[];
  dob: string | null;
  /** Canonical ("CH41 1AA"), or null. */
  postcode: string | null;
  nhsNumber: string | null;
  cpNumber: string;
}

export interface ScoredMatch {
  /** 0 to 100. */
  score: number;
  /** Why, in words: "surname spelt differently", "date of birth with day and month swapped". */
  reasons: string[];
}

/** Lower-case letters only: the key names are indexed and compared by. */
export { nameKey } from './name-key.js';

/** The trigrams of a name key, padded so that first and last letters weigh like the rest. */
export function trigrams(key: string): string[] {
  if (key.length === 0) return [];
  const padded = `  ${key} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return [...out];
}

/** Dice similarity of two trigram sets given the count they share. */
export function trigramSimilarity(shared: number, a: number, b: number): number {
  return a + b === 0 ? 0 : (2 * shared) / (a + b);
}

/** The sound-alike key of a name (Soundex with the first letter coded). */
export function soundKey(name: string): string {
  const key = nameKey(name);
  return key.length === 0 ? '' : soundAlike(key);
}

/** "CH41 1AA" for any spacing or case; "CH41" for an outward code alone; null otherwise. */
export function postcodeQuery(input: string): { full: string } | { outward: string } | null {
  const full = normalisePostcode(input);
  if (full !== null) return { full };
  const compact = input.replace(/\s+/g, '').toUpperCase();
  return /^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(compact) ? { outward: compact } : null;
}

/** The date itself and, when it is a real date, the one with day and month swapped. */
export function dobCandidates(dob: string): string[] {
  const swapped = transposeDayMonth(dob);
  return swapped === null ? [dob] : [dob, swapped];
}

const WEIGHTS = { surname: 3, forename: 2, dob: 3, postcode: 2 } as const;

function nameScore(
  query: string,
  held: string,
  former: readonly string[],
  label: string,
): { value: number; reason?: string } {
  const direct = compareNames(query, held);
  if (direct === 'exact') return { value: 1 };
  if (direct === 'variant') return { value: 0.85, reason: `${label} spelt differently` };
  const viaFormer = former.find((f) => compareNames(query, f) === 'exact' || compareNames(query, f) === 'variant');
  if (viaFormer !== undefined) return { value: 0.8, reason: `former ${label}` };
  if (direct === 'close') return { value: 0.6, reason: `${label} similar` };
  const q = nameKey(query);
  const h = nameKey(held);
  if (q.length > 0 && h.length > 0 && soundAlike(q) === soundAlike(h))
    return { value: 0.5, reason: `${label} sounds alike` };
  if (q.length >= 4 && editDistance(q, h) <= 2) return { value: 0.4, reason: `${label} with two letters wrong` };
  return { value: 0, reason: `${label} different` };
}

/**
 * How well a held record answers the query. An exact NHS or ContactPoint number is 100;
 * otherwise each field given counts by its weight and how well it agrees.
 */
export function scoreMatch(query: LocalSearchQuery, child: SearchableChild): ScoredMatch {
  if (query.cpNumber !== undefined && query.cpNumber.trim().toUpperCase() === child.cpNumber)
    return { score: 100, reasons: ['ContactPoint number'] };
  if (query.nhsNumber !== undefined && query.nhsNumber.replace(/\s+/g, '') === child.nhsNumber)
    return { score: 100, reasons: ['NHS number'] };
  let got = 0;
  let possible = 0;
  const reasons: string[] = [];
  if (query.surname !== undefined && nameKey(query.surname) !== '') {
    possible += WEIGHTS.surname;
    const s = nameScore(query.surname, child.surname, child.formerSurnames, 'surname');
    got += WEIGHTS.surname * s.value;
    if (s.reason) reasons.push(s.reason);
  }
  if (query.forename !== undefined && nameKey(query.forename) !== '') {
    possible += WEIGHTS.forename;
    const s = nameScore(query.forename, child.forename, [], 'forename');
    got += WEIGHTS.forename * s.value;
    if (s.reason) reasons.push(s.reason);
  }
  if (query.dob !== undefined) {
    possible += WEIGHTS.dob;
    if (child.dob === query.dob) got += WEIGHTS.dob;
    else if (child.dob !== null && transposeDayMonth(query.dob) === child.dob) {
      got += WEIGHTS.dob * 0.7;
      reasons.push('date of birth with day and month swapped');
    } else if (child.dob !== null && editDistance(query.dob, child.dob) <= 1) {
      got += WEIGHTS.dob * 0.4;
      reasons.push('date of birth one digit different');
    } else reasons.push('date of birth different');
  }
  const pc = query.postcode === undefined ? null : postcodeQuery(query.postcode);
  if (pc !== null) {
    possible += WEIGHTS.postcode;
    const held = child.postcode;
    if ('full' in pc && held === pc.full) got += WEIGHTS.postcode;
    else if (held !== null && held.split(' ')[0] === ('full' in pc ? pc.full.split(' ')[0] : pc.outward)) {
      got += WEIGHTS.postcode * ('full' in pc ? 0.5 : 1);
      if ('full' in pc) reasons.push('same postcode district');
    } else reasons.push(held === null ? 'no postcode held' : 'postcode different');
  }
  if (possible === 0) return { score: 0, reasons };
  return { score: Math.round((100 * got) / possible), reasons };
}
