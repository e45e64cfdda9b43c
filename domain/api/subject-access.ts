// Wire schema of a child's subject-access report (issue 21, item 6): what ContactPoint
// holds about a child, as the data manager sees it (in full, as in any read of theirs),
// where each item came from, and every entry of the audit trail about the child: who
// opened the record, when and why, and what was done to it.
// GET /v1/children/{cpNumber}/subject-access, data managers only, audited. A shielded
// child's report says so at the top: what a shield hides is not disclosed to whoever
// asked without the decision the shield calls for (docs/team-guide.md).
import { z } from 'zod';
import { recordViewSchema } from './records.js';

export const SUBJECT_ACCESS_MAX_ENTRIES = 10_000;

export const subjectAccessEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    action: z.string(),
    /** The account, its holder's name and organisation, as they are now (null for a system entry). */
    userId: z.string().nullable(),
    name: z.string().nullable(),
    organisation: z.string().nullable(),
    /** The reason for access given, for a read; null otherwise. */
    reason: z.string().nullable(),
    /** Where a read came from when it was not the national search (a working set, cleansing). */
    context: z.string().nullable(),
  })
  .strict();
export type SubjectAccessEntry = z.infer<typeof subjectAccessEntrySchema>;

export const subjectAccessReportSchema = z
  .object({
    cpNumber: z.string(),
    generatedAt: z.string(),
    generatedBy: z.object({ userId: z.string(), name: z.string() }).strict(),
    reason: z.string(),
    status: z.enum(['active', 'archived']),
    archivedOn: z.string().nullable(),
    /** The record as the data manager sees it (record.shielded: its hidden details must not go out unchecked). */
    record: recordViewSchema,
    /** Each item's source: which supplier said it last, and when. */
    sources: z.array(z.object({ field: z.string(), supplier: z.string(), date: z.string() }).strict()),
    /** The audit trail about the child, oldest first; at most SUBJECT_ACCESS_MAX_ENTRIES (truncated says so). */
    entries: z.array(subjectAccessEntrySchema),
    truncated: z.boolean(),
  })
  .strict();
export type SubjectAccessReport = z.infer<typeof subjectAccessReportSchema>;
