// Wire schemas of supply intake and match review: what suppliers send, and how a person
// settles a possible duplicate.
import { z } from 'zod';
import { supplierRecordSchema, type SupplierRecord } from '../child-record.js';
import { addYears } from '../dates.js';
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

/** ContactPoint holds children up to 25 (care leavers): a date of birth further back is an error. */
export const OLDEST_SUPPLIED_AGE = 25;

/**
 * The date problems of one supplied record, on `today` (YYYY-MM-DD). A statement dated
 * in the future would outrank every later true statement for ever (the newest statement
 * wins), so it is refused; so is a date of birth in the future or of someone too old
 * for ContactPoint.
 */
export function supplyDateProblems(s: SupplierRecord, today: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (s.receivedAt > today) problems.push({ path: 'receivedAt', message: `must not be after today (${today})` });
  const earliest = addYears(today, -(OLDEST_SUPPLIED_AGE + 1));
  if (s.dob > today) problems.push({ path: 'dob', message: `must not be after today (${today})` });
  else if (s.dob <= earliest) problems.push({ path: 'dob', message: `must be after ${earliest}: ContactPoint holds children up to ${OLDEST_SUPPLIED_AGE}` });
  return problems;
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

export const resolveMatchReviewBodySchema = z.object({ decision: z.enum(['same-child', 'different-children']) }).strict();
export type MatchReviewDecision = z.output<typeof resolveMatchReviewBodySchema>['decision'];

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
