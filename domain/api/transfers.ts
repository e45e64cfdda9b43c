// Wire schemas of transfers between authorities: a child's responsible authority moves
// only when the sending authority's team asks and the receiving one's accepts. Every
// object is strict: an unknown field is refused with 422 naming it.
import { z } from 'zod';
import { cpNumberSchema } from '../child-record.js';

export const transferStatuses = ['open', 'accepted', 'rejected', 'cancelled'] as const;
export const transferStatusSchema = z.enum(transferStatuses);
export type TransferStatus = z.infer<typeof transferStatusSchema>;

export const transferRequestBodySchema = z
  .object({
    cpNumber: z.string().trim().toUpperCase().pipe(cpNumberSchema),
    toLocalAuthority: z
      .string()
      .trim()
      .regex(/^E\d{8}$/, 'must be an ONS local authority code such as E06000050'),
    /** Why the child's record should move (the family moved, say): audited. */
    reason: z.string().trim().min(1, 'give a reason').max(500, 'must be at most 500 characters'),
  })
  .strict();
export type TransferRequestBody = z.output<typeof transferRequestBodySchema>;

export const transfersQuerySchema = z.object({ status: transferStatusSchema.default('open') }).strict();

/** Accepting, rejecting and cancelling take no fields: who decides is the signed-in user. */
export const transferDecisionBodySchema = z.object({}).strict();

export const transferViewSchema = z
  .object({
    id: z.string(),
    cpNumber: z.string(),
    fromLocalAuthority: z.string(),
    toLocalAuthority: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    reason: z.string(),
    status: transferStatusSchema,
    /** Who accepted, rejected or cancelled it; null while open, and when the service cancelled it (the child changed). */
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    /** As the asker sees it: incoming when their authority would receive the child. */
    direction: z.enum(['incoming', 'outgoing']),
  })
  .strict();
export type TransferView = z.infer<typeof transferViewSchema>;

export const transferResponseSchema = z.object({ transfer: transferViewSchema }).strict();
export const transfersResponseSchema = z.object({ transfers: z.array(transferViewSchema).max(500) }).strict();
