// Search over a local authority's working set, tolerant of what people and suppliers
// get wrong: names spelt differently or mistyped (trigrams and sound-alike keys), a
// date of birth with day and month swapped or one digit slipped, a postcode given in
// full or only its outward code. Every result carries a score out of 100 and the
// reasons for it, so the team can see why a record was found.
import { transposeDayMonth } from './dates.js';
import {
  compareNames,
  dobWeight,
  editDistance,
  FAMILY_WEIGHT,
  GIVEN_WEIGHT,
  type NameAgreement,
  postcodeWeight,
  soundAlike,
  SWAPPED_NAMES_PENALTY,
} from './matching.js';
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
  /**
   * The evidence that this is the child meant, in bits (log2 likelihood ratio, Fellegi-
   * Sunter): the matcher's weight of each field's agreement (matching.ts), an exact name
   * adjusted by how common it is, a misspelling by how far it is. Orders equal scores.
   */
  evidence: number;
}

/** How common a name is among the children held: the share with it as surname or forename. */
export interface NameFrequencies {
  surname(key: string): number;
  forename(key: string): number;
  /** The chance two children drawn at random share a surname (sum of squared shares); likewise forenames. */
  surnameTypical: number;
  forenameTypical: number;
}

/**
 * Term frequency: an exact rare name is stronger evidence than an exact common one. The
 * matcher's weight of an exact name assumes a typical name; u scales by share / typical,
 * so the weight moves by log2(typical / share), bounded as the cleansing model bounds it
 * (domain/dedupe/model.ts) so one name cannot outweigh everything else.
 */
function frequencyAdjustment(share: number, typical: number): number {
  if (share <= 0 || typical <= 0) return 0;
  return Math.max(-4, Math.min(4, Math.log2(typical / share)));
}

/**
 * A misspelling further from the name (or postcode) held is less likely to be a slip of
 * it: each character wrong beyond the first halves the odds (one bit), less than the step
 * between levels, so it only orders matches at the same level (Hssan: Hassan before
 * Hussain; CH63 1QT: CH63 1LT before CH63 5AB).
 */
function distancePenalty(q: string, h: string): number {
  if (q === h || q.length === 0 || h.length === 0) return 0;
  return -Math.min(3, Math.max(0, editDistance(q, h) - 1));
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

/** The order results are shown in: the score, then the evidence, then the ContactPoint number (stable). */
export function byRank(
  a: { match: ScoredMatch; cpNumber: string },
  b: { match: ScoredMatch; cpNumber: string },
): number {
  return b.match.score - a.match.score || b.match.evidence - a.match.evidence || a.cpNumber.localeCompare(b.cpNumber);
}

const WEIGHTS = { surname: 3, forename: 2, dob: 3, postcode: 2 } as const;

interface NameScore {
  value: number;
  reason?: string;
  /** The matcher's level of agreement, for the evidence. */
  level: NameAgreement;
}

function nameScore(query: string, held: string, former: readonly string[], label: string): NameScore {
  const direct = compareNames(query, held);
  if (direct === 'exact') return { value: 1, level: 'exact' };
  if (direct === 'variant') return { value: 0.85, reason: `${label} spelt differently`, level: 'variant' };
  const viaFormer = former.find((f) => compareNames(query, f) === 'exact' || compareNames(query, f) === 'variant');
  if (viaFormer !== undefined) return { value: 0.8, reason: `former ${label}`, level: 'variant' };
  if (direct === 'close') return { value: 0.6, reason: `${label} similar`, level: 'close' };
  const q = nameKey(query);
  const h = nameKey(held);
  if (q.length > 0 && h.length > 0 && soundAlike(q) === soundAlike(h))
    return { value: 0.5, reason: `${label} sounds alike`, level: 'close' };
  if (q.length >= 4 && editDistance(q, h) <= 2)
    return { value: 0.4, reason: `${label} with two letters wrong`, level: 'close' };
  return { value: 0, reason: `${label} different`, level: 'different' };
}

/** The evidence of one name's agreement, in bits. */
function nameEvidence(
  s: NameScore,
  query: string,
  held: string,
  weights: Record<NameAgreement, number>,
  share: number | null,
  typical: number,
): number {
  if (s.level === 'exact') return weights.exact + (share === null ? 0 : frequencyAdjustment(share, typical));
  if (s.level === 'different') return weights.different;
  return weights[s.level] + distancePenalty(nameKey(query), nameKey(held));
}

/**
 * How well a held record answers the query. An exact NHS or ContactPoint number is 100;
 * otherwise each field given counts by its weight and how well it agrees. Surname and
 * forename given the wrong way round (a supplier's mistake) count as the names, a little
 * less, and say so. `frequencies` (how common each name is among the children held)
 * sharpens the evidence that orders equal scores.
 */
export function scoreMatch(
  query: LocalSearchQuery,
  child: SearchableChild,
  frequencies?: NameFrequencies,
): ScoredMatch {
  if (query.cpNumber !== undefined && query.cpNumber.trim().toUpperCase() === child.cpNumber)
    return { score: 100, reasons: ['ContactPoint number'], evidence: 40 };
  if (query.nhsNumber !== undefined && query.nhsNumber.replace(/\s+/g, '') === child.nhsNumber)
    return { score: 100, reasons: ['NHS number'], evidence: 40 };
  let got = 0;
  let possible = 0;
  let evidence = 0;
  const reasons: string[] = [];
  const surname = query.surname !== undefined && nameKey(query.surname) !== '' ? query.surname : undefined;
  const forename = query.forename !== undefined && nameKey(query.forename) !== '' ? query.forename : undefined;
  const share = (field: 'surname' | 'forename', name: string) =>
    frequencies === undefined ? null : frequencies[field](nameKey(name));
  const names = (): { got: number; evidence: number; reasons: string[] } => {
    const out = { got: 0, evidence: 0, reasons: [] as string[] };
    if (surname !== undefined) {
      const s = nameScore(surname, child.surname, child.formerSurnames, 'surname');
      out.got += WEIGHTS.surname * s.value;
      out.evidence += nameEvidence(
        s,
        surname,
        child.surname,
        FAMILY_WEIGHT,
        share('surname', surname),
        frequencies?.surnameTypical ?? 0,
      );
      if (s.reason) out.reasons.push(s.reason);
    }
    if (forename !== undefined) {
      const s = nameScore(forename, child.forename, [], 'forename');
      out.got += WEIGHTS.forename * s.value;
      out.evidence += nameEvidence(
        s,
        forename,
        child.forename,
        GIVEN_WEIGHT,
        share('forename', forename),
        frequencies?.forenameTypical ?? 0,
      );
      if (s.reason) out.reasons.push(s.reason);
    }
    return out;
  };
  /** The names the wrong way round: the surname given is the child's forename, and the forename given (if any) the surname. */
  const swapped = (): { got: number; evidence: number; reasons: string[] } | null => {
    if (surname === undefined) return null;
    const asForename = nameScore(surname, child.forename, [], 'forename');
    if (asForename.level === 'different') return null;
    let got = WEIGHTS.forename * asForename.value;
    let ev = nameEvidence(asForename, surname, child.forename, GIVEN_WEIGHT, null, 0) - SWAPPED_NAMES_PENALTY;
    if (forename !== undefined) {
      const asSurname = nameScore(forename, child.surname, child.formerSurnames, 'surname');
      if (asSurname.level === 'different') return null;
      got += WEIGHTS.surname * asSurname.value;
      ev += nameEvidence(asSurname, forename, child.surname, FAMILY_WEIGHT, null, 0);
    }
    // The surname given counts as much as a surname would, less for the mistake.
    const worth = forename !== undefined ? 0.9 : 0.5 * (WEIGHTS.surname / WEIGHTS.forename);
    return { got: got * worth, evidence: ev, reasons: ['forename and surname swapped'] };
  };
  if (surname !== undefined || forename !== undefined) {
    possible += (surname !== undefined ? WEIGHTS.surname : 0) + (forename !== undefined ? WEIGHTS.forename : 0);
    const straight = names();
    const cross = straight.reasons.length === 0 ? null : swapped();
    const best = cross !== null && cross.got > straight.got ? cross : straight;
    got += best.got;
    evidence += best.evidence;
    reasons.push(...best.reasons);
  }
  if (query.dob !== undefined) {
    possible += WEIGHTS.dob;
    evidence += dobWeight(query.dob, child.dob);
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
    // A postcode typed with a slip, or an older one nearby: within a district, the nearer
    // the likelier (across districts, letters in common say nothing of distance).
    if ('full' in pc) {
      evidence += postcodeWeight(pc.full, held);
      if (held !== null && held.split(' ')[0] === pc.full.split(' ')[0])
        evidence += distancePenalty(pc.full.split(' ')[1]!, held.split(' ')[1]!);
    }
    if ('full' in pc && held === pc.full) got += WEIGHTS.postcode;
    else if (held !== null && held.split(' ')[0] === ('full' in pc ? pc.full.split(' ')[0] : pc.outward)) {
      got += WEIGHTS.postcode * ('full' in pc ? 0.5 : 1);
      if ('full' in pc) reasons.push('same postcode district');
    } else reasons.push(held === null ? 'no postcode held' : 'postcode different');
  }
  if (possible === 0) return { score: 0, reasons, evidence };
  return { score: Math.round((100 * got) / possible), reasons, evidence };
}
