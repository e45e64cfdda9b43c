// Wire schema of roll-out progress (issue 21, item 3): per authority, month by month,
// accredited partner organisations and practitioners identified, trained and with
// access; and per organisation where they stand now. GET /v1/rollout.
import { z } from 'zod';

export const ROLLOUT_MONTHS_MAX = 36;

export const rolloutQuerySchema = z
  .object({
    localAuthority: z
      .string()
      .regex(/^E\d{8}$/, 'must be an ONS authority code such as E08000015')
      .optional(),
    months: z.coerce.number().int().min(1).max(ROLLOUT_MONTHS_MAX).optional(),
  })
  .strict();

const counts = {
  accreditedPartners: z.number().int(),
  identified: z.number().int(),
  trained: z.number().int(),
  withAccess: z.number().int(),
};

export const rolloutMonthSchema = z.object({ month: z.string(), ...counts }).strict();
export const rolloutOrganisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    stage: z.string().nullable(),
    identified: z.number().int(),
    trained: z.number().int(),
    withAccess: z.number().int(),
  })
  .strict();

export const rolloutViewSchema = z
  .object({
    /** The months counted, oldest first (YYYY-MM); each count is as it stood at the month's end. */
    months: z.array(z.string()),
    authorities: z.array(
      z
        .object({
          localAuthority: z.string(),
          series: z.array(rolloutMonthSchema),
          organisations: z.array(rolloutOrganisationSchema),
        })
        .strict(),
    ),
  })
  .strict();
export type RolloutView = z.infer<typeof rolloutViewSchema>;
export type RolloutMonth = z.infer<typeof rolloutMonthSchema>;
