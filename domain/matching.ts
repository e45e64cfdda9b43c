// Identity resolution: how alike a supplier's record and a held record are, as a
// number from 0 (different children) to 1 (certainly the same child).
//
// The scorer is Fellegi-Sunter in spirit: each field that agrees adds evidence, each
// that disagrees takes it away, and the sum goes through a logistic curve. The weights
// encode what suppliers get wrong (spelling variants, nicknames, swapped forename and
// surname, transposed day and month, postcode slips, moves) and what they never do
// (invent a different given name for the same child). A clearly different given name
// therefore outweighs the same surname, date of birth and address together, which is
// what keeps twins apart.
import type { ChildRecord, Gender, SupplierRecord } from './child-record.js';
import { transposeDayMonth } from './dates.js';
import { nameKey } from './name-key.js';

/** At or above: the same child. */
export const MATCH_THRESHOLD = 0.9;
/** At or above (and below MATCH_THRESHOLD): a possible duplicate for a person to review. */
export const REVIEW_THRESHOLD = 0.6;

export type MatchDecision = 'match' | 'possible-duplicate' | 'different';

export function matchDecision(score: number): MatchDecision {
  if (score >= MATCH_THRESHOLD) return 'match';
  if (score >= REVIEW_THRESHOLD) return 'possible-duplicate';
  return 'different';
}

/** The fields matching looks at, from whatever source; absent fields are null. */
export interface MatchPerson {
  given: string;
  family: string;
  /** Earlier family names (marriage of a parent, adoption). */
  formerFamilies: readonly string[];
  /** YYYY-MM-DD. */
  dob: string | null;
  postcode: string | null;
  gender: Gender | null;
  nhsNumber: string | null;
  upn: string | null;
}

// ---------------------------------------------------------------------------------
// Names that are the same name: short forms and spellings suppliers use for each other.
// Kept here (not in the training generator) because domain imports nothing else of ours.

const NAME_GROUPS: readonly (readonly string[])[] = [
  ['william', 'will', 'bill', 'billy', 'liam'],
  ['elizabeth', 'beth', 'liz', 'lizzie', 'eliza', 'betty'],
  ['thomas', 'tom', 'tommy'],
  ['katherine', 'catherine', 'kathryn', 'kate', 'katie', 'kathy', 'cath', 'cathy'],
  ['james', 'jim', 'jimmy', 'jamie'],
  ['robert', 'rob', 'bob', 'bobby', 'robbie'],
  ['richard', 'rich', 'richie', 'dick'],
  ['edward', 'ed', 'eddie', 'ted', 'teddy'],
  ['alexander', 'alex', 'xander', 'sandy'],
  ['alexandra', 'alex', 'lexi'],
  ['christopher', 'chris', 'kit'],
  ['daniel', 'dan', 'danny'],
  ['joseph', 'joe', 'joey'],
  ['samuel', 'sam', 'sammy'],
  ['samantha', 'sam', 'sammy'],
  ['benjamin', 'ben', 'benji'],
  ['matthew', 'matt'],
  ['michael', 'mike', 'mick', 'mikey'],
  ['nicholas', 'nick', 'nicky'],
  ['jonathan', 'jon', 'jonny'],
  ['anthony', 'tony', 'ant'],
  ['andrew', 'andy', 'drew'],
  ['frederick', 'fred', 'freddie'],
  ['henry', 'harry', 'hal'],
  ['harrison', 'harry'],
  ['theodore', 'theo', 'teddy'],
  ['alfred', 'alfie', 'alf'],
  ['zachary', 'zach', 'zack'],
  ['stephen', 'steven', 'steve'],
  ['philip', 'phillip', 'phil'],
  ['patrick', 'paddy', 'pat'],
  ['margaret', 'maggie', 'peggy', 'meg'],
  ['rebecca', 'becky', 'becca'],
  ['victoria', 'vicky', 'tori'],
  ['jennifer', 'jen', 'jenny'],
  ['charlotte', 'lottie', 'charlie'],
  ['florence', 'flo', 'florrie'],
  ['isabella', 'bella', 'izzy'],
  ['isabelle', 'isabel', 'isobel', 'izzy', 'belle'],
  ['abigail', 'abby', 'abi'],
  ['eleanor', 'ellie', 'nell'],
  ['penelope', 'penny'],
  ['josephine', 'josie', 'jo'],
  ['gabriella', 'gabby'],
  ['natalie', 'nat'],
  ['olivia', 'liv', 'livvy'],
  ['amelia', 'millie', 'mia'],
  ['matilda', 'tilly', 'tilda'],
  ['francesca', 'fran', 'frankie'],
  ['jessica', 'jess'],
  ['evelyn', 'evie'],
  ['mohamed', 'mohammed', 'muhammad', 'mohammad'],
  ['lewis', 'louis'],
  ['niamh', 'neve'],
  ['ciaran', 'kieran'],
  ['sophia', 'sofia'],
  ['aaliyah', 'aliyah'],
  ['reid', 'reed', 'read'],
  ['mcdonald', 'macdonald'],
];

const NAME_GROUP_INDEX = new Map<string, Set<number>>();
for (const [i, group] of NAME_GROUPS.entries()) {
  for (const name of group) {
    const set = NAME_GROUP_INDEX.get(name) ?? new Set<number>();
    set.add(i);
    NAME_GROUP_INDEX.set(name, set);
  }
}

export function sameNameGroup(a: string, b: string): boolean {
  const ga = NAME_GROUP_INDEX.get(a);
  const gb = NAME_GROUP_INDEX.get(b);
  if (!ga || !gb) return false;
  for (const g of ga) if (gb.has(g)) return true;
  return false;
}

// ---------------------------------------------------------------------------------
// String comparators

/** Jaro-Winkler similarity, 0..1 (Winkler's prefix bonus up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(b.length - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a[i] !== b[j]) halfTranspositions++;
    j++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Edit distance counting an adjacent swap as one edit (optimal string alignment),
 * which is the keyboard slip: a letter changed, dropped, doubled or swapped.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/**
 * Soundex of a name key, with the first letter coded too, so names that differ only in
 * a like-sounding initial (Catherine, Katherine; Caitlin, Kaitlyn) agree.
 */
export function soundAlike(key: string): string {
  let out = SOUNDEX_CODES[key[0] ?? ''] ?? key[0] ?? '';
  let last = SOUNDEX_CODES[key[0] ?? ''] ?? '';
  for (let i = 1; i < key.length && out.length < 5; i++) {
    const c = key[i]!;
    const code = SOUNDEX_CODES[c] ?? '';
    if (code !== '' && code !== last) out += code;
    // h and w do not separate two letters with the same code; vowels do.
    if (c !== 'h' && c !== 'w') last = code;
  }
  return out;
}

// ---------------------------------------------------------------------------------
// Field comparisons

export type NameAgreement = 'exact' | 'variant' | 'close' | 'different' | 'missing';

function tokens(name: string): string[] {
  return name
    .split(/[\s\-']+/)
    .map(nameKey)
    .filter((t) => t.length > 0);
}

/** How two names agree: spelling variants, nicknames, one keyboard slip, a part of a two-part name. */
export function compareNames(a: string, b: string): NameAgreement {
  const ka = nameKey(a);
  const kb = nameKey(b);
  if (ka.length === 0 || kb.length === 0) return 'missing';
  if (ka === kb) return 'exact';
  if (sameNameGroup(ka, kb)) return 'variant';
  // A double-barrelled or two-part name given in part ("Smith-Jones", "Smith"; "Mary Jane", "Mary").
  const ta = tokens(a);
  const tb = tokens(b);
  if ((ta.length > 1 || tb.length > 1) && ta.some((t) => t.length > 1 && tb.includes(t))) return 'variant';
  // One keyboard slip in a name long enough that one letter does not make another name.
  if (Math.min(ka.length, kb.length) >= 4 && editDistance(ka, kb) <= 1) return 'variant';
  // Jaro's greedy alignment can differ slightly by direction: take the kinder one.
  const jw = Math.max(jaroWinkler(ka, kb), jaroWinkler(kb, ka));
  if (jw >= 0.85 && soundAlike(ka) === soundAlike(kb)) return 'variant';
  if (jw >= 0.9 && Math.min(ka.length, kb.length) >= 5) return 'close';
  return 'different';
}

/** log2(m/u) of each level of name agreement, as the matcher weighs them (local search ranks by these too). */
export const GIVEN_WEIGHT: Record<NameAgreement, number> = {
  exact: 4,
  variant: 3,
  close: 1.5,
  different: -6,
  missing: 0,
};
export const FAMILY_WEIGHT: Record<NameAgreement, number> = {
  exact: 5,
  variant: 4,
  close: 2,
  different: -4,
  missing: 0,
};
export const SWAPPED_NAMES_PENALTY = 1.5;

function familyAgreement(a: MatchPerson, b: MatchPerson): NameAgreement {
  const direct = compareNames(a.family, b.family);
  if (direct !== 'different') return direct;
  // A former family name on either side counts as a variant of the current one.
  const formerHit =
    b.formerFamilies.some((f) => {
      const c = compareNames(a.family, f);
      return c === 'exact' || c === 'variant';
    }) ||
    a.formerFamilies.some((f) => {
      const c = compareNames(f, b.family);
      return c === 'exact' || c === 'variant';
    });
  return formerHit ? 'variant' : 'different';
}

function nameWeight(a: MatchPerson, b: MatchPerson): number {
  const direct = GIVEN_WEIGHT[compareNames(a.given, b.given)] + FAMILY_WEIGHT[familyAgreement(a, b)];
  // Either side may be the swapped one: weigh each cross comparison as both roles, so the
  // score stays symmetric.
  const x = compareNames(a.given, b.family);
  const y = compareNames(a.family, b.given);
  const swapped = (GIVEN_WEIGHT[x] + FAMILY_WEIGHT[y] + GIVEN_WEIGHT[y] + FAMILY_WEIGHT[x]) / 2 - SWAPPED_NAMES_PENALTY;
  return Math.max(direct, swapped);
}

export function dobWeight(a: string | null, b: string | null): number {
  if (a === null || b === null) return 0;
  if (a === b) return 6;
  if (transposeDayMonth(a) === b) return 3.5;
  // One digit keyed wrong, or two neighbouring digits swapped.
  if (editDistance(a, b) <= 1) return 1.5;
  return -6;
}

function compactPostcode(p: string | null): string | null {
  if (p === null) return null;
  const c = p.replace(/\s+/g, '').toUpperCase();
  return c.length > 0 ? c : null;
}

export function postcodeWeight(a: string | null, b: string | null): number {
  const ca = compactPostcode(a);
  const cb = compactPostcode(b);
  if (ca === null || cb === null) return 0;
  if (ca === cb) return 3;
  if (editDistance(ca, cb) <= 1) return 2;
  // Same district (the inward code is always the last three characters): a move nearby.
  if (ca.length > 4 && cb.length > 4 && ca.slice(0, -3) === cb.slice(0, -3)) return 0.5;
  // Families move: a different postcode is weak evidence either way.
  return 0;
}

function genderWeight(a: Gender | null, b: Gender | null): number {
  if (a === null || b === null || a === 'not-specified' || b === 'not-specified') return 0;
  return a === b ? 0.5 : -2;
}

function identifierWeight(a: string | null, b: string | null, agree: number, disagree: number): number {
  if (a === null || b === null) return 0;
  return a === b ? agree : disagree;
}

// Weight at which the score is one half, and how steeply it rises: an exact name and
// date of birth with nothing else (15) scores just over MATCH_THRESHOLD; add an agreeing
// postcode and it is near certain.
const MIDPOINT = 12;
const SPREAD = 1.3;

/** How alike two people's records are, 0..1. Symmetric. */
export function scorePersons(a: MatchPerson, b: MatchPerson): number {
  const weight =
    nameWeight(a, b) +
    dobWeight(a.dob, b.dob) +
    postcodeWeight(a.postcode, b.postcode) +
    genderWeight(a.gender, b.gender) +
    identifierWeight(a.nhsNumber, b.nhsNumber, 8, -5) +
    identifierWeight(a.upn, b.upn, 6, -4);
  return 1 / (1 + Math.exp(-(weight - MIDPOINT) / SPREAD));
}

export function personFromSupplierRecord(s: SupplierRecord): MatchPerson {
  return {
    given: s.name.given,
    family: s.name.family,
    formerFamilies: s.name.former.map((f) => f.family),
    dob: s.dob,
    postcode: s.address?.postcode ?? null,
    gender: s.gender,
    nhsNumber: s.nhsNumber ?? null,
    upn: s.upn ?? null,
  };
}

export function personFromChildRecord(c: ChildRecord): MatchPerson {
  return {
    given: c.name.given,
    family: c.name.family,
    formerFamilies: c.name.former.map((f) => f.family),
    dob: c.dob,
    postcode: c.address?.postcode ?? null,
    gender: c.gender,
    nhsNumber: c.identifiers.nhsNumber ?? null,
    upn: c.identifiers.upn ?? null,
  };
}

/** How likely a supplier's record is to be about a held child, 0..1. */
export function matchScore(supplierRecord: SupplierRecord, childRecord: ChildRecord): number {
  return scorePersons(personFromSupplierRecord(supplierRecord), personFromChildRecord(childRecord));
}
