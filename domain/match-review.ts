// The national match-review queue as the desktop shows it, and what a reviewed pair
// teaches about the matcher. Reviews are possible duplicates the national service opened
// itself (supply intake); the team settles them as "same child" or "different children".
// Each settled pair, and each local duplicate task merged or marked "not a duplicate", is
// kept as a labelled pair: the EM estimate stays unsupervised, and the labels only report
// the precision of the automatic band and suggest a threshold (labelFigures below).
import { z } from 'zod';
import { cpNumberSchema } from './child-record.js';

/**
 * One open review in the queue: numbers only, no personal details. No score on a team's
 * doubtful pair awaiting its second look (the second person decides on the records
 * alone); secondLook when one person has decided and another must (never which way).
 */
export const matchReviewItemSchema = z
  .object({
    id: z.number().int().min(1),
    cpNumber: cpNumberSchema,
    candidateCpNumber: cpNumberSchema,
    localAuthority: z.string().nullable(),
    score: z.number().optional(),
    shieldPending: z.boolean(),
    createdAt: z.string(),
    secondLook: z.enum(['needed', 'data-manager']).optional(),
  })
  .strict();
export type MatchReviewItem = z.infer<typeof matchReviewItemSchema>;

/**
 * One side of a review, reduced to the fields the comparison shows. `withheld`: the
 * fields a shield hides are absent, either because the person may not see them (the
 * service left them out) or until they ask to see them (`mayReveal`).
 */
export const matchReviewSideSchema = z
  .object({
    cpNumber: cpNumberSchema,
    localAuthority: z.string().nullable(),
    shielded: z.boolean(),
    withheld: z.boolean(),
    mayReveal: z.boolean(),
    record: z
      .object({
        name: z.object({ given: z.string(), family: z.string() }).strict(),
        dob: z.string(),
        gender: z.string(),
        address: z
          .object({ lines: z.array(z.string()), postcode: z.string().optional() })
          .strict()
          .nullable()
          .optional(),
        identifiers: z.object({ nhsNumber: z.string().optional(), upn: z.string().optional() }).strict().optional(),
        education: z.object({ name: z.string() }).strict().optional(),
        gp: z.object({ name: z.string() }).strict().optional(),
      })
      .strict(),
  })
  .strict();
export type MatchReviewSide = z.infer<typeof matchReviewSideSchema>;

export const matchReviewPairSchema = z
  .object({ review: matchReviewItemSchema, first: matchReviewSideSchema, second: matchReviewSideSchema })
  .strict();
export type MatchReviewPair = z.infer<typeof matchReviewPairSchema>;

export const matchReviewDecisionSchema = z.enum(['same-child', 'different-children']);
export type MatchReviewDecisionChoice = z.infer<typeof matchReviewDecisionSchema>;

const taskSession = z.string().min(1).max(64);
export const matchReviewRequests = {
  /**
   * A team opens a review in its cleansing task session (the purpose given once); a data
   * manager, who has no working set, gives the reason for access with each review.
   */
  open: z
    .object({
      id: z.number().int().min(1),
      taskSession: taskSession.optional(),
      reason: z.string().trim().min(1).max(500).optional(),
      reveal: z.array(cpNumberSchema).max(2).optional(),
    })
    .strict()
    .refine((r) => (r.taskSession === undefined) !== (r.reason === undefined), {
      message: 'give either the task session or the reason for access',
    }),
  resolve: z.object({ id: z.number().int().min(1), decision: matchReviewDecisionSchema }).strict(),
  /** A doubtful local pair decided to be one child: `survivor` stays, the other is merged into it on agreement. */
  secondLook: z.object({ taskId: z.number().int().min(1), survivor: cpNumberSchema }).strict(),
};

export const secondLookAskedSchema = z.object({ reviewId: z.number().int().min(1), closed: z.number().int() }).strict();

/** How often second looks agreed, as the national index counts them (null: not available). */
export const matchReviewAgreementSchema = z
  .object({
    agreed: z.number().int().min(0),
    disagreed: z.number().int().min(0),
    awaiting: z.number().int().min(0),
    rate: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type MatchReviewAgreementView = z.infer<typeof matchReviewAgreementSchema>;

export const matchReviewResolvedSchema = z
  .object({
    id: z.number().int(),
    status: matchReviewDecisionSchema,
    cpNumber: cpNumberSchema,
    labelled: z.boolean(),
  })
  .strict();

// ---- Labels ----------------------------------------------------------------

export type PairLabel = 'same' | 'different';

/** A labelled pair with its current score. */
export interface ScoredLabel {
  score: number;
  label: PairLabel;
}

/** Fewer labels than this above a threshold say nothing about its precision. */
export const MIN_LABELS = 20;
/** The precision the automatic band must reach (issue 20's target). */
export const TARGET_PRECISION = 0.995;

export const labelFiguresSchema = z
  .object({
    labels: z.number().int(),
    same: z.number().int(),
    threshold: z.number(),
    /** Labelled pairs at or above the threshold. */
    above: z.number().int(),
    /** Precision of the automatic band on the labels; null when too few to say. */
    precision: z.number().nullable(),
    /** The lowest threshold whose band reaches the target on the labels; null when they do not allow it. */
    suggestedThreshold: z.number().nullable(),
    /** Why a figure is null, in words. */
    note: z.string().nullable(),
  })
  .strict();
export type LabelFigures = z.infer<typeof labelFiguresSchema>;

/**
 * Precision of the band at or above `threshold` on the labelled pairs, and the lowest
 * threshold (one of the labels' scores) whose band reaches `target` with at least
 * `min` labels in it. Pure: the labels come with their current scores.
 */
export function labelFigures(
  labels: readonly ScoredLabel[],
  threshold: number,
  { min = MIN_LABELS, target = TARGET_PRECISION }: { min?: number; target?: number } = {},
): LabelFigures {
  const valid = labels.filter((l) => Number.isFinite(l.score));
  const same = valid.filter((l) => l.label === 'same').length;
  const band = valid.filter((l) => l.score >= threshold);
  const bandSame = band.filter((l) => l.label === 'same').length;
  const precision = band.length >= min ? bandSame / band.length : null;

  // Highest score first: the band at each candidate threshold is a prefix.
  const sorted = [...valid].sort((a, b) => b.score - a.score);
  let suggested: number | null = null;
  let inBand = 0;
  let sameInBand = 0;
  for (let i = 0; i < sorted.length; i++) {
    inBand++;
    if (sorted[i]!.label === 'same') sameInBand++;
    // Ties: a threshold takes every pair with that score, so look only at the last of them.
    if (i + 1 < sorted.length && sorted[i + 1]!.score === sorted[i]!.score) continue;
    if (inBand >= min && sameInBand / inBand >= target) suggested = sorted[i]!.score;
  }

  let note: string | null = null;
  if (valid.length < min) {
    note = `Too few labels to say: ${valid.length} reviewed pair${valid.length === 1 ? '' : 's'}, at least ${min} are needed.`;
  } else if (precision === null) {
    note = `Too few labels to say: ${band.length} reviewed pair${band.length === 1 ? ' is' : 's are'} at or above the threshold, at least ${min} are needed.`;
  } else if (suggested === null) {
    note = `The labels do not reach a precision of ${target} at any threshold with at least ${min} reviewed pairs above it.`;
  }
  return {
    labels: valid.length,
    same,
    threshold,
    above: band.length,
    precision,
    suggestedThreshold: suggested,
    note,
  };
}
