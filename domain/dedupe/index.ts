// Duplicate detection from end to end: prepare the records, block, compare each
// candidate pair once, estimate the model on the comparison patterns (unsupervised),
// score, and keep the pairs at or above the threshold. Asynchronous only so that a long
// run can report progress and be cancelled between slices of work; it runs in a worker.
import { buildBlocks, foundEarlier, TRAINING_RULES, type RuleStats } from './blocking.js';
import { Comparator, prepare, type DedupeRecord, type Prepared } from './compare.js';
import { FIELDS } from './compare.js';
import { frequenciesFor, type StoredModel } from './stored-model.js';
import {
  estimateLambda,
  estimateM,
  estimateU,
  Scorer,
  termFrequencies,
  type Explanation,
  type Model,
} from './model.js';
import { seededRandom } from '../seeded-random.js';

export * from './compare.js';
export * from './model.js';
export {
  BLOCKING_RULES,
  BLOCKING_TEXT,
  DEFAULT_MAX_GROUP,
  TRAINING_RULES,
  buildBlocks,
  type BlockingRule,
  type RuleStats,
} from './blocking.js';
export * from './stored-model.js';

/**
 * The default threshold: a pair is reported when the model puts the chance that the two
 * records are one child at 50% or more (more likely one child than two). Chosen from the
 * model, not tuned on any benchmark's answers: see the README.
 */
export const DEFAULT_THRESHOLD = 0.5;

/**
 * The review band's lower edge: a pair the model puts at 10% or more (odds of one child
 * at least 1 to 9) but below the threshold is not merged or lost but queued for a person,
 * marked as doubtful, and a merge in it takes a second, blind look (docs/cleansing.md).
 * Chosen from the model, not from any benchmark's answers: the score is the model's
 * posterior, so among the pairs a team is asked to look at, at least about one in ten is
 * expected to be one child — at most about ten looks for each duplicate the band finds.
 * Below it the twins rule's ceiling (TWINS_CEILING, 1%) keeps twins out of the band.
 */
export const DEFAULT_REVIEW_THRESHOLD = 0.1;

/** Where a pair's score puts it: merged on one person's decision ('auto'), or doubtful ('review'). */
export type Band = 'auto' | 'review';

/** The band of a score, or null below the review band (not reported). */
export function bandOf(score: number, threshold: number, reviewThreshold: number): Band | null {
  if (score >= threshold) return 'auto';
  return score >= reviewThreshold ? 'review' : null;
}

export type DedupeStage = 'preparing' | 'blocking' | 'comparing' | 'estimating' | 'scoring';

export interface DedupeProgress {
  stage: DedupeStage;
  done: number;
  total: number;
}

export interface DedupeOptions {
  threshold?: number;
  /**
   * Pairs at or above this and below `threshold` are kept too, in the review band
   * (ScoredPair.band). Defaults to `threshold`: no band. At most `threshold`.
   */
  reviewThreshold?: number;
  /** Groups larger than this are not compared pair by pair (reported in the stats). */
  maxGroup?: number;
  onProgress?: (p: DedupeProgress) => void;
  /** Asked between slices of work: true stops the run with a DedupeCancelled error. */
  cancelled?: () => boolean;
  /** Pairs drawn at random to learn u (all pairs when there are fewer). */
  randomPairs?: number;
  /** Per blocking rule, at most about this many of its pairs are used to learn m. */
  trainingPairsPerRule?: number;
  /**
   * Score with a stored model (a full run's m, u, prior and name frequencies) instead of
   * estimating one: what incremental linking does for a few children, over all of them.
   */
  model?: StoredModel;
}

export class DedupeCancelled extends Error {
  constructor() {
    super('Duplicate detection was cancelled.');
    this.name = 'DedupeCancelled';
  }
}

export interface ScoredPair {
  /** Record positions in the input (a < b). */
  a: number;
  b: number;
  score: number;
  pattern: number;
  /** 'auto' at or above the threshold; 'review' in the review band below it. */
  band: Band;
}

export interface DedupeStats {
  records: number;
  candidatePairs: number;
  /** Every pair compared: the candidates, the random pairs for u and the training pairs for m. */
  comparisons: number;
  rules: RuleStats[];
  model: Model;
  /** Milliseconds spent in each stage. */
  timings: Record<DedupeStage, number>;
}

export interface DedupeResult {
  pairs: ScoredPair[];
  stats: DedupeStats;
  prepared: Prepared;
  /** Why a pair scored as it did: the weight each field added or took away. */
  explain(pair: { a: number; b: number }): Explanation;
}

const SLICE = 50_000;

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Pairs of (a, b, pattern), growing in chunks so a million records never copy a huge array. */
class PairList {
  private chunks: Uint32Array[] = [];
  private cur = new Uint32Array(3 * 65536);
  private used = 0;
  length = 0;

  push(a: number, b: number, pattern: number): void {
    if (this.used === this.cur.length) {
      this.chunks.push(this.cur);
      this.cur = new Uint32Array(3 * 65536);
      this.used = 0;
    }
    this.cur[this.used++] = a;
    this.cur[this.used++] = b;
    this.cur[this.used++] = pattern;
    this.length++;
  }

  *[Symbol.iterator](): Generator<[number, number, number]> {
    for (const c of this.chunks) for (let k = 0; k < c.length; k += 3) yield [c[k]!, c[k + 1]!, c[k + 2]!];
    for (let k = 0; k < this.used; k += 3) yield [this.cur[k]!, this.cur[k + 1]!, this.cur[k + 2]!];
  }
}

/** u from random pairs (all of them for a small file), m from the rules' pairs, then the prior. */
async function estimate(
  p: Prepared,
  comparator: Comparator,
  patterns: Map<number, number>,
  candidates: number,
  random: () => number,
  options: DedupeOptions,
  check: () => Promise<void>,
): Promise<{ model: Model; scorer: Scorer; comparisons: number }> {
  let comparisons = candidates;
  const totalPairs = (p.count * (p.count - 1)) / 2;
  const randomPatterns = new Map<number, number>();
  // Its own name cache, dropped after: random pairs rarely meet the candidates' names.
  const sampler = new Comparator(p);
  const randomPairs = options.randomPairs ?? 1_000_000;
  if (totalPairs <= randomPairs) {
    for (let i = 0; i < p.count; i++) {
      for (let j = i + 1; j < p.count; j++) {
        const pattern = comparator.pattern(i, j);
        randomPatterns.set(pattern, (randomPatterns.get(pattern) ?? 0) + 1);
      }
    }
  } else {
    for (let k = 0; k < randomPairs; k++) {
      const i = Math.floor(random() * p.count);
      let j = Math.floor(random() * (p.count - 1));
      if (j >= i) j++;
      const pattern = sampler.pattern(i, j);
      randomPatterns.set(pattern, (randomPatterns.get(pattern) ?? 0) + 1);
      if (k % SLICE === 0) await check();
    }
  }
  const u = estimateU(randomPatterns);
  for (const c of randomPatterns.values()) comparisons += c;
  // m from a sample of each training rule's pairs.
  const training = buildBlocks(p, TRAINING_RULES, Number.POSITIVE_INFINITY);
  const ruleSamples = training.rules.map((rule, r) => {
    const { members, starts, count, pairs: size } = training.groups[r]!;
    const rate = Math.min(1, (options.trainingPairsPerRule ?? 200_000) / Math.max(1, size));
    const sample = new Map<number, number>();
    for (let g = 0; g < count; g++) {
      for (let x = starts[g]!; x < starts[g + 1]!; x++) {
        for (let y = x + 1; y < starts[g + 1]!; y++) {
          if (rate < 1 && random() >= rate) continue;
          const pattern = comparator.pattern(members[x]!, members[y]!);
          sample.set(pattern, (sample.get(pattern) ?? 0) + 1);
        }
      }
    }
    for (const c of sample.values()) comparisons += c;
    return { patterns: sample, excluded: FIELDS.map((f) => rule.uses.includes(f)) };
  });
  const { m, iterations } = estimateM(ruleSamples, u);
  const { lambda, expected: expectedDuplicates } = estimateLambda(patterns, m, u, Math.max(1, totalPairs));
  const model: Model = { lambda, m, u, expectedDuplicates, iterations };
  return { model, scorer: new Scorer(model, termFrequencies(p.names.terms.length, p.given, p.family)), comparisons };
}

export async function findDuplicates(
  records: readonly DedupeRecord[],
  options: DedupeOptions = {},
): Promise<DedupeResult> {
  // A stored model brings the run's threshold and band with it, unless told otherwise.
  const threshold = options.threshold ?? options.model?.threshold ?? DEFAULT_THRESHOLD;
  const reviewThreshold =
    options.reviewThreshold ??
    (options.threshold === undefined ? options.model?.reviewThreshold : undefined) ??
    threshold;
  if (!(reviewThreshold <= threshold))
    throw new RangeError('The review band must lie below the threshold: reviewThreshold ≤ threshold.');
  const timings: Record<DedupeStage, number> = { preparing: 0, blocking: 0, comparing: 0, estimating: 0, scoring: 0 };
  const progress = (stage: DedupeStage, done: number, total: number): void =>
    options.onProgress?.({ stage, done, total });
  const check = async (): Promise<void> => {
    await tick();
    if (options.cancelled?.() === true) throw new DedupeCancelled();
  };

  let t = performance.now();
  progress('preparing', 0, records.length);
  const p = prepare(records);
  timings.preparing = performance.now() - t;
  await check();

  t = performance.now();
  progress('blocking', 0, records.length);
  const blocks = buildBlocks(p, undefined, options.maxGroup);
  timings.blocking = performance.now() - t;
  await check();

  // Every candidate pair, compared once.
  t = performance.now();
  const comparator = new Comparator(p);
  const pairs = new PairList();
  const patterns = new Map<number, number>();
  const expected = blocks.groups.reduce((n, g) => n + g.pairs, 0);
  const random = seededRandom(0x5eed);
  let seen = 0;
  let sinceCheck = 0;
  for (let r = 0; r < blocks.groups.length; r++) {
    let added = 0;
    const { members, starts, count } = blocks.groups[r]!;
    for (let g = 0; g < count; g++) {
      const from = starts[g]!;
      const to = starts[g + 1]!;
      for (let x = from; x < to; x++) {
        const i = members[x]!;
        for (let y = x + 1; y < to; y++) {
          const j = members[y]!;
          if (r > 0 && foundEarlier(blocks, r, i, j)) continue;
          const pattern = comparator.pattern(i, j);
          pairs.push(i < j ? i : j, i < j ? j : i, pattern);
          patterns.set(pattern, (patterns.get(pattern) ?? 0) + 1);
          added++;
        }
      }
      const size = ((to - from) * (to - from - 1)) / 2;
      seen += size;
      sinceCheck += size;
      if (sinceCheck >= SLICE) {
        sinceCheck = 0;
        progress('comparing', seen, expected);
        await check();
      }
    }
    blocks.stats[r]!.pairs = added;
  }
  progress('comparing', expected, expected);
  timings.comparing = performance.now() - t;

  // u from random pairs (all of them for a small file), m from the rules' pairs, then the prior.
  t = performance.now();
  progress('estimating', 0, 1);
  let model: Model;
  let scorer: Scorer;
  let comparisons = pairs.length;
  if (options.model) {
    model = options.model.model;
    scorer = new Scorer(model, frequenciesFor(p, options.model));
  } else {
    ({ model, scorer, comparisons } = await estimate(p, comparator, patterns, comparisons, random, options, check));
  }
  timings.estimating = performance.now() - t;
  await check();

  t = performance.now();
  const kept: ScoredPair[] = [];
  let scored = 0;
  for (const [a, b, pattern] of pairs) {
    const given = p.given[a] === p.given[b] ? p.given[a]! : -1;
    const family = p.family[a] === p.family[b] ? p.family[a]! : -1;
    const score = scorer.score(pattern, given, family);
    if (score >= reviewThreshold) kept.push({ a, b, score, pattern, band: score >= threshold ? 'auto' : 'review' });
    if (++scored % (SLICE * 8) === 0) {
      progress('scoring', scored, pairs.length);
      await check();
    }
  }
  kept.sort((x, y) => y.score - x.score || x.a - y.a || x.b - y.b);
  progress('scoring', pairs.length, pairs.length);
  timings.scoring = performance.now() - t;

  return {
    pairs: kept,
    prepared: p,
    stats: { records: p.count, candidatePairs: pairs.length, comparisons, rules: blocks.stats, model, timings },
    explain: ({ a, b }) => {
      const pattern = comparator.pattern(a, b);
      return scorer.explain(
        pattern,
        p.given[a] === p.given[b] ? p.given[a]! : -1,
        p.family[a] === p.family[b] ? p.family[a]! : -1,
      );
    },
  };
}
