// Wire schemas of shielding by the management team: a shield is applied with a reason,
// and removed only when a second person approves a request to remove it (four eyes).
// Every object is strict: an unknown field is refused with 422 naming it.
import { z } from 'zod';
import { cpNumberSchema } from '../child-record.js';

/** Why a shield is applied, or why its removal is asked for: audited. */
export const shieldReasonSchema = z.string().trim().min(1, 'give a reason').max(500, 'must be at most 500 characters');

export const applyShieldBodySchema = z.object({ reason: shieldReasonSchema }).strict();
export type ApplyShieldBody = z.output<typeof applyShieldBodySchema>;

export const unshieldRequestBodySchema = z.object({ reason: shieldReasonSchema }).strict();

export const unshieldRequestStatuses = ['open', 'approved', 'rejected', 'cancelled'] as const;
export const unshieldRequestStatusSchema = z.enum(unshieldRequestStatuses);
export type UnshieldRequestStatus = z.infer<typeof unshieldRequestStatusSchema>;

export const unshieldRequestsQuerySchema = z.object({ status: unshieldRequestStatusSchema.default('open') }).strict();

/** Approving takes no fields: who approves is the signed-in user. */
export const approveUnshieldBodySchema = z.object({}).strict();

export const rejectUnshieldBodySchema = z
  .object({
    /** Why the shield stays (optional): audited. */
    reason: z.string().trim().max(500, 'must be at most 500 characters').optional(),
  })
  .strict();

export const shieldAppliedSchema = z
  .object({ cpNumber: cpNumberSchema, shielded: z.literal(true), version: z.number().int() })
  .strict();

export const unshieldRequestViewSchema = z
  .object({
    id: z.string(),
    cpNumber: z.string(),
    /** The authority whose team decides: the child's when the request was made. */
    localAuthority: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    reason: z.string(),
    status: unshieldRequestStatusSchema,
    /** Who approved or rejected it; null while open, and when the service cancelled it (the child was merged, archived, transferred or shielded again). */
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
  })
  .strict();
export type UnshieldRequestView = z.infer<typeof unshieldRequestViewSchema>;

export const unshieldRequestResponseSchema = z.object({ request: unshieldRequestViewSchema }).strict();
export const unshieldApprovedResponseSchema = z
  .object({ request: unshieldRequestViewSchema, version: z.number().int() })
  .strict();
export const unshieldRequestsResponseSchema = z
  .object({ requests: z.array(unshieldRequestViewSchema).max(500) })
  .strict();
