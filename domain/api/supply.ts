// Wire schemas of supply intake and match review: what suppliers send, and how a person
// settles a possible duplicate.
import { z } from 'zod';
import { supplierRecordSchema, type SupplierRecord } from '../child-record.js';
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
 * The date problems of one supplied record, on `today` (YYYY-MM-DD). A statement dated
 * in the future would outrank every later true statement for ever (the newest statement
 * wins), so it is refused; the date of birth is held to the same rule as any live
 * record's (domain/lifecycle.ts).
 */
export function supplyDateProblems(s: SupplierRecord, today: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (s.receivedAt > today) problems.push({ path: 'receivedAt', message: `must not be after today (${today})` });
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
