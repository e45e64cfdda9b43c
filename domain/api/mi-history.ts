// Wire schema of usage and data quality over time (issue 21, item 5): week by week,
// searches and record opens by the kind of organisation the user works for, supplier
// loads and their match outcomes; day by day, the service's snapshot of the authority
// (the NHS number match rate against its target, shields, open match reviews).
// GET /v1/management-information/history.
import { z } from 'zod';

export const HISTORY_WEEKS_MAX = 52;

export const historyQuerySchema = z
  .object({
    localAuthority: z
      .string()
      .regex(/^E\d{8}$/, 'must be an ONS authority code such as E08000015')
      .optional(),
    weeks: z.coerce.number().int().min(1).max(HISTORY_WEEKS_MAX).optional(),
  })
  .strict();

const count = z.number().int();

export const usageWeekSchema = z.object({ week: z.string(), kind: z.string(), searches: count, reads: count }).strict();
export const supplyWeekSchema = z
  .object({
    week: z.string(),
    loads: count,
    records: count,
    matched: count,
    created: count,
    possibleDuplicate: count,
    invalid: count,
    forbidden: count,
  })
  .strict();
export const dailySnapshotSchema = z
  .object({
    day: z.string(),
    active: count,
    withNhsNumber: count,
    matchRate: z.number(),
    shielded: count,
    shieldPending: count,
    archived: count,
    openMatchReviews: count,
  })
  .strict();

export const historyViewSchema = z
  .object({
    /** The authority, or 'all' for every authority together. */
    localAuthority: z.string(),
    /** The weeks counted, oldest first: each week's Monday (YYYY-MM-DD, UTC). */
    weeks: z.array(z.string()),
    /** Per week and organisation kind, only the kinds with any use in the period. */
    usage: z.array(usageWeekSchema),
    /** One row a week, loads with none counted as zero. */
    supply: z.array(supplyWeekSchema),
    /** One row a day with a snapshot, from the first week's Monday, oldest first. */
    snapshots: z.array(dailySnapshotSchema),
    /** The NHS number match rate the NHS successor required before going live. */
    target: z.number(),
  })
  .strict();
export type HistoryView = z.infer<typeof historyViewSchema>;
export type UsageWeek = z.infer<typeof usageWeekSchema>;
export type SupplyWeek = z.infer<typeof supplyWeekSchema>;
export type DailySnapshot = z.infer<typeof dailySnapshotSchema>;
