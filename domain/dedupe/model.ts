// The Fellegi-Sunter model: for each field and level, m (how often a true duplicate pair
// shows that level) and u (how often a pair that is not a duplicate does). A level
// weighs log2(m/u): positive when it is evidence of one person, negative when it is
// evidence of two. m, u and the share of duplicates among the compared pairs are
// estimated by expectation-maximisation on the data's own comparison patterns: no
// labelled pairs, and never the record ids.
//
// Term frequency: two records that share a rare name are stronger evidence than two
// that share a common one. For an exact name, u is scaled by how common that name is
// compared with the names that exact agreements usually share.
import { FIELDS, LEVELS, levelOf, NAME_DIFFERENT, type Field } from './compare.js';
import { LEVEL_GROUPS } from './fields.js';

export interface Model {
  /** The prior: the chance that two records drawn at random are one child. */
  lambda: number;
  /** m[f][level] and u[f][level], level 1.. (index 0 unused). */
  m: number[][];
  u: number[][];
  /** Expected duplicate pairs among the candidates, from the fitted model. */
  expectedDuplicates: number;
  iterations: number;
}

export const LEVEL_COUNTS = FIELDS.map((f) => LEVELS[f].length);
const GROUPS = FIELDS.map((f) => LEVEL_GROUPS[f]);
const FLOOR = 1e-9;

/** A row of m or u made into shares within each of its field's level groups (a group with nothing in it: evenly). */
function shares(row: number[], f: number): number[] {
  const out = row.map(() => 0);
  for (const group of GROUPS[f]!) {
    let s = 0;
    for (const l of group) s += row[l]!;
    for (const l of group) out[l] = s > 0 ? row[l]! / s : 1 / group.length;
  }
  return out;
}

/** The starting (or, when nothing could be learned, the assumed) m: each group's first level nine times in ten. */
function assumedM(f: number): number[] {
  const row = new Array<number>(LEVEL_COUNTS[f]!).fill(0);
  for (const group of GROUPS[f]!) {
    group.forEach((l, k) => {
      row[l] = group.length === 1 ? 1 : k === 0 ? 0.9 : 0.1 / (group.length - 1);
    });
  }
  return row;
}

function levelsOf(pattern: number): number[] {
  return FIELDS.map((_, f) => levelOf(pattern, f));
}

/**
 * u from pairs drawn at random (pattern → how many): nearly all are two different
 * children, so each level's share among them is its u. A level never seen gets half a
 * pair's worth, not zero.
 */
export function estimateU(randomPatterns: Map<number, number>): number[][] {
  const u = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
  const totals = LEVEL_COUNTS.map(() => 0);
  for (const [pattern, count] of randomPatterns) {
    const levels = levelsOf(pattern);
    for (let f = 0; f < levels.length; f++) {
      if (levels[f] === 0) continue;
      u[f]![levels[f]!]! += count;
      totals[f]! += count;
    }
  }
  // Each level group's shares apart: a group is read only beside another field's level.
  return u.map((row, f) =>
    shares(
      row.map((c, l) => (l === 0 ? 0 : Math.max(c, 0.5))),
      f,
    ),
  );
}

/**
 * m by expectation-maximisation, one blocking rule at a time (u held at its random-pair
 * value): within a rule's pairs, the fields the rule's key is made from are left out,
 * because every pair agrees on them by construction. Each field's m is then the average
 * of the rules that could learn it, weighted by how many duplicates each rule saw.
 */
export function estimateM(
  ruleSamples: readonly { patterns: Map<number, number>; excluded: readonly boolean[] }[],
  u: number[][],
  maxIterations = 100,
  tolerance = 1e-6,
): { m: number[][]; iterations: number } {
  const sum = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(0));
  const weight = GROUPS.map((groups) => groups.map(() => 0));
  let iterations = 0;
  for (const { patterns, excluded } of ruleSamples) {
    if (patterns.size === 0) continue;
    const entries = [...patterns.entries()].map(([p, count]) => ({ levels: levelsOf(p), count }));
    const m = FIELDS.map((_, f) => assumedM(f));
    let lambda = 0.5;
    let matches = 0;
    for (let it = 1; it <= maxIterations; it++) {
      const mNum = LEVEL_COUNTS.map((n) => new Array<number>(n).fill(FLOOR));
      matches = 0;
      let total = 0;
      for (const { levels, count } of entries) {
        let pm = lambda;
        let pu = 1 - lambda;
        for (let f = 0; f < levels.length; f++) {
          const l = levels[f]!;
          if (l === 0 || excluded[f]) continue;
          pm *= m[f]![l]!;
          pu *= u[f]![l]!;
        }
        const g = pm / (pm + pu);
        matches += g * count;
        total += count;
        for (let f = 0; f < levels.length; f++) {
          const l = levels[f]!;
          if (l !== 0 && !excluded[f]) mNum[f]![l]! += g * count;
        }
      }
      let change = Math.abs(matches / total - lambda);
      lambda = Math.min(1 - 1e-9, Math.max(1e-9, matches / total));
      for (let f = 0; f < FIELDS.length; f++) {
        if (excluded[f]) continue;
        const next = shares(mNum[f]!, f);
        for (let l = 1; l < LEVEL_COUNTS[f]!; l++) {
          change = Math.max(change, Math.abs(next[l]! - m[f]![l]!));
          m[f]![l] = next[l]!;
        }
      }
      iterations = Math.max(iterations, it);
      if (change < tolerance) break;
    }
    for (let f = 0; f < FIELDS.length; f++) {
      if (excluded[f]) continue;
      // A field (or a level group) this rule's pairs never held says nothing about m.
      GROUPS[f]!.forEach((group, g) => {
        let seen = 0;
        for (const { levels, count } of entries) if (group.includes(levels[f]!)) seen += count;
        if (seen === 0) return;
        for (const l of group) sum[f]![l]! += m[f]![l]! * matches;
        weight[f]![g]! += matches;
      });
    }
  }
  const m = sum.map((row, f) => {
    // A group no rule could learn: assume duplicates agree on it nine times in ten.
    const assumed = assumedM(f);
    const out = row.map(() => 0);
    GROUPS[f]!.forEach((group, g) => {
      const w = weight[f]![g]!;
      for (const l of group) out[l] = w === 0 ? assumed[l]! : Math.max(row[l]! / w, FLOOR);
    });
    return out;
  });
  return { m, iterations };
}

/**
 * The prior by EM with m and u held: every pair outside the candidates is taken to be
 * two children, so the expected number of duplicates is the candidates' posteriors summed.
 */
export function estimateLambda(
  candidatePatterns: Map<number, number>,
  m: number[][],
  u: number[][],
  totalPairs: number,
): { lambda: number; expected: number } {
  const bayes = [...candidatePatterns.entries()].map(([p, count]) => {
    let w = 0;
    levelsOf(p).forEach((l, f) => {
      if (l !== 0) w += Math.log(m[f]![l]! / u[f]![l]!);
    });
    return { factor: Math.exp(Math.min(700, w)), count };
  });
  let lambda = 1 / Math.max(2, totalPairs);
  let expected = 0;
  for (let it = 0; it < 200; it++) {
    const odds = lambda / (1 - lambda);
    expected = 0;
    for (const { factor, count } of bayes) expected += (count * odds * factor) / (1 + odds * factor);
    const next = Math.min(0.5, Math.max(1 / Math.max(2, totalPairs) / 100, expected / Math.max(1, totalPairs)));
    if (Math.abs(next - lambda) / lambda < 1e-6) {
      lambda = next;
      break;
    }
    lambda = next;
  }
  return { lambda, expected };
}

/** How common each name is, for term-frequency adjustment. */
export interface TermFrequencies {
  /** Share of records with term t, for given and for family names. */
  given: Float64Array;
  family: Float64Array;
  /** The chance two random records share a name (sum f^2): u of an exact name, before adjustment. */
  givenTypical: number;
  familyTypical: number;
}

export function termFrequencies(terms: number, given: Int32Array, family: Int32Array): TermFrequencies {
  const count = (col: Int32Array): { f: Float64Array; typical: number } => {
    const c = new Float64Array(terms);
    let n = 0;
    for (const t of col) {
      if (t >= 0) {
        c[t]! += 1;
        n++;
      }
    }
    let s2 = 0;
    for (let t = 0; t < terms; t++) {
      const f = n > 0 ? c[t]! / n : 0;
      c[t] = f;
      s2 += f * f;
    }
    return { f: c, typical: s2 > 0 ? s2 : 1 };
  };
  const g = count(given);
  const f = count(family);
  return { given: g.f, family: f.f, givenTypical: g.typical, familyTypical: f.typical };
}

/** What one field added to, or took from, a pair's weight. */
export interface FieldWeight {
  field: Field;
  level: string;
  /** log2 of the Bayes factor: + is evidence of one person, - of two. */
  weight: number;
}

export interface Explanation {
  /** Probability that the two records are one child, 0..1. */
  score: number;
  /** The prior's weight (how rare duplicates are among compared pairs). */
  prior: number;
  fields: FieldWeight[];
  /** Set when the twins rule held the pair below the threshold. */
  twins: boolean;
}

export const GIVEN = FIELDS.indexOf('given');
export const FAMILY = FIELDS.indexOf('family');
const DOB = FIELDS.indexOf('dob');
const POSTCODE = FIELDS.indexOf('postcode');
const ADDRESS = FIELDS.indexOf('address');
const IDENTIFIERS = [FIELDS.indexOf('nhs'), FIELDS.indexOf('upn'), FIELDS.indexOf('otherId')];

/**
 * Twins (and triplets) share a date of birth and an address and differ in given name:
 * not duplicates unless an identifier says they are one child.
 */
export function looksLikeTwins(pattern: number): boolean {
  return (
    levelOf(pattern, DOB) === 1 &&
    (levelOf(pattern, POSTCODE) === 1 || levelOf(pattern, ADDRESS) === 1) &&
    levelOf(pattern, GIVEN) === NAME_DIFFERENT &&
    !IDENTIFIERS.some((f) => levelOf(pattern, f) === 1)
  );
}

/** The score the twins rule leaves a pair with at most. */
export const TWINS_CEILING = 0.01;

export class Scorer {
  readonly prior: number;
  private readonly weights: number[][];
  private readonly patternCache = new Map<number, number>();

  constructor(
    readonly model: Model,
    private readonly tf: TermFrequencies | null,
  ) {
    this.prior = Math.log2(model.lambda / (1 - model.lambda));
    this.weights = model.m.map((row, f) => row.map((m, l) => (l === 0 ? 0 : Math.log2(m / model.u[f]![l]!))));
  }

  private patternWeight(pattern: number): number {
    let w = this.patternCache.get(pattern);
    if (w === undefined) {
      w = this.prior;
      for (let f = 0; f < FIELDS.length; f++) w += this.weights[f]![levelOf(pattern, f)]!;
      this.patternCache.set(pattern, w);
    }
    return w;
  }

  /** The term-frequency adjustment to an exact name's weight: + for a rare name, - for a common one. */
  private tfAdjust(field: number, term: number): number {
    if (this.tf === null || term < 0) return 0;
    const f = field === GIVEN ? this.tf.given[term]! : this.tf.family[term]!;
    const typical = field === GIVEN ? this.tf.givenTypical : this.tf.familyTypical;
    if (f <= 0 || typical <= 0) return 0;
    // u scales by f / typical, so the weight moves by log2(typical / f); bounded so one
    // name cannot outweigh everything else.
    return Math.max(-4, Math.min(4, Math.log2(typical / f)));
  }

  /** The probability that a pair is one child, from its pattern and its shared names. */
  score(pattern: number, givenTerm: number, familyTerm: number): number {
    let w = this.patternWeight(pattern);
    if (levelOf(pattern, GIVEN) === 1) w += this.tfAdjust(GIVEN, givenTerm);
    if (levelOf(pattern, FAMILY) === 1) w += this.tfAdjust(FAMILY, familyTerm);
    const p = 1 / (1 + 2 ** -w);
    return looksLikeTwins(pattern) ? Math.min(p, TWINS_CEILING) : p;
  }

  explain(pattern: number, givenTerm: number, familyTerm: number): Explanation {
    const fields: FieldWeight[] = [];
    for (let f = 0; f < FIELDS.length; f++) {
      const l = levelOf(pattern, f);
      if (l === 0) continue;
      let weight = this.weights[f]![l]!;
      if (l === 1 && f === GIVEN) weight += this.tfAdjust(GIVEN, givenTerm);
      if (l === 1 && f === FAMILY) weight += this.tfAdjust(FAMILY, familyTerm);
      fields.push({ field: FIELDS[f]!, level: LEVELS[FIELDS[f]!][l]!, weight: Math.round(weight * 100) / 100 });
    }
    return {
      score: this.score(pattern, givenTerm, familyTerm),
      prior: Math.round(this.prior * 100) / 100,
      fields,
      twins: looksLikeTwins(pattern),
    };
  }
}
