// Wire schemas of supply intake and match review: what suppliers send, and how a person
// settles a possible duplicate.
import { z } from 'zod';
import { cpNumberSchema, supplierRecordSchema, type Supplier, type SupplierRecord } from '../child-record.js';
import { namesSensitiveService } from '../sensitive-services.js';
import { lifeDateProblems } from '../lifecycle.js';
import { localAuthorityCodeSchema } from './sync.js';

export const SUPPLY_MAX_RECORDS = 1000;

export const supplyBodySchema = z
  .object({
    /** The authority a new child is placed with. A matched child keeps its own. */
    localAuthority: localAuthorityCodeSchema,
    records: z.array(supplierRecordSchema).min(1).max(SUPPLY_MAX_RECORDS),
  })
  .strict();
export type SupplyBody = z.output<typeof supplyBodySchema>;

/**
 * The suppliers that may supply an involvement: a local authority's and a youth
 * offending team's case-management systems, which hold their own service's involvement.
 * National suppliers register a child; they are not a service involved with one.
 */
export const INVOLVEMENT_SUPPLIERS: readonly Supplier[] = ['local-authority', 'youth-offending'];

/**
 * The problems of one supplied record that its schema cannot see, on `today`
 * (YYYY-MM-DD). A statement dated in the future would outrank every later true
 * statement for ever (the newest statement wins), so it is refused; the date of birth
 * is held to the same rule as any live record's (domain/lifecycle.ts). An involvement
 * comes only from a local supplier, never names a sensitive service, and starts no
 * later than today (as a practitioner's own does).
 */
export function supplyRecordProblems(s: SupplierRecord, today: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (s.receivedAt > today) problems.push({ path: 'receivedAt', message: `must not be after today (${today})` });
  const inv = s.involvement;
  if (inv !== undefined) {
    if (!INVOLVEMENT_SUPPLIERS.includes(s.supplier)) {
      problems.push({
        path: 'involvement',
        message: `may be supplied only by ${INVOLVEMENT_SUPPLIERS.map((x) => `"${x}"`).join(' or ')}, for its own service`,
      });
    }
    if (namesSensitiveService(inv.service)) {
      problems.push({
        path: 'involvement.service',
        message:
          'names a sensitive service (sexual health, mental health or substance misuse), which is never supplied: the practitioner records it, with its basis',
      });
    }
    if (inv.startDate > today)
      problems.push({ path: 'involvement.startDate', message: `must not be after today (${today})` });
    if (inv.endDate !== undefined && inv.endDate < inv.startDate)
      problems.push({ path: 'involvement.endDate', message: 'is before the start date' });
  }
  return [...problems, ...lifeDateProblems({ dob: s.dob }, today)];
}

export type SupplyStatus = 'matched' | 'created' | 'possible-duplicate' | 'invalid' | 'forbidden';

export interface SupplyResult {
  supplierRef: string;
  status: SupplyStatus;
  cpNumber?: string;
  problems?: { path: string; message: string }[];
}

export const matchReviewStatusSchema = z.enum(['open', 'same-child', 'different-children']);
export type MatchReviewStatus = z.infer<typeof matchReviewStatusSchema>;

export const matchReviewQuerySchema = z.object({ status: matchReviewStatusSchema.default('open') }).strict();

export const resolveMatchReviewBodySchema = z
  .object({ decision: z.enum(['same-child', 'different-children']) })
  .strict();
export type MatchReviewDecision = z.output<typeof resolveMatchReviewBodySchema>['decision'];

/**
 * A team's second look at a doubtful pair (issue 20, item 4): a member decided that two
 * of their authority's children, a pair in the review band below the automatic
 * threshold, are one child. cpNumber is to be merged into candidateCpNumber once a
 * second, independent member agrees; score is the local matcher's (shown to no team).
 */
export const openBandReviewBodySchema = z
  .object({
    cpNumber: cpNumberSchema,
    candidateCpNumber: cpNumberSchema,
    score: z.number().min(0).max(1),
    decision: z.literal('same-child'),
  })
  .strict();
export type OpenBandReview = z.output<typeof openBandReviewBodySchema>;

/** Where a review came from: supply intake, or a team's doubtful pair (the review band). */
export type MatchReviewOrigin = 'supply' | 'review-band';

/**
 * How often the second person agreed with the first, from the service's own rows: of the
 * reviews one person decided and a second decided after (settled, or disputed), those
 * where both decided alike. rate is null until there is one.
 */
export interface MatchReviewAgreement {
  agreed: number;
  disagreed: number;
  /** First decisions still waiting for a second person (not in the rate). */
  awaiting: number;
  rate: number | null;
}

export interface MatchReviewView {
  id: number;
  /** The child created from the supply. */
  cpNumber: string;
  /** The held child it may duplicate. */
  candidateCpNumber: string;
  /** The authority of the created child, whose team resolves the review. */
  localAuthority: string | null;
  score: number;
  status: MatchReviewStatus;
  /** The created child is treated as shielded until the review is resolved. */
  shieldPending: boolean;
  createdAt: string;
  resolvedAt?: string;
  resolvedBy?: string;
}
