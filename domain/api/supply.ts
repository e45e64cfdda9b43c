// Wire schemas of supply intake and match review: what suppliers send, and how a person
// settles a possible duplicate.
import { z } from 'zod';
import { supplierRecordSchema } from '../child-record.js';
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
